import { useState } from 'react';
import { DRAFT, SUBMITTED, toJsonPointer, type WorkflowDefinition, type WorkflowState } from '@guichet/shared';
import { tr } from '../../lib/i18n';
import { BlockProblems, ProblemMessages, TextInput, useProblems } from './common';
import { domId, identifierFrom } from './helpers';
import { stateName } from './labels';
import { ActionsEditor } from './StateActions';
import { DeadlineEditor } from './StateDeadline';

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
