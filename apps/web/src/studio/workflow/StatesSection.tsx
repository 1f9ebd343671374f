import { useState } from 'react';
import {
  ACTION_TYPES,
  DEFAULT_EMAILS,
  DOCUMENT_TEMPLATES,
  DRAFT,
  SUBMITTED,
  toJsonPointer,
  type WorkflowAction,
  type WorkflowDefinition,
  type WorkflowState,
} from '@guichet/shared';
import { tr } from '../../lib/i18n';
import { BlockProblems, ProblemMessages, TextInput, useProblems } from './common';
import { domId, durationToWords, identifierFrom, wordsToDuration, DURATION_UNITS, type DurationUnit } from './helpers';
import { actionName, actionTypeLabel, documentLabel, emailLabel, stateName, unitLabel } from './labels';

export type Update = (change: (workflow: WorkflowDefinition) => void) => void;

export interface SectionProps {
  workflow: WorkflowDefinition;
  update: Update;
  say(text: string): void;
  /** After the next render, focuses the control at this pointer, or the element `#id`. */
  focusLater(pointerOrId: string): void;
}

const p = (...segments: Array<string | number>) => toJsonPointer(['workflow', ...segments]);

export function StatesSection(props: SectionProps) {
  const { workflow, update, say, focusLater } = props;
  const [newLabel, setNewLabel] = useState('');
  const [addError, setAddError] = useState('');
  const names = Object.keys(workflow.states);

  const add = () => {
    const label = newLabel.trim();
    if (!label) {
      setAddError(tr('Donnez un nom au nouvel état.', 'Give the new state a name.'));
      return;
    }
    const name = identifierFrom(label, names);
    update((w) => {
      w.states[name] = { label };
    });
    setNewLabel('');
    setAddError('');
    say(tr(`État « ${label} » ajouté en fin de liste.`, `State “${label}” added at the end of the list.`));
  };

  const remove = (name: string) => {
    const label = stateName(workflow, name);
    let dropped = 0;
    update((w) => {
      delete w.states[name];
      const kept = [];
      for (const t of w.transitions) {
        t.from = Array.isArray(t.from) ? t.from.filter((s) => s !== name) : t.from;
        if (t.to === name || (Array.isArray(t.from) && t.from.length === 0)) dropped++;
        else kept.push(t);
      }
      w.transitions = kept;
    });
    say(
      dropped
        ? tr(
            `État « ${label} » supprimé, ainsi que ${dropped} transition(s) qui y menaient ou n’en partaient que de lui.`,
            `State “${label}” removed, with ${dropped} transition(s) leading to it or leaving only from it.`,
          )
        : tr(`État « ${label} » supprimé.`, `State “${label}” removed.`),
    );
    focusLater('#wf-states-title');
  };

  return (
    <section aria-labelledby="wf-states-title" className="wf-section">
      <h2 id="wf-states-title" tabIndex={-1}>
        {tr('États', 'States')}
      </h2>
      <p className="hint">
        {tr(
          'Les étapes par lesquelles passe une demande. Un état final est une décision : aucune transition n’en repart.',
          'The steps a request goes through. A final state is a decision: no transition leaves it.',
        )}
      </p>
      <div id={domId(p('states'))}>
        <BlockProblems pointer={p('states')} />
      </div>
      <ol className="wf-list">
        {names.map((name) => (
          <li key={name}>
            <StateBlock {...props} name={name} state={workflow.states[name]!} onRemove={() => remove(name)} />
          </li>
        ))}
      </ol>
      <div className="wf-add">
        <TextInput
          pointer="/studio/new-state"
          label={tr('Nom du nouvel état', 'Name of the new state')}
          hint={tr('Par exemple : En attente de paiement.', 'For example: Awaiting payment.')}
          value={newLabel}
          maxLength={100}
          localError={addError}
          onChange={(v) => {
            setNewLabel(v);
            if (addError) setAddError('');
          }}
        />
        <button type="button" className="button button--secondary" onClick={add}>
          {tr('Ajouter l’état', 'Add the state')}
        </button>
      </div>
    </section>
  );
}

