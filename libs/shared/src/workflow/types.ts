/**
 * The workflow section of a service definition (circuit d'instruction):
 * states, the transitions between them, who may fire each one, and what
 * happens on entering a state. Plain JSON, checked by `checkWorkflow` before
 * it is stored. See docs/definition-format.md ("Workflow").
 */
import type { Expr } from '../rules';

/** Who fires a transition: the citizen, an agent of a caseworker group, or Guichet itself (a deadline). */
export type ActorKind = 'citizen' | 'caseworker' | 'system';
export const ACTOR_KINDS: readonly ActorKind[] = ['citizen', 'caseworker', 'system'];

/** What happens on entering a state; each becomes one outbox row, carried out by a worker. */
export type WorkflowAction =
  /** An email to the citizen; `template` is a key of the workflow's `emails` or of DEFAULT_EMAILS. */
  | { type: 'notify'; template: string }
  /** A signed POST to the service's webhook address, when one is set. */
  | { type: 'webhook' }
  /** The decision letter, as PDF. */
  | { type: 'document'; template: 'acceptance' | 'refusal' }
  /** Assigns a caseworker group by the routing rules. */
  | { type: 'route' };
export const ACTION_TYPES = ['notify', 'webhook', 'document', 'route'] as const;
export const DOCUMENT_TEMPLATES = ['acceptance', 'refusal'] as const;

export interface WorkflowState {
  /** Shown to citizens and caseworkers, in French. */
  label: string;
  /** A decision: no transition leaves it; retention counts from it. */
  final?: boolean;
  /** Run each time the state is entered, in this order. */
  actions?: WorkflowAction[];
  /**
   * When the submission is still in this state `after` (ISO 8601 duration)
   * since it last entered it, the system fires `transition`. Entering the
   * state again restarts the period in full.
   */
  deadline?: { after: string; transition: string };
}

export interface WorkflowTransition {
  /** Stable identifier (`^[a-z][a-z0-9_]{0,39}$`), what the API takes. */
  name: string;
  /** The button's text, in French. */
  label: string;
  from: string[];
  to: string;
  by: ActorKind[];
  /** A non-blank comment must come with it (a refusal must be motivated). */
  commentRequired?: boolean;
}

export interface RoutingRule {
  when: Expr;
  group: string;
}

/** Plain text. Placeholders: see PLACEHOLDERS. */
export interface EmailTemplate {
  subject: string;
  body: string;
}

export interface WorkflowDefinition {
  states: Record<string, WorkflowState>;
  transitions: WorkflowTransition[];
  routing?: { rules: RoutingRule[]; defaultGroup: string };
  /** The designer's templates: new keys, or DEFAULT_EMAILS keys they replace. */
  emails?: Record<string, EmailTemplate>;
}

/** State, transition and email template names. */
export const IDENTIFIER = /^[a-z][a-z0-9_]{0,39}$/;
export const IDENTIFIER_PATTERN = '^[a-z][a-z0-9_]{0,39}$';

/** What an email template may say between double braces. */
export const PLACEHOLDERS = [
  'reference',
  'service',
  'organisation',
  'status',
  'comment',
  'link',
  'givenName',
  /** The date a decided request will be deleted (retention notice). */
  'deletionDate',
] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];

/** Bounds on a workflow, shared by `checkWorkflow` and the published JSON Schema. */
export const WORKFLOW_LIMITS = {
  states: 100,
  transitions: 300,
  actionsPerState: 20,
  routingRules: 200,
  emails: 50,
  label: 100,
  group: 100,
  subject: 200,
  body: 20_000,
  duration: 40,
} as const;

/** The initial state and the one `submit` leads to: the submissions library relies on both. */
export const DRAFT = 'draft';
export const SUBMITTED = 'submitted';
export const SUBMIT = 'submit';
/** The group a submission goes to when the workflow routes nowhere else. */
export const DEFAULT_GROUP = 'instruction';
