import { useState } from 'react';
import { toJsonPointer, type WorkflowDefinition, type WorkflowState } from '@guichet/shared';
import { tr } from '../../lib/i18n';
import { ProblemMessages, useProblems } from './common';
import { domId, durationToWords, wordsToDuration, DURATION_UNITS, type DurationUnit } from './helpers';
import { stateName, unitLabel } from './labels';
import type { SectionProps } from './StatesSection';

const p = (...segments: Array<string | number>) => toJsonPointer(['workflow', ...segments]);

export function DeadlineEditor(props: SectionProps & { name: string; state: WorkflowState; label: string }) {
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