function StateBlock(props: SectionProps & { name: string; state: WorkflowState; onRemove(): void }) {
  const { workflow, update, name, state } = props;
  const label = stateName(workflow, name);
  const required = name === DRAFT || name === SUBMITTED;
  const block = useProblems(p('states', name));
  const finalId = domId(p('states', name, 'final'));
  const final = useProblems(p('states', name, 'final'));
  return (
    <fieldset
      className={`wf-block${block.invalid ? ' field--error' : ''}`}
      id={domId(p('states', name))}
      aria-describedby={block.describedBy}
    >
      <legend>
        {tr(`État « ${label} »`, `State “${label}”`)}{' '}
        <span className="wf-key">
          ({tr('identifiant', 'identifier')} <code>{name}</code>)
        </span>
      </legend>
      <ProblemMessages id={block.errorId} items={block.items} />
      <TextInput
        pointer={p('states', name, 'label')}
        label={tr('Libellé affiché aux citoyens et aux instructeurs', 'Label shown to citizens and caseworkers')}
        value={typeof state.label === 'string' ? state.label : ''}
        maxLength={100}
        onChange={(v) =>
          update((w) => {
            w.states[name]!.label = v;
          })
        }
      />
      {name === DRAFT ? (
        <p className="hint">
          {tr(
            'État initial obligatoire : le citoyen remplit encore le formulaire.',
            'Required initial state: the citizen is still filling in the form.',
          )}
        </p>
      ) : (
        <div className={`field${final.invalid ? ' field--error' : ''}`}>
          <ProblemMessages id={final.errorId} items={final.items} />
          <div className="choice">
            <input
              type="checkbox"
              id={finalId}
              checked={state.final === true}
              aria-invalid={final.invalid || undefined}
              aria-describedby={final.describedBy}
              onChange={(e) =>
                update((w) => {
                  if (e.target.checked) w.states[name]!.final = true;
                  else delete w.states[name]!.final;
                })
              }
            />
            <label htmlFor={finalId}>
              {tr('État final (une décision : aucune transition n’en repart)', 'Final state (a decision)')}
            </label>
          </div>
        </div>
      )}
      <ActionsEditor {...props} label={label} />
      {name !== DRAFT && <DeadlineEditor {...props} label={label} />}
      {required ? (
        <p className="hint">
          {tr('État obligatoire : il ne peut pas être supprimé.', 'Required state: it cannot be removed.')}
        </p>
      ) : (
        <button type="button" className="button button--secondary button--small wf-danger" onClick={props.onRemove}>
          {tr(`Supprimer l’état « ${label} »`, `Remove the state “${label}”`)}
        </button>
      )}
    </fieldset>
  );
}

function emailKeys(workflow: WorkflowDefinition): string[] {
  return [...new Set([...Object.keys(DEFAULT_EMAILS), ...Object.keys(workflow.emails ?? {})])];
}

