/**
 * The definition's `workflow` section as data: its types, the default
 * workflow and emails, durations, email placeholders and the checks a
 * workflow must pass before it is stored. Browser-safe, so the studio checks
 * what the server will check; the state machine itself is @guichet/workflow.
 */
export * from './types';
export { DEFAULT_EMAILS, DEFAULT_WORKFLOW } from './defaults';
export { addDuration, parseDuration, type Duration } from './duration';
export { placeholdersIn, renderTemplate } from './template';
export { checkWorkflow, type WorkflowProblem } from './check';
