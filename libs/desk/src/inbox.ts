import type { DataSource } from 'typeorm';
import type { Service } from '@guichet/persistence';
import { FormVersions } from '@guichet/submissions';
import {
  AppError,
  organisationId,
  type DeskService,
  type DeskServiceView,
  type InboxItem,
  type InboxPage,
  type OrganisationId,
  type ServiceDefinition,
} from '@guichet/shared';
import { isFinal, stateLabel, workflowOf, type WorkflowDefinition } from '@guichet/workflow';
import { encodeCursor, parseInboxQuery, type InboxPageQuery } from './inbox-query';
import { InboxRepository, type InboxRow, type SharedCounts } from './inbox-repository';
import { scopeFor, type DeskActor, type Scope } from './access';

export type { DeskActor } from './access';
export type { DeskService, DeskServiceView, InboxItem, InboxPage };

const COUNTS_TTL_MS = 10_000;
/** Past this age a count is not answered while it is made again: the agent waits for a fresh one. */
const COUNTS_STALE_MS = 60_000;

/** The shared counts of one service (and groups): when they were asked, their answer, whether it came. */
interface CountsEntry {
  at: number;
  value: Promise<SharedCounts>;
  counted: boolean;
  refreshing: boolean;
}

/** A service an agent works on, as `Inbox.service` answers it. */
export interface WorkedService {
  service: Service;
  /** The service's organisation: what every InboxRepository method takes first. */
  organisationId: OrganisationId;
  definition: ServiceDefinition;
  scope: Scope;
}

/**
 * The caseworkers' inbox of one service: filters, free-text search, answers
 * by value, keyset pagination (no OFFSET: page 500 costs what page 1 costs),
 * and counts per tab. Counts other than "Suivis" are shared by every agent
 * of the service and may lag by up to ten seconds. Its statements are
 * InboxRepository's.
 */
export class Inbox {
  private readonly counts = new Map<string, CountsEntry>();

  /** Each service's states (`statuses`), with the latest version they were read at. */
  private readonly states = new Map<string, { latest: number | null; names: ReadonlySet<string> }>();

  private readonly versions: FormVersions;

  constructor(
    dataSource: DataSource,
    readonly repository: InboxRepository = new InboxRepository(dataSource),
  ) {
    this.versions = FormVersions.of(dataSource);
  }

  /** The service and what the actor may do on it, if they work on it; "not found" otherwise. */
  async service(slug: string, actor: DeskActor): Promise<WorkedService> {
    if (!/^[a-z0-9-]{1,63}$/.test(slug)) throw new AppError('NOT_FOUND');
    const service = await this.repository.serviceInAnyOrganisation(slug);
    const scope = service ? scopeFor(actor, service) : null;
    if (!service || !scope || service.latestVersion === null) throw new AppError('NOT_FOUND');
    const organisation = organisationId(service.organisationId);
    // A published version never changes: read once per process, not at each page.
    const { definition } = await this.versions.numbered(organisation, service.id, service.latestVersion);
    return { service, organisationId: organisation, definition, scope };
  }

  async list(slug: string, actor: DeskActor, raw: Record<string, unknown>): Promise<InboxPage> {
    const worked = await this.service(slug, actor);
    const { service, organisationId, definition, scope } = worked;
    const query: InboxPageQuery = parseInboxQuery(
      raw,
      definition.schema,
      true,
      definition.uiSchema,
      await this.statuses(worked),
    );
    // The page and the counts at once, on two connections of the pool.
    const [rows, counts, suivis] = await Promise.all([
      this.repository.page(organisationId, service.id, actor.id, query, scope.groups),
      this.sharedCounts(organisationId, service.id, scope.groups),
      this.repository.followedCount(organisationId, service.id, actor.id),
    ]);
    const more = rows.length > query.limit;
    const page = more ? rows.slice(0, query.limit) : rows;
    const last = page.at(-1);
    const names = await this.repository.agentNames(
      organisationId,
      page.map((row) => row.assignee),
    );
    return {
      items: await Promise.all(page.map((row) => this.item(row, query.columns, names))),
      nextCursor: more && last ? encodeCursor(query.sort, last.cursor_key ?? null, last.id) : null,
      counts: { ...counts, suivis },
    };
  }

  private async item(
    row: InboxRow,
    columns: readonly string[],
    names: ReadonlyMap<string, string>,
  ): Promise<InboxItem> {
    const answers: Record<string, unknown> = {};
    columns.forEach((pointer, i) => {
      const value = row[`a${i}`];
      if (value !== null && value !== undefined) answers[pointer] = value;
    });
    return {
      id: row.id,
      reference: row.reference,
      status: row.status,
      statusLabel: stateLabel(await this.workflowOf(row.form_version_id), row.status),
      submittedAt: row.submitted_at?.toISOString() ?? null,
      deadlineAt: row.deadline_at?.toISOString() ?? null,
      group: row.group_key,
      assignee: row.assignee,
      assigneeName: row.assignee ? (names.get(row.assignee) ?? null) : null,
      contactName: row.contact_name,
      updatedAt: row.updated_at.toISOString(),
      awaitingReplySince: row.awaiting_reply_since?.toISOString() ?? null,
      answers,
    };
  }

