import {
  ACTOR_KINDS,
  DRAFT,
  SUBMIT,
  toJsonPointer,
  type ActorKind,
  type WorkflowDefinition,
  type WorkflowTransition,
} from '@guichet/shared';
import { tr } from '../../lib/i18n';
import { ProblemMessages, TextInput, useProblems } from './common';
import { domId, identifierFrom } from './helpers';
import { actorLabel, stateName } from './labels';
import type { SectionProps } from './StatesSection';

const p = (...segments: Array<string | number>) => toJsonPointer(['workflow', ...segments]);

export function TransitionsSection(props: SectionProps) {
  const { workflow, update, say, focusLater } = props;
  const block = useProblems(p('transitions'));

  const add = () => {
    const states = Object.keys(workflow.states);
    const open = states.filter((s) => s !== DRAFT && workflow.states[s]?.final !== true);
    const finals = states.filter((s) => workflow.states[s]?.final === true);
    const name = identifierFrom(
      tr('nouvelle transition', 'new transition'),
      workflow.transitions.map((t) => t.name),
      'transition',
    );
    const transition: WorkflowTransition = {
      name,
      label: tr('Nouvelle transition', 'New transition'),
      from: open.slice(0, 1),
      to: finals[0] ?? open[0] ?? '',
      by: ['caseworker'],
    };
    update((w) => {
      w.transitions.push(transition);
    });
    say(
      tr(
        `Transition « ${transition.label} » ajoutée en fin de liste : choisissez son libellé, ses états et qui peut la déclencher.`,
        `Transition “${transition.label}” added at the end of the list: choose its label, states and who may fire it.`,
      ),
    );
    focusLater(p('transitions', workflow.transitions.length, 'label'));
  };

  const remove = (index: number) => {
    const t = workflow.transitions[index]!;
    update((w) => {
      w.transitions.splice(index, 1);
    });
    say(tr(`Transition « ${t.label || t.name} » supprimée.`, `Transition “${t.label || t.name}” removed.`));
    focusLater('#wf-transitions-title');
  };

  return (
    <section aria-labelledby="wf-transitions-title" className="wf-section">
      <h2 id="wf-transitions-title" tabIndex={-1}>
        {tr('Transitions', 'Transitions')}
      </h2>
      <p className="hint">
        {tr(
          'Les actions qui font passer une demande d’un état à un autre, et qui peut les déclencher. Le libellé est le texte du bouton.',
          'What moves a request from one state to another, and who may do it. The label is the button’s text.',
        )}
      </p>
      <div id={domId(p('transitions'))} aria-describedby={block.describedBy}>
        <ProblemMessages id={block.errorId} items={block.items} />
      </div>
      <ol className="wf-list">
        {workflow.transitions.map((t, i) => (
          <li key={i}>
            <TransitionBlock {...props} transition={t} index={i} onRemove={() => remove(i)} />
          </li>
        ))}
      </ol>
      <button type="button" className="button button--secondary" onClick={add}>
        {tr('Ajouter une transition', 'Add a transition')}
      </button>
    </section>
  );
}

function TransitionBlock(props: SectionProps & { transition: WorkflowTransition; index: number; onRemove(): void }) {
  const { workflow, update, transition: t, index } = props;
  const base = p('transitions', index);
  const block = useProblems(base);
  const isSubmit = t.name === SUBMIT && index === workflow.transitions.findIndex((x) => x.name === SUBMIT);
  const title = t.label || t.name;
  const states = Object.keys(workflow.states);
  const set = (change: (t: WorkflowTransition) => void) =>
    update((w) => {
      change(w.transitions[index]!);
    });

  const rename = (next: string) =>
    update((w) => {
      const old = w.transitions[index]!.name;
      w.transitions[index]!.name = next;
      // A deadline follows its transition, unless another one still has the old name.
      if (!w.transitions.some((x) => x.name === old))
        for (const s of Object.values(w.states)) if (s.deadline?.transition === old) s.deadline.transition = next;
    });

  return (
    <fieldset
      className={`wf-block${block.invalid ? ' field--error' : ''}`}
      id={domId(base)}
      aria-describedby={block.describedBy}
    >
      <legend>{tr(`Transition « ${title} »`, `Transition “${title}”`)}</legend>
      <ProblemMessages id={block.errorId} items={block.items} />
      <TextInput
        pointer={`${base}/label`}
        label={tr('Libellé (texte du bouton)', 'Label (the button’s text)')}
        value={typeof t.label === 'string' ? t.label : ''}
        maxLength={100}
        onChange={(v) => set((x) => (x.label = v))}
      />
      {isSubmit ? (
        <p className="hint">
          {tr(
            'Transition de dépôt, obligatoire : du brouillon à l’état « Déposée », par le citoyen. Elle vérifie les réponses et délivre l’accusé de réception ; elle ne peut être ni renommée ni supprimée.',
            'The submit transition, required: from draft to submitted, by the citizen. It checks the answers and issues the receipt; it can be neither renamed nor removed.',
          )}
        </p>
      ) : (
        <TextInput
          pointer={`${base}/name`}
          label={tr('Identifiant technique', 'Technical identifier')}
          hint={tr(
            'Ce que l’API et les délais utilisent : lettres minuscules sans accent, chiffres et _, en commençant par une lettre.',
            'What the API and deadlines use: lower-case letters, digits and _, starting with a letter.',
          )}
          value={typeof t.name === 'string' ? t.name : ''}
          maxLength={40}
          onChange={rename}
        />
      )}
      <CheckboxGroup
        pointer={`${base}/from`}
        legend={tr('Depuis les états', 'From the states')}
        options={states
          .filter((s) => (isSubmit ? s === DRAFT : s !== DRAFT) || (Array.isArray(t.from) && t.from.includes(s)))
          .filter((s) => workflow.states[s]?.final !== true || (Array.isArray(t.from) && t.from.includes(s)))
          .map((s) => ({ value: s, label: stateName(workflow, s) }))}
        checked={Array.isArray(t.from) ? t.from : []}
        onChange={(from) => set((x) => (x.from = from))}
      />
      <StateSelect
        pointer={`${base}/to`}
        workflow={workflow}
        value={typeof t.to === 'string' ? t.to : ''}
        onChange={(to) => set((x) => (x.to = to))}
      />
      <CheckboxGroup
        pointer={`${base}/by`}
        legend={tr('Qui peut la déclencher', 'Who may fire it')}
        options={ACTOR_KINDS.map((a) => ({ value: a, label: actorLabel(a) }))}
        checked={Array.isArray(t.by) ? t.by : []}
        onChange={(by) => set((x) => (x.by = by as ActorKind[]))}
      />
      <CommentRequired
        pointer={`${base}/commentRequired`}
        checked={t.commentRequired === true}
        onChange={(on) =>
          set((x) => {
            if (on) x.commentRequired = true;
            else delete x.commentRequired;
          })
        }
      />
      {!isSubmit && (
        <button type="button" className="button button--secondary button--small wf-danger" onClick={props.onRemove}>
          {tr(`Supprimer la transition « ${title} »`, `Remove the transition “${title}”`)}
        </button>
      )}
    </fieldset>
  );
}