function ActionsEditor(props: SectionProps & { name: string; state: WorkflowState; label: string }) {
  const { workflow, update, name, state, label, say, focusLater } = props;
  const actions: WorkflowAction[] = Array.isArray(state.actions) ? state.actions : [];
  const [type, setType] = useState<WorkflowAction['type']>('notify');
  const addId = `${domId(p('states', name))}-nouvelle-action`;
  const block = useProblems(p('states', name, 'actions'));
  const keys = emailKeys(workflow);

  const edit = (change: (list: WorkflowAction[]) => void) =>
    update((w) => {
      const s = w.states[name]!;
      const list = Array.isArray(s.actions) ? s.actions : [];
      change(list);
      if (list.length) s.actions = list;
      else delete s.actions;
    });

  const add = () => {
    const action: WorkflowAction =
      type === 'notify'
        ? { type, template: keys[0] ?? 'submission_received' }
        : type === 'document'
          ? { type, template: 'acceptance' }
          : { type };
    edit((list) => list.push(action));
    say(
      tr(
        `Action « ${actionName(action)} » ajoutée à l’état « ${label} ».`,
        `Action “${actionName(action)}” added to the state “${label}”.`,
      ),
    );
    focusLater(p('states', name, 'actions', actions.length));
  };

  const move = (i: number, by: -1 | 1) => {
    edit((list) => {
      const [a] = list.splice(i, 1);
      list.splice(i + by, 0, a!);
    });
    say(
      tr(
        `Action « ${actionName(actions[i]!)} » déplacée en position ${i + by + 1}.`,
        `Action “${actionName(actions[i]!)}” moved to position ${i + by + 1}.`,
      ),
    );
  };

  return (
    <fieldset
      className={`wf-subblock${block.invalid ? ' field--error' : ''}`}
      id={domId(p('states', name, 'actions'))}
      aria-describedby={block.describedBy}
    >
      <legend>{tr(`Actions à l’entrée dans l’état « ${label} »`, `Actions on entering “${label}”`)}</legend>
      <ProblemMessages id={block.errorId} items={block.items} />
      {actions.length === 0 ? (
        <p className="hint">{tr('Aucune action.', 'No action.')}</p>
      ) : (
        <ol className="wf-actions">
          {actions.map((action, i) => {
            const n = actionName(action);
            return (
              <li key={i}>
                <ActionRow {...props} action={action} index={i} keys={keys} />
                <div className="wf-row-buttons">
                  {i > 0 && (
                    <button
                      type="button"
                      className="button button--secondary button--small"
                      onClick={() => move(i, -1)}
                    >
                      {tr(`Monter l’action « ${n} »`, `Move up “${n}”`)}
                    </button>
                  )}
                  {i < actions.length - 1 && (
                    <button type="button" className="button button--secondary button--small" onClick={() => move(i, 1)}>
                      {tr(`Descendre l’action « ${n} »`, `Move down “${n}”`)}
                    </button>
                  )}
                  <button
                    type="button"
                    className="button button--secondary button--small wf-danger"
                    onClick={() => {
                      edit((list) => list.splice(i, 1));
                      say(tr(`Action « ${n} » supprimée.`, `Action “${n}” removed.`));
                      focusLater(p('states', name, 'actions'));
                    }}
                  >
                    {tr(`Supprimer l’action « ${n} » de l’état « ${label} »`, `Remove “${n}” from “${label}”`)}
                  </button>
                </div>
              </li>
            );
          })}
        </ol>
      )}
      <div className="wf-inline">
        <div className="field">
          <label htmlFor={addId}>{tr('Action à ajouter', 'Action to add')}</label>
          <select id={addId} value={type} onChange={(e) => setType(e.target.value as WorkflowAction['type'])}>
            {ACTION_TYPES.map((t) => (
              <option key={t} value={t}>
                {actionTypeLabel(t)}
              </option>
            ))}
          </select>
        </div>
        <button type="button" className="button button--secondary button--small" onClick={add}>
          {tr(`Ajouter l’action à l’état « ${label} »`, `Add the action to “${label}”`)}
        </button>
      </div>
    </fieldset>
  );
}

function ActionRow(props: SectionProps & { name: string; action: WorkflowAction; index: number; keys: string[] }) {
  const { update, name, action, index, keys } = props;
  const rowPointer = p('states', name, 'actions', index);
  const templatePointer = p('states', name, 'actions', index, 'template');
  const row = useProblems(rowPointer);
  const template = useProblems(templatePointer);
  const setTemplate = (value: string) =>
    update((w) => {
      const a = w.states[name]!.actions![index] as { template?: string };
      a.template = value;
    });
  if (action.type === 'notify' || action.type === 'document') {
    const options: string[] = action.type === 'notify' ? keys : [...DOCUMENT_TEMPLATES];
    const current = String(action.template ?? '');
    const id = domId(templatePointer);
    return (
      <div className={`field${template.invalid || row.invalid ? ' field--error' : ''}`} id={domId(rowPointer)}>
        <ProblemMessages id={row.errorId} items={row.items} />
        <label htmlFor={id}>
          {actionTypeLabel(action.type)}
          {' — '}
          {action.type === 'notify' ? tr('modèle de courriel', 'email template') : tr('courrier', 'letter')}
        </label>
        <ProblemMessages id={template.errorId} items={template.items} />
        <select
          id={id}
          value={current}
          aria-invalid={template.invalid || undefined}
          aria-describedby={[template.describedBy, row.describedBy].filter(Boolean).join(' ') || undefined}
          onChange={(e) => setTemplate(e.target.value)}
        >
          {!options.includes(current) && (
            <option value={current}>
              {current
                ? tr(`${current} (modèle qui n’existe plus)`, `${current} (template no longer there)`)
                : tr('— Choisir —', '— Choose —')}
            </option>
          )}
          {options.map((key) => (
            <option key={key} value={key}>
              {action.type === 'notify' ? emailLabel(key) : documentLabel(key)}
            </option>
          ))}
        </select>
      </div>
    );
  }
  return (
    <div className={`field${row.invalid ? ' field--error' : ''}`} id={domId(rowPointer)} tabIndex={-1}>
      <p className="wf-action-name">{actionTypeLabel(action.type)}</p>
      <ProblemMessages id={row.errorId} items={row.items} />
    </div>
  );
}

