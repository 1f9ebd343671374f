import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';
import { Submission, instantAgentsExistSql, namedStatement, runNamed } from '@guichet/persistence';
import {
  Batched,
  addOutbox,
  JobTopic,
  outboxInsert,
  rowDone,
  type OutboxEntry,
  type OutboxJob,
  type RowDone,
} from '@guichet/queue';
import { AppError, isUuid, type ServiceDefinition, trimText } from '@guichet/shared';
import { FormVersions } from './form-versions';
import { decide, route, workflowOf, isFinal, type ActorKind, type WorkflowDefinition } from '@guichet/workflow';

/** Who fires a transition. Citizens are checked by ownership, caseworkers by organisation, the system by nothing. */
export type TransitionActor =
  | { kind: 'citizen'; id: string }
  | { kind: 'caseworker'; id: string; organisationIds: readonly string[] }
  | { kind: 'system'; id: 'system' };

export interface TransitionInput {
  transition: string;
  comment?: string;
  /** The revision the caller saw: a stale one is refused with 409. */
  expectedRevision?: number;
  /** A deadline job names the status entry it was set for: obsolete once the status was left. */
  expectedStatusEvent?: string;
}

export interface TransitionResult {
  id: string;
  status: string;
  revision: number;
  eventId: string;
}

type Decided = Extract<ReturnType<typeof decide>, { ok: true }>;

const OUTCOME_ERRORS = {
  TRANSITION_UNKNOWN: 'TRANSITION_UNKNOWN',
  TRANSITION_NOT_AVAILABLE: 'TRANSITION_NOT_AVAILABLE',
  TRANSITION_FORBIDDEN: 'TRANSITION_FORBIDDEN',
  COMMENT_REQUIRED: 'COMMENT_REQUIRED',
} as const;

/** Throws the API error for a refused decision. */
export function refuse(code: keyof typeof OUTCOME_ERRORS): never {
  throw new AppError(OUTCOME_ERRORS[code], code === 'COMMENT_REQUIRED' ? { errors: [commentError()] } : {});
}

function commentError() {
  return { pointer: '/comment', code: 'required', message: 'Cette action doit être motivée : écrivez un commentaire.' };
}

/** What a decision writes besides its own columns: the answers, as checked again by the caller, and their SQL. */
export interface DecisionChanges {
  /** Columns of the request set in the same UPDATE (values or SQL with `:parameters`). */
  set?: Record<string, unknown>;
  parameters?: Record<string, unknown>;
  /** The answers the request has after this decision, when the caller changes them (routing reads them). */
  answers?: Record<string, unknown>;
}

/**
 * Carries a decision out inside the caller's transaction: the status, the
 * revision, the deadline, the event, the routing, and one outbox row per
 * other action. The one code path for submit, resubmit, caseworkers'
 * decisions and deadlines. The caller holds the request's row lock.
 *
 * A `route` action is carried out here, not by a job: its rules read the
 * answers only (pure, microseconds), so the request is in its caseworker
 * group's queue the moment it is submitted, and the worker has one job less
 * per request. A request already routed keeps its group.
 */