  async describe(slug: string, actor: DeskActor): Promise<DeskServiceView> {
    const { service, organisationId, definition, scope } = await this.service(slug, actor);
    const [organisation, counts, suivis] = await Promise.all([
      this.repository.organisation(organisationId),
      this.sharedCounts(organisationId, service.id, scope.groups),
      this.repository.followedCount(organisationId, service.id, actor.id),
    ]);
    const workflow = workflowOf(definition);
    return {
      slug: service.slug,
      title: service.title,
      organisation: { id: organisation.id, name: organisation.name },
      closed: service.closedAt !== null,
      counts: { ...counts, suivis },
      states: Object.entries(workflow.states)
        .filter(([name]) => name !== 'draft')
        .map(([name, state]) => ({ name, label: stateLabel(workflow, name), final: state.final === true })),
      transitions: workflow.transitions
        .filter((t) => t.by.includes('caseworker'))
        .map((t) => ({
          name: t.name,
          label: t.label,
          from: [...t.from],
          commentRequired: t.commentRequired === true,
          final: isFinal(workflow, t.to),
        })),
      definition,
    };
  }

  /** The published services the agent works on (their grants' union), with each one's counts. */
  async services(actor: DeskActor): Promise<DeskService[]> {
    if (actor.organisationIds.length === 0) return [];
    const rows = await this.repository.servicesOf(actor.organisationIds.map(organisationId));
    const mine = rows.flatMap((row) => {
      const scope = scopeFor(actor, { id: row.id, organisationId: row.organisation_id });
      return scope ? [{ row, scope, organisation: organisationId(row.organisation_id) }] : [];
    });
    return Promise.all(
      mine.map(async ({ row, scope, organisation }) => {
        const [counts, suivis] = await Promise.all([
          this.sharedCounts(organisation, row.id, scope.groups),
          this.repository.followedCount(organisation, row.id, actor.id),
        ]);
        return {
          slug: row.slug,
          title: row.title,
          organisation: { id: row.organisation_id, name: row.organisation_name },
          closed: row.closed_at !== null,
          counts: { ...counts, suivis },
        };
      }),
    );
  }

  /**
   * Every state a request of the service can be in: those of each published version's workflow, read once per
   * version and per process (a state dropped by a later version still holds the requests filed before it).
   */
  async statuses({ service, organisationId }: WorkedService): Promise<ReadonlySet<string>> {
    const cached = this.states.get(service.id);
    if (cached && cached.latest === service.latestVersion) return cached.names;
    const names = new Set<string>();
    for (const id of await this.repository.versionIds(organisationId, service.id))
      for (const name of Object.keys((await this.workflowOf(id)).states)) names.add(name);
    if (this.states.size >= 1_000) this.states.clear();
    this.states.set(service.id, { latest: service.latestVersion, names });
    return names;
  }

  async workflowOf(formVersionId: string): Promise<WorkflowDefinition> {
    return (await this.versions.get(formVersionId)).workflow;
  }

  private sharedCounts(
    organisationId: OrganisationId,
    serviceId: string,
    groups: readonly string[] | null,
  ): Promise<SharedCounts> {
    const cacheKey = groups === null ? serviceId : `${serviceId}:${[...groups].sort().join(',')}`;
    const cached = this.counts.get(cacheKey);
    const age = cached ? Date.now() - cached.at : Infinity;
    if (cached && age < COUNTS_TTL_MS) return cached.value;
    // A little older, and counted: answered at once while a fresh count is made for the next ones (at 1,000,000
    // requests a count is a parallel scan of the service: no agent waits for it but the first).
    if (cached?.counted && age < COUNTS_STALE_MS) {
      if (!cached.refreshing) {
        cached.refreshing = true;
        void this.countShared(cacheKey, organisationId, serviceId, groups).catch(() => (cached.refreshing = false));
      }
      return cached.value;
    }
    return this.countShared(cacheKey, organisationId, serviceId, groups);
  }

  /** Counts the shared tabs and keeps the answer (a failed count is forgotten, not kept). */
  private countShared(
    cacheKey: string,
    organisationId: OrganisationId,
    serviceId: string,
    groups: readonly string[] | null,
  ): Promise<SharedCounts> {
    const value = this.repository.sharedCounts(organisationId, serviceId, groups);
    const entry: CountsEntry = { at: Date.now(), value, counted: false, refreshing: false };
    value.then(
      () => {
        entry.counted = true;
        // A refresh replaces the stale entry only once it has its answer.
        if (this.counts.size > 1000) this.counts.clear();
        this.counts.set(cacheKey, entry);
      },
      () => {
        if (this.counts.get(cacheKey) === entry) this.counts.delete(cacheKey);
      },
    );
    if (!this.counts.get(cacheKey)?.counted) this.counts.set(cacheKey, entry);
    return value;
  }
}