function DeadlineEditor(props: SectionProps & { name: string; state: WorkflowState; label: string }) {
  const { workflow, update, name, state, label, say, focusLater } = props;
  const deadline = state.deadline;
  const base = p('states', name, 'deadline');
  const leaving = workflow.transitions.filter((t) => Array.isArray(t.from) && t.from.includes(name));

  if (!deadline || typeof deadline !== 'object') {
    return (
      <div className="wf-subblock">
        <p className="hint">{tr('Pas de délai.', 'No deadline.')}</p>
        <button
          type="button"
          className="button button--secondary button--small"
          onClick={() => {
            const system = leaving.find((t) => Array.isArray(t.by) && t.by.includes('system'));
            update((w) => {
              w.states[name]!.deadline = { after: 'P2M', transition: (system ?? leaving[0])?.name ?? '' };
            });
            say(tr(`Délai de 2 mois ajouté à l’état « ${label} ».`, `2-month deadline added to “${label}”.`));
            focusLater(`${base}/after`);
          }}
        >
          {tr(`Ajouter un délai à l’état « ${label} »`, `Add a deadline to “${label}”`)}
        </button>
      </div>
    );
  }
  return <DeadlineFields {...props} deadline={deadline} base={base} leaving={leaving} />;
}

function DeadlineFields(
  props: SectionProps & {
    name: string;
    label: string;
    deadline: NonNullable<WorkflowState['deadline']>;
    base: string;
    leaving: WorkflowDefinition['transitions'];
  },
) {
  const { workflow, update, name, label, say, focusLater, deadline, base, leaving } = props;
  const block = useProblems(base);
  const transition = useProblems(`${base}/transition`);
  const transitionId = domId(`${base}/transition`);
  const current = typeof deadline.transition === 'string' ? deadline.transition : '';
  const names = [...new Set(leaving.map((t) => t.name))];
  return (
    <fieldset
      className={`wf-subblock${block.invalid ? ' field--error' : ''}`}
      id={domId(base)}
      aria-describedby={block.describedBy}
    >
      <legend>{tr(`Délai dans l’état « ${label} »`, `Deadline in “${label}”`)}</legend>
      <p className="hint">
        {tr(
          'Quand une demande reste dans cet état pendant cette durée, le système déclenche la transition choisie. Le délai repart de zéro chaque fois que la demande revient dans l’état.',
          'When a request stays in this state for this long, the system fires the chosen transition. The period restarts each time the request comes back to the state.',
        )}
      </p>
      <ProblemMessages id={block.errorId} items={block.items} />
      <DurationInput
        pointer={`${base}/after`}
        after={deadline.after}
        onChange={(iso) =>
          update((w) => {
            w.states[name]!.deadline!.after = iso;
          })
        }
      />
      <div className={`field${transition.invalid ? ' field--error' : ''}`}>
        <label htmlFor={transitionId}>
          {tr('Transition déclenchée à l’échéance', 'Transition fired when it falls')}
        </label>
        <p className="hint" id={`${transitionId}-aide`}>
          {tr(
            'Une transition qui part de cet état, que le système peut déclencher (« Système » coché) et sans commentaire obligatoire.',
            'A transition leaving this state, that the system may fire (“System” ticked) and without a required comment.',
          )}
        </p>
        <ProblemMessages
          id={transition.errorId}
          items={transition.items.map((item) =>
            current === '' && (item.code === 'unknown_transition' || item.code === 'required')
              ? {
                  ...item,
                  message: tr(
                    'Choisissez la transition que le système déclenche à l’échéance. S’il n’y en a aucune, ajoutez une transition qui part de cet état, déclenchée par « Système ».',
                    'Choose the transition the system fires when the deadline falls. If there is none, add a transition leaving this state, fired by “System”.',
                  ),
                }
              : item,
          )}
        />
        <select
          id={transitionId}
          value={current}
          aria-invalid={transition.invalid || undefined}
          aria-describedby={[`${transitionId}-aide`, transition.invalid ? transition.errorId : '']
            .filter(Boolean)
            .join(' ')}
          onChange={(e) =>
            update((w) => {
              w.states[name]!.deadline!.transition = e.target.value;
            })
          }
        >
          {!names.includes(current) && (
            <option value={current}>
              {current
                ? tr(`${current} (ne part pas de cet état)`, `${current} (does not leave this state)`)
                : tr('— Choisir —', '— Choose —')}
            </option>
          )}
          {names.map((n) => {
            const t = leaving.find((x) => x.name === n)!;
            return (
              <option key={n} value={n}>
                {`${t.label || n} → ${stateName(workflow, t.to)}`}
              </option>
            );
          })}
        </select>
      </div>
      <button
        type="button"
        className="button button--secondary button--small wf-danger"
        onClick={() => {
          update((w) => {
            delete w.states[name]!.deadline;
          });
          say(tr(`Délai de l’état « ${label} » supprimé.`, `Deadline of “${label}” removed.`));
          focusLater(p('states', name));
        }}
      >
        {tr(`Supprimer le délai de l’état « ${label} »`, `Remove the deadline of “${label}”`)}
      </button>
    </fieldset>
  );
}