export async function applyDecision(
  manager: EntityManager,
  submission: Submission,
  definition: ServiceDefinition,
  decision: Decided,
  actor: string,
  comment: string | null,
  { set = {}, parameters = {}, answers }: DecisionChanges = {},
): Promise<{ eventId: string; revision: number }> {
  const workflow = workflowOf(definition);
  const eventId = randomUUID();
  const final = isFinal(workflow, decision.to);
  const group =
    submission.groupKey === null && decision.actions.some((action) => action.type === 'route')
      ? route(workflow, answers ?? submission.data)
      : null;
  const { sql, values } = decisionUpdate(
    manager,
    {
      ...set,
      ...(group !== null ? { groupKey: group } : {}),
      status: decision.to,
      statusEventId: eventId,
      deadlineAt: decision.deadline?.dueAt ?? null,
      deadlineTransition: decision.deadline?.transition ?? null,
      ...(final
        ? {
            decidedAt: () => 'now()',
            purgeAt: () => `now() + make_interval(months => ${retentionMonths(definition)})`,
          }
        : {}),
      revision: () => '"revision" + 1',
    },
    parameters,
    submission.id,
  );
  const placeholder = (value: unknown) => `$${values.push(value)}`;
  // The decision's event, and the routing's after it (the history is read in time order: `at` is the
  // transaction's start for the first, the clock for the second, as when a job made it).
  const event = [
    eventId,
    submission.organisationId,
    submission.id,
    actor,
    decision.transition.name === 'submit' ? 'submitted' : 'transition',
    decision.transition.name,
    decision.from,
    decision.to,
    comment,
  ].map(placeholder);
  const [, organisation, request] = event;
  const events =
    `INSERT INTO submission_event
       (id, organisation_id, submission_id, actor, type, transition, from_status, to_status, comment, visibility, at)
     VALUES (${event.join(', ')}, 'public', DEFAULT)` +
    (group !== null
      ? `, (DEFAULT, ${organisation}, ${request}, 'system', 'routed', NULL, NULL, NULL, ${placeholder(routedComment(group))}, 'internal', clock_timestamp())`
      : '');
  const base = { submissionId: submission.id, eventId };
  const organisationId = submission.organisationId;
  // `guarded`: written only where the UPDATE says so (below).
  const rows: Array<OutboxEntry & { guarded?: boolean }> = [];
  const contactEmail = (set.contactEmail as string | null | undefined) ?? submission.contactEmail;
  for (const action of decision.actions) {
    if (action.type === 'notify' && contactEmail) {
      rows.push({ organisationId, topic: JobTopic.NotifyEmail, payload: { ...base, template: action.template } });
    } else if (action.type === 'webhook' && definition.settings.webhookUrl) {
      rows.push({ organisationId, topic: JobTopic.WebhookDeliver, payload: base });
    } else if (action.type === 'document') {
      rows.push({ organisationId, topic: JobTopic.DocumentIssue, payload: { ...base, template: action.template } });
    }
  }
  // A new or resubmitted request: the caseworkers who asked for instant emails hear of it (the UPDATE says whether
  // there are any: the row is written only then).
  if (decision.to === 'submitted') {
    rows.push({
      organisationId,
      topic: JobTopic.NotifyAgents,
      payload: { ...base, kind: 'new_request' },
      guarded: true,
    });
  }
  if (decision.deadline) {
    rows.push({
      organisationId,
      topic: JobTopic.DeadlineFire,
      payload: { ...base, transition: decision.deadline.transition },
      runAt: decision.deadline.dueAt,
    });
  }
  // The UPDATE, the events and the outbox rows in one statement (issue 22: two round trips fewer per decision, on
  // both sides). The statements of a WITH see one snapshot and none sees another's rows; none reads what another
  // writes, but the outbox rows' guard reads the UPDATE's RETURNING.
  const outbox = rows.some((row) => !row.guarded)
    ? outboxInsert(rows, placeholder, '(SELECT instant_agents FROM decided)')
    : // Only the agents' row, which may not be written: its own statement after the UPDATE, so that the outbox's
      // trigger wakes the relay only for a row (as before).
      undefined;
  const [updated] = (await manager.query(
    `WITH decided AS (${sql}), history AS (${events})${outbox ? `, jobs AS (${outbox})` : ''}
     SELECT revision, instant_agents FROM decided`,
    values,
  )) as Array<{ revision: number; instant_agents: boolean }>;
  if (!outbox && updated?.instant_agents) await addOutbox(manager, ...rows);
  return { eventId, revision: updated?.revision ?? submission.revision + 1 };
}

/** Submission property → column, read once from the entity's metadata. */
const decisionColumns = new Map<string, ColumnMetadata>();

/**
 * The decision's UPDATE as TypeORM's update builder wrote it (the same columns in the same order, values as its
 * driver prepares them, `updated_at` last, the instant agents' check returned), put together by hand: the builder's
 * parsing and metadata walk cost about 4 % of the API's CPU per submit (issue 22). `set` takes values, or
 * functions returning SQL that names `parameters` as `:name`.
 */
