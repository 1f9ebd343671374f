/**
 * The state machine: from this state, may this actor fire this transition,
 * and what follows. Pure: the submissions library carries a decision out in
 * one database transaction (status, event, one outbox row per action).
 *
 * Every function here reads a workflow defensively (own properties only,
 * arrays checked), so a workflow that somehow escaped `checkWorkflow` gives
 * refusals, never exceptions.
 */
import {
  addDuration,
  DEFAULT_EMAILS,
  DEFAULT_WORKFLOW,
  evaluate,
  parseDuration,
  type Expr,
  DEFAULT_GROUP,
  type ActorKind,
  type EmailTemplate,
  type WorkflowAction,
  type WorkflowDefinition,
  type WorkflowState,
  type WorkflowTransition,
  trimText,
} from '@guichet/shared';

export type DecisionRefusal =
  'TRANSITION_UNKNOWN' | 'TRANSITION_NOT_AVAILABLE' | 'TRANSITION_FORBIDDEN' | 'COMMENT_REQUIRED';

export type Decision =
  | {
      ok: true;
      from: string;
      to: string;
      transition: WorkflowTransition;
      /** The `to` state's actions, in order: one outbox row each. */
      actions: WorkflowAction[];
      /** The `to` state's deadline, counted from `now`: entering a state again restarts it in full. */
      deadline?: { dueAt: Date; transition: string };
    }
  | { ok: false; code: DecisionRefusal };

export interface DecideInput {
  /** The submission's current status. */
  status: string;
  /** The transition's name, as the API received it. */
  transition: string;
  actor: ActorKind;
  comment?: string;
  now: Date;
}

const own = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);
const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const includes = (list: unknown, value: unknown) => Array.isArray(list) && list.includes(value);

/** The state called `name`, if the workflow declares it (never something from Object.prototype). */
export function stateOf(workflow: WorkflowDefinition, name: string): WorkflowState | undefined {
  const states: unknown = workflow?.states;
  if (!isObject(states) || typeof name !== 'string' || !own(states, name)) return undefined;
  const state = states[name];
  return isObject(state) ? (state as unknown as WorkflowState) : undefined;
}

/** The transitions that are objects leading to a declared state. */
function transitionsOf(workflow: WorkflowDefinition): WorkflowTransition[] {
  const list: unknown = workflow?.transitions;
  if (!Array.isArray(list)) return [];
  return list.filter(
    (t): t is WorkflowTransition => isObject(t) && typeof t.to === 'string' && stateOf(workflow, t.to) !== undefined,
  );
}

/** The definition's workflow (checked when the definition was saved), or the default one. */
export function workflowOf(definition: { workflow?: unknown }): WorkflowDefinition {
  const workflow = definition?.workflow;
  return isObject(workflow) ? (workflow as unknown as WorkflowDefinition) : DEFAULT_WORKFLOW;
}

/**
 * Whether `actor` may fire `transition` on a submission in `status`, and
 * if so where it lands, which actions follow and when the next deadline
 * falls. Refusals, in the order they are tested: no transition of that name
 * at all (TRANSITION_UNKNOWN), none from this status (TRANSITION_NOT_AVAILABLE),
 * not for this kind of actor (TRANSITION_FORBIDDEN), a blank comment where
 * one is required (COMMENT_REQUIRED). Never throws, except a RangeError
 * when the target state has a deadline and `now` is not a valid date.
 */
export function decide(workflow: WorkflowDefinition, input: DecideInput): Decision {
  const { status, actor, comment, now } = input;
  const named = transitionsOf(workflow).filter((t) => t.name === input.transition);
  if (named.length === 0) return { ok: false, code: 'TRANSITION_UNKNOWN' };
  const here = named.filter((t) => includes(t.from, status));
  if (here.length === 0) return { ok: false, code: 'TRANSITION_NOT_AVAILABLE' };
  const transition = here.find((t) => includes(t.by, actor));
  if (!transition) return { ok: false, code: 'TRANSITION_FORBIDDEN' };
  if (transition.commentRequired === true && (typeof comment !== 'string' || trimText(comment) === ''))
    return { ok: false, code: 'COMMENT_REQUIRED' };

  const target = stateOf(workflow, transition.to)!;
  const actions = Array.isArray(target.actions) ? target.actions.filter(isObject).map((a) => ({ ...a })) : [];
  const decision: Extract<Decision, { ok: true }> = { ok: true, from: status, to: transition.to, transition, actions };
  const deadline: unknown = target.deadline;
  if (isObject(deadline) && typeof deadline.transition === 'string' && typeof deadline.after === 'string') {
    if (parseDuration(deadline.after)) {
      if (!(now instanceof Date) || Number.isNaN(now.getTime())) throw new RangeError('decide: `now` is not a date');
      decision.deadline = { dueAt: addDuration(now, deadline.after), transition: deadline.transition };
    }
  }
  return decision;
}

/** What `actor` may fire on a submission in `status`, in the workflow's order: the buttons to show. */
export function availableTransitions(
  workflow: WorkflowDefinition,
  status: string,
  actor: ActorKind,
): WorkflowTransition[] {
  return transitionsOf(workflow).filter((t) => includes(t.from, status) && includes(t.by, actor));
}

const isGroup = (g: unknown): g is string => typeof g === 'string' && g.trim() !== '';

/**
 * The caseworker group a submission goes to: the first routing rule whose
 * `when` holds on the answers, else the routing's default group, else
 * `instruction`.
 */
export function route(workflow: WorkflowDefinition, data: Record<string, unknown>): string {
  const routing: unknown = workflow?.routing;
  if (!isObject(routing)) return DEFAULT_GROUP;
  if (Array.isArray(routing.rules)) {
    for (const rule of routing.rules) {
      if (isObject(rule) && isGroup(rule.group) && evaluate(rule.when as Expr, { data })) return rule.group;
    }
  }
  return isGroup(routing.defaultGroup) ? routing.defaultGroup : DEFAULT_GROUP;
}

/** A decision has been taken: no transition leaves this state. */
export function isFinal(workflow: WorkflowDefinition, status: string): boolean {
  return stateOf(workflow, status)?.final === true;
}

/** The state's French label; the status itself when the workflow does not declare it. */
export function stateLabel(workflow: WorkflowDefinition, status: string): string {
  const label = stateOf(workflow, status)?.label;
  return typeof label === 'string' && label !== '' ? label : String(status);
}

/** The template a `notify` action sends: the designer's, else the default of that key. */
export function emailTemplate(workflow: WorkflowDefinition, key: string): EmailTemplate | undefined {
  const emails: unknown = workflow?.emails;
  const mine = isObject(emails) && typeof key === 'string' && own(emails, key) ? emails[key] : undefined;
  if (isObject(mine) && typeof mine.subject === 'string' && typeof mine.body === 'string')
    return mine as unknown as EmailTemplate;
  return typeof key === 'string' && own(DEFAULT_EMAILS, key) ? DEFAULT_EMAILS[key] : undefined;
}