/** A number and a unit (jours, semaines, mois), written as an ISO 8601 duration. */
function DurationInput({ pointer, after, onChange }: { pointer: string; after: unknown; onChange(iso: string): void }) {
  const words = durationToWords(after);
  const [draft, setDraft] = useState<{ text: string; unit: DurationUnit; for: unknown }>(() => ({
    text: words ? String(words.amount) : '',
    unit: words?.unit ?? 'M',
    for: after,
  }));
  // The definition changed from elsewhere (an undo, an import): show what it says.
  let shown = draft;
  if (draft.for !== after) {
    shown = { text: words ? String(words.amount) : '', unit: words?.unit ?? draft.unit, for: after };
    setDraft(shown);
  }
  const { items, errorId } = useProblems(pointer);
  const id = domId(pointer);
  const unitId = `${id}-unite`;
  const hintId = `${id}-aide`;
  const invalid = items.length > 0;
  const messages = items.map((item) =>
    item.code === 'deadline_duration'
      ? {
          ...item,
          message: tr(
            'Saisissez un nombre entier, non nul, pour une durée de dix ans au plus.',
            'Enter a whole number, not zero, for ten years at most.',
          ),
        }
      : item,
  );
  const write = (text: string, unit: DurationUnit) => {
    // What cannot be a duration is written as typed: the check then says so, here and on saving.
    const iso = wordsToDuration(text, unit) ?? `P${text.trim()}${unit}`;
    setDraft({ text, unit, for: iso });
    onChange(iso);
  };
  const plural = Number(shown.text) !== 1;
  return (
    <fieldset className={`wf-duration field${invalid ? ' field--error' : ''}`} id={id}>
      <legend>{tr('Durée', 'Duration')}</legend>
      {typeof after === 'string' && after && !words && !invalid && (
        <p className="hint" id={hintId}>
          {tr(
            `Durée actuelle : ${after} (écrite dans le fichier de la démarche). Saisissez un nombre et une unité pour la remplacer.`,
            `Current duration: ${after} (written in the service file). Enter a number and a unit to replace it.`,
          )}
        </p>
      )}
      <ProblemMessages id={errorId} items={messages} />
      <div className="wf-inline">
        <div>
          <label htmlFor={`${id}-nombre`}>{tr('Nombre', 'Number')}</label>
          <input
            id={`${id}-nombre`}
            type="text"
            inputMode="numeric"
            autoComplete="off"
            className="wf-narrow"
            value={shown.text}
            aria-invalid={invalid || undefined}
            aria-describedby={
              [invalid ? errorId : '', !words && after ? hintId : ''].filter(Boolean).join(' ') || undefined
            }
            onChange={(e) => write(e.target.value, shown.unit)}
          />
        </div>
        <div>
          <label htmlFor={unitId}>{tr('Unité', 'Unit')}</label>
          <select id={unitId} value={shown.unit} onChange={(e) => write(shown.text, e.target.value as DurationUnit)}>
            {DURATION_UNITS.map((u) => (
              <option key={u} value={u}>
                {unitLabel(u, plural)}
              </option>
            ))}
          </select>
        </div>
      </div>
    </fieldset>
  );
}