export function decisionUpdate(
  manager: EntityManager,
  set: Record<string, unknown>,
  parameters: Record<string, unknown>,
  id: string,
): { sql: string; values: unknown[] } {
  const values: unknown[] = [];
  const named = new Map<string, string>();
  const placeholder = (value: unknown) => `$${values.push(value)}`;
  const assignments: string[] = [];
  for (const [property, value] of Object.entries(set)) {
    let column = decisionColumns.get(property);
    if (!column) {
      column = manager.connection.getMetadata(Submission).findColumnWithPropertyName(property);
      if (!column) throw new Error(`Submission has no column for ${property}`);
      decisionColumns.set(property, column);
    }
    const expression =
      typeof value === 'function'
        ? (value as () => string)().replace(/(?<![:\w]):(\w+)/g, (_, name: string) => {
            if (!(name in parameters)) throw new Error(`No value for the parameter :${name}`);
            let at = named.get(name);
            if (at === undefined) named.set(name, (at = placeholder(parameters[name])));
            return at;
          })
        : placeholder(manager.connection.driver.preparePersistentValue(value, column));
    assignments.push(`"${column.databaseName}" = ${expression}`);
  }
  return {
    sql:
      `UPDATE "submission" SET ${assignments.join(', ')}${'updatedAt' in set ? '' : ', "updated_at" = CURRENT_TIMESTAMP'}` +
      ` WHERE "id" = ${placeholder(id)}` +
      // Whether any agent hears of it at once, in the same statement: most organisations have no such agent, and
      // their requests then make no agents' job at all.
      ` RETURNING "revision", ${instantAgentsExistSql('submission.organisation_id')} AS instant_agents`,
    values,
  };
}

/** The routing event's comment (the desk shows it in the history). */
function routedComment(group: string): string {
  return `Groupe d’instruction : ${group}`;
}

/** Months a decided request is kept: the service's setting, 12 by default (an integer, checked here too). */
export function retentionMonths(definition: ServiceDefinition): number {
  const months = definition.settings?.retentionMonths;
  return typeof months === 'number' && Number.isInteger(months) && months >= 1 && months <= 1200 ? months : 12;
}

/** A state the citizen may edit in: a draft, or one they leave by sending the request again (changes requested). */
export function citizenEditable(workflow: WorkflowDefinition, status: string): boolean {
  return (
    status === 'draft' ||
    workflow.transitions.some((t) => t.from.includes(status) && t.to === 'submitted' && t.by.includes('citizen'))
  );
}

/**
 * The route jobs' shared read (see `Transitions.routing`), a named statement: PostgreSQL plans it once per
 * connection instead of once per batch.
 */
const ROUTE_READ = namedStatement(
  'guichet_route_read',
  `WITH job AS (
         SELECT * FROM unnest($1::uuid[], $2::uuid[]) WITH ORDINALITY AS job (outbox_id, submission_id, n)
       ),
       found AS (
         SELECT job.n, job.outbox_id, s.organisation_id, s.group_key,
                CASE WHEN s.group_key IS NULL THEN s.form_version_id END AS form_version_id,
                CASE WHEN s.group_key IS NULL THEN s.data END AS data
           FROM job JOIN submission s ON s.id = job.submission_id
       ),
       done AS (
         UPDATE outbox SET done_at = now(), last_error = NULL FROM found
          WHERE outbox.id = found.outbox_id AND found.group_key IS NOT NULL
            AND outbox.organisation_id = found.organisation_id
         RETURNING outbox.id
       )
       SELECT n::int, group_key, form_version_id, data, outbox_id IN (SELECT id FROM done) AS done FROM found`,
);

/**
 * Transitions fired by caseworkers, by deadlines, and routing: the use cases
 * that act on a request by id, not through its owner.
 */
export class Transitions {
  private readonly versions: FormVersions;
  /**
   * What route jobs running together need of their requests, in one statement: the group, and for a request not
   * routed yet its answers and version (none for the others: a job run again reads a few bytes). The outbox rows of
   * the jobs whose request is routed already are marked done by the same statement (their effect is there: one
   * statement per batch instead of a read and the worker's done mark, issue 22); each row only by a request of its
   * own organisation.
   */
  private readonly routing = new Batched<RouteJob, RoutingRow | undefined>(async (jobs) => {
    const rows = await runNamed<RoutingRow & { n: number }>(this.dataSource, ROUTE_READ, [
      jobs.map((job) => job.outboxId),
      jobs.map((job) => job.submissionId),
    ]);
    return new Map(rows.map((row) => [jobs[row.n - 1]!, row]));
  }, undefined);

  constructor(private readonly dataSource: DataSource) {
    this.versions = FormVersions.of(dataSource);
  }

  async definitionOf(submission: Submission, manager: EntityManager = this.dataSource.manager) {
    return (await this.versions.get(submission.formVersionId, manager)).definition;
  }

