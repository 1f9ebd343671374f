/**
 * Workflows (circuits d'instruction): the definition's `workflow` section,
 * its checks, the state machine, routing, deadlines and email templates.
 * Pure and browser-safe: imports only @guichet/shared.
 */
export * from './types';
export { DEFAULT_EMAILS, DEFAULT_WORKFLOW } from './defaults';
export { addDuration, parseDuration, type Duration } from './duration';
export { placeholdersIn, renderTemplate } from './template';
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
export { checkWorkflow, type WorkflowProblem } from './check';
export { WORKFLOW_SCHEMA } from './schema';