function CheckboxGroup(props: {
  pointer: string;
  legend: string;
  options: Array<{ value: string; label: string }>;
  checked: string[];
  onChange(next: string[]): void;
}) {
  const { items, errorId, describedBy, invalid } = useProblems(props.pointer);
  const id = domId(props.pointer);
  // Values the list does not offer (a state since removed) stay visible, so they can be unticked.
  const options = [
    ...props.options,
    ...props.checked
      .filter((v) => !props.options.some((o) => o.value === v))
      .map((v) => ({ value: v, label: tr(`${v} (inconnu)`, `${v} (unknown)`) })),
  ];
  return (
    <fieldset className={`field${invalid ? ' field--error' : ''}`} id={id} aria-describedby={describedBy}>
      <legend>{props.legend}</legend>
      <ProblemMessages id={errorId} items={items} />
      <div className="choices choices--inline">
        {options.map((o, i) => (
          <div className="choice" key={o.value}>
            <input
              type="checkbox"
              id={`${id}-${i}`}
              checked={props.checked.includes(o.value)}
              aria-invalid={invalid || undefined}
              onChange={(e) =>
                props.onChange(
                  e.target.checked
                    ? [...props.checked.filter((v) => v !== o.value), o.value]
                    : props.checked.filter((v) => v !== o.value),
                )
              }
            />
            <label htmlFor={`${id}-${i}`}>{o.label}</label>
          </div>
        ))}
      </div>
    </fieldset>
  );
}

function StateSelect(props: {
  pointer: string;
  workflow: WorkflowDefinition;
  value: string;
  onChange(value: string): void;
}) {
  const { items, errorId, describedBy, invalid } = useProblems(props.pointer);
  const id = domId(props.pointer);
  const states = Object.keys(props.workflow.states).filter((s) => s !== DRAFT);
  return (
    <div className={`field${invalid ? ' field--error' : ''}`}>
      <label htmlFor={id}>{tr('Vers l’état', 'To the state')}</label>
      <ProblemMessages id={errorId} items={items} />
      <select
        id={id}
        value={props.value}
        aria-invalid={invalid || undefined}
        aria-describedby={describedBy}
        onChange={(e) => props.onChange(e.target.value)}
      >
        {!states.includes(props.value) && (
          <option value={props.value}>
            {props.value ? tr(`${props.value} (inconnu)`, `${props.value} (unknown)`) : tr('— Choisir —', '— Choose —')}
          </option>
        )}
        {states.map((s) => (
          <option key={s} value={s}>
            {stateName(props.workflow, s)}
            {props.workflow.states[s]?.final ? tr(' (final)', ' (final)') : ''}
          </option>
        ))}
      </select>
    </div>
  );
}

function CommentRequired(props: { pointer: string; checked: boolean; onChange(on: boolean): void }) {
  const { items, errorId, describedBy, invalid } = useProblems(props.pointer);
  const id = domId(props.pointer);
  return (
    <div className={`field${invalid ? ' field--error' : ''}`}>
      <ProblemMessages id={errorId} items={items} />
      <div className="choice">
        <input
          type="checkbox"
          id={id}
          checked={props.checked}
          aria-invalid={invalid || undefined}
          aria-describedby={describedBy}
          onChange={(e) => props.onChange(e.target.checked)}
        />
        <label htmlFor={id}>
          {tr(
            'Commentaire obligatoire (un refus doit être motivé ; le commentaire est transmis au citoyen)',
            'Comment required (a refusal must give reasons; the comment is sent to the citizen)',
          )}
        </label>
      </div>
    </div>
  );
}