  /**
   * Fires a transition for a caseworker or the system (citizens go through
   * Submissions, which checks ownership and validates their answers).
   */
  async fire(id: string, actor: TransitionActor, input: TransitionInput): Promise<TransitionResult | null> {
    if (!isUuid(id)) throw new AppError('NOT_FOUND');
    return this.dataSource.transaction(async (manager) => {
      const submission = await manager
        .getRepository(Submission)
        .findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!submission) throw new AppError('NOT_FOUND');
      if (actor.kind === 'caseworker' && !actor.organisationIds.includes(submission.organisationId))
        throw new AppError('NOT_FOUND');
      if (actor.kind === 'citizen') throw new AppError('TRANSITION_FORBIDDEN');
      if (input.expectedStatusEvent !== undefined && submission.statusEventId !== input.expectedStatusEvent)
        return null;
      if (submission.status === 'draft') throw new AppError('NOT_SUBMITTED');
      if (input.expectedRevision !== undefined && input.expectedRevision !== submission.revision)
        throw new AppError('CONFLICT');
      const definition = await this.definitionOf(submission, manager);
      const comment = (input.comment && trimText(input.comment)) || null;
      const decision = decide(workflowOf(definition), {
        status: submission.status,
        transition: input.transition,
        actor: actor.kind as ActorKind,
        comment: comment ?? undefined,
        now: new Date(),
      });
      if (!decision.ok) refuse(decision.code);
      const { eventId, revision } = await applyDecision(manager, submission, definition, decision, actor.id, comment);
      return { id: submission.id, status: decision.to, revision, eventId };
    });
  }

  /** The deadline job: fires the transition only if the status it was set for was never left. */
  async fireDeadline(submissionId: string, statusEventId: string, transition: string): Promise<'fired' | 'obsolete'> {
    const result = await this.fire(
      submissionId,
      { kind: 'system', id: 'system' },
      { transition, expectedStatusEvent: statusEventId },
    ).catch((error: unknown) => {
      // The request was deleted, or the workflow no longer allows it from here: nothing to do.
      if (error instanceof AppError) return null;
      throw error;
    });
    return result ? 'fired' : 'obsolete';
  }

  /**
   * The route job: gives the request a caseworker group once, by the workflow's routing rules. Decisions route
   * in their own transaction now (applyDecision); this runs the `submission.route` jobs that an earlier version
   * wrote and that are still in the outbox or the queue after an upgrade (and the workflow bench's trivial job).
   * It answers RowDone when the statement that read the routed request, or the one that routed it, marked the
   * job's outbox row done; otherwise (the request gone, or routed meanwhile by another job) the worker marks it.
   */
  async route(job: Pick<OutboxJob, 'outboxId' | 'submissionId'>): Promise<RowDone<string> | string | null> {
    const { outboxId, submissionId } = job;
    if (!isUuid(submissionId) || !isUuid(outboxId)) return null;
    const known = await this.routing.load({ outboxId, submissionId });
    if (!known) return null;
    // Already routed (a job run again, or the bench's trivial job): that read was all, the row marked done with it.
    if (known.group_key) return known.done ? rowDone(known.group_key) : known.group_key;
    const group = route(workflowOf((await this.versions.get(known.form_version_id!)).definition), known.data!);
    // One statement: the group set only if none was meanwhile (by a concurrent job), the history's event and the
    // job's outbox row done with it. The update bumps revision and updated_at, as every update of a request does.
    const routed = (await this.dataSource.query(
      `WITH routed AS (
         UPDATE submission SET group_key = $2, revision = revision + 1, updated_at = now()
          WHERE id = $1 AND group_key IS NULL
         RETURNING organisation_id
       ),
       event AS (
         INSERT INTO submission_event (organisation_id, submission_id, actor, type, comment, visibility)
         SELECT organisation_id, $1, 'system', 'routed', $3, 'internal' FROM routed
       ),
       done AS (
         UPDATE outbox SET done_at = now(), last_error = NULL
          WHERE id = $4 AND organisation_id = (SELECT organisation_id FROM routed)
         RETURNING id
       )
       SELECT EXISTS (SELECT 1 FROM done) AS done FROM routed`,
      [submissionId, group, routedComment(group), outboxId],
    )) as Array<{ done: boolean }>;
    if (routed.length > 0) return routed[0]!.done ? rowDone(group) : group;
    const [again] = (await this.dataSource.query(`SELECT group_key FROM submission WHERE id = $1`, [
      submissionId,
    ])) as Array<{ group_key: string | null }>;
    return again?.group_key ?? null;
  }
}

/** What a route job's read is keyed by: its outbox row (the one it may mark done) and its request. */
type RouteJob = Pick<OutboxJob, 'outboxId' | 'submissionId'>;

interface RoutingRow {
  group_key: string | null;
  form_version_id: string | null;
  data: Record<string, unknown> | null;
  /** The job's outbox row marked done by the read (the request was routed already). */
  done: boolean;
}
