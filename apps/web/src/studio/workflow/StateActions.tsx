import { useState } from 'react';
import {
  ACTION_TYPES,
  DEFAULT_EMAILS,
  DOCUMENT_TEMPLATES,
  toJsonPointer,
  type WorkflowAction,
  type WorkflowDefinition,
  type WorkflowState,
} from '@guichet/shared';
import { tr } from '../../lib/i18n';
import { ProblemMessages, useProblems } from './common';
import { domId } from './helpers';
import { actionName, actionTypeLabel, documentLabel, emailLabel } from './labels';
import type { SectionProps } from './StatesSection';

const p = (...segments: Array<string | number>) => toJsonPointer(['workflow', ...segments]);

function emailKeys(workflow: WorkflowDefinition): string[] {
  return [...new Set([...Object.keys(DEFAULT_EMAILS), ...Object.keys(workflow.emails ?? {})])];
}
export function ActionsEditor(props: SectionProps & { name: string; state: WorkflowState; label: string }) {
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
