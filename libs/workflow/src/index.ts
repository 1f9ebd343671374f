/**
 * Workflows (circuits d'instruction): the definition's `workflow` section,
 * its checks, the state machine, routing, deadlines and email templates.
 * Pure and browser-safe: imports only @guichet/shared.
 */
// The workflow section as data (types, defaults, durations, templates, checks) lives in @guichet/shared,
// where the studio reads it too; the server's callers keep finding it here, next to the engine.
export {
  ACTION_TYPES,
  ACTOR_KINDS,
  DEFAULT_EMAILS,
  DEFAULT_GROUP,
  DEFAULT_WORKFLOW,
  DOCUMENT_TEMPLATES,
  DRAFT,
  IDENTIFIER,
  IDENTIFIER_PATTERN,
  PLACEHOLDERS,
  SUBMIT,
  SUBMITTED,
  WORKFLOW_LIMITS,
  addDuration,
  checkWorkflow,
  parseDuration,
  placeholdersIn,
  renderTemplate,
  type ActorKind,
  type Duration,
  type EmailTemplate,
  type Placeholder,
  type RoutingRule,
  type WorkflowAction,
  type WorkflowDefinition,
  type WorkflowProblem,
  type WorkflowState,
  type WorkflowTransition,
} from '@guichet/shared';
export {
  availableTransitions,
  decide,
  emailTemplate,
  isFinal,
  route,
  stateLabel,
  stateOf,
  workflowOf,
  type DecideInput,
  type Decision,
  type DecisionRefusal,
} from './engine';
export { WORKFLOW_SCHEMA } from './schema';
