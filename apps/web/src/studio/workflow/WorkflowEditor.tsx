import { useCallback, useEffect, useMemo, useState } from 'react';
import {
  checkWorkflow,
  DEFAULT_WORKFLOW,
  fieldPointers,
  type ErrorItem,
  type ServiceDefinition,
  type WorkflowDefinition,
} from '@guichet/shared';
import { tr } from '../../lib/i18n';
import { focusPointer, ProblemsContext, ProblemSummary, TextInput, useStatus } from './common';
import { EmailsSection } from './EmailsSection';
import { dedupeProblems, domId, inWorkflowScope, placeProblems, routingFields, workflowAnchors } from './helpers';
import { WorkflowSkipLinks } from '../SkipLinks';
import { RoutingSection } from './RoutingSection';
import { StatesSection, type SectionProps } from './StatesSection';
import { TransitionsSection } from './TransitionsSection';
import './workflow.css';

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** A workflow the editor can show: states an object, transitions a list. */
function usable(workflow: unknown): workflow is WorkflowDefinition {
  return (
    isObject(workflow) &&
    isObject(workflow.states) &&
    Array.isArray(workflow.transitions) &&
    Object.values(workflow.states).every(isObject) &&
    workflow.transitions.every(isObject)
  );
}

/**
 * The circuit d'instruction of a service: states, transitions, actions,
 * deadlines, routing, email templates and the webhook address. Edits the
 * definition's `workflow` (DEFAULT_WORKFLOW until the first change, which
 * writes a copy), checked live with `checkWorkflow`.
 */
export default function WorkflowEditor(props: {
  definition: ServiceDefinition;
  onChange(next: ServiceDefinition): void;
  problems: ErrorItem[];
}) {
  const { definition, onChange, problems } = props;
  const raw = definition.workflow;
  const workflow = (raw ?? DEFAULT_WORKFLOW) as unknown;
  const [status, say] = useStatus();
  const [pendingFocus, setPendingFocus] = useState<string | null>(null);

  const fields = useMemo(() => fieldPointers(definition.schema), [definition.schema]);
  const choices = useMemo(() => routingFields(definition.schema), [definition.schema]);
  const live = useMemo(() => checkWorkflow(workflow, fields), [workflow, fields]);

  // The server's problems about the workflow hold for the workflow they were about: once it changes, the live check
  // (the same checkWorkflow the server runs) says what still holds.
  const problemsKey = JSON.stringify(problems);
  const [snapshot, setSnapshot] = useState({ key: problemsKey, workflow: raw });
  if (snapshot.key !== problemsKey) setSnapshot({ key: problemsKey, workflow: raw });
  const fresh = snapshot.key !== problemsKey || snapshot.workflow === raw;
  const server = problems.filter(
    (p) => fresh || !p.pointer || !inWorkflowScope(p.pointer) || p.pointer === '/settings/webhookUrl',
  );

  const ok = usable(workflow);
  const placed = placeProblems(
    dedupeProblems([...server, ...live]),
    ok ? workflowAnchors(workflow) : new Set(['/settings/webhookUrl']),
    inWorkflowScope,
  );

  const update = useCallback(
    (change: (w: WorkflowDefinition) => void) => {
      const next = structuredClone(workflow) as WorkflowDefinition;
      change(next);
      onChange({ ...definition, workflow: next as unknown as ServiceDefinition['workflow'] });
    },
    [workflow, definition, onChange],
  );

  useEffect(() => {
    if (!pendingFocus) return;
    if (pendingFocus.startsWith('#')) {
      document.getElementById(pendingFocus.slice(1))?.focus();
      setPendingFocus(null);
    } else if (document.getElementById(domId(pendingFocus))) {
      focusPointer(pendingFocus);
      setPendingFocus(null);
    }
  }, [pendingFocus, raw]);

  const section: SectionProps | null = ok ? { workflow, update, say, focusLater: setPendingFocus } : null;
  const webhookUrl = definition.settings?.webhookUrl ?? '';
  const webhookLocal =
    webhookUrl && !/^https?:\/\/\S+$/.test(webhookUrl)
      ? tr('Une adresse qui commence par https:// (ou http://).', 'An address starting with https:// (or http://).')
      : undefined;

  return (
    <ProblemsContext.Provider value={placed}>
      <div className="wf-editor">
        <p className="hint">
          {raw === undefined
            ? tr(
                'Cette démarche suit le circuit par défaut : déposée, en instruction, modifications demandées, puis acceptée, refusée ou classée sans suite. Toute modification en fait le circuit propre de la démarche.',
                'This service follows the default workflow. Any change makes it the service’s own.',
              )
            : tr('Le circuit propre de cette démarche.', 'This service’s own workflow.')}
        </p>
        <ProblemSummary placed={placed} title={tr('Circuit d’instruction', 'Workflow')} />
        {status}
        {section ? (
          <>
            <WorkflowSkipLinks />
            <StatesSection {...section} />
            <TransitionsSection {...section} />
            <RoutingSection {...section} fields={choices} />
            <EmailsSection {...section} />
          </>
        ) : (
          <div className="notice notice--error">
            <p>
              {tr(
                'Le circuit de cette démarche est illisible par l’éditeur (ses états ou ses transitions n’ont pas la forme attendue). Corrigez le fichier, ou repartez du circuit par défaut.',
                'The editor cannot read this workflow (its states or transitions are not in the expected shape). Fix the file, or start again from the default workflow.',
              )}
            </p>
            <button
              type="button"
              className="button button--secondary"
              onClick={() => {
                onChange({
                  ...definition,
                  workflow: structuredClone(DEFAULT_WORKFLOW) as unknown as ServiceDefinition['workflow'],
                });
                say(tr('Circuit par défaut rétabli.', 'Default workflow restored.'));
              }}
            >
              {tr('Repartir du circuit par défaut', 'Start again from the default workflow')}
            </button>
          </div>
        )}
        <section aria-labelledby="wf-webhook-title" className="wf-section">
          <h2 id="wf-webhook-title" tabIndex={-1}>
            {tr('Webhook', 'Webhook')}
          </h2>
          <TextInput
            pointer="/settings/webhookUrl"
            type="url"
            inputMode="url"
            label={tr('Adresse du webhook', 'Webhook address')}
            hint={tr(
              'Les actions « Prévenir le webhook » y envoient un événement signé (POST). Laissez vide pour n’en envoyer aucun.',
              'The “Call the webhook” actions POST a signed event there. Leave empty to send none.',
            )}
            value={webhookUrl}
            maxLength={2000}
            localError={webhookLocal}
            onChange={(v) => {
              const settings = { ...definition.settings };
              if (v.trim()) settings.webhookUrl = v.trim();
              else delete settings.webhookUrl;
              onChange({ ...definition, settings });
            }}
          />
        </section>
      </div>
    </ProblemsContext.Provider>
  );
}
