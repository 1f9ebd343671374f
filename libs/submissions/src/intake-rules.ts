import type { EntityManager } from 'typeorm';
import { AppError } from '@guichet/shared';
import type { OwnerColumns, SubmissionRepository } from './submission-repository';

/** What the designer decided for new requests, as it stands now. */
export interface IntakeRules {
  status: string;
  closesAt: string | null;
  maxSubmissionsPerUser: number | null;
}

/**
 * The service's status and the settings of its latest published version:
 * the designer's current word, whatever version a draft is pinned to (a
 * closing date moved later in a new version lets older drafts through too).
 */
export async function intakeRules(manager: EntityManager, serviceId: string): Promise<IntakeRules> {
  const [row] = (await manager.query(
    `SELECT s.status,
            v.definition -> 'settings' ->> 'closesAt' AS closes_at,
            v.definition -> 'settings' ->> 'maxSubmissionsPerUser' AS max_per_user
       FROM service s
       LEFT JOIN form_version v ON v.service_id = s.id AND v.number = s.latest_version
      WHERE s.id = $1`,
    [serviceId],
  )) as IntakeRulesRow[];
  return toIntakeRules(row ?? null);
}

/** The intake rules as read: a row of `intakeRules`, or the JSON value of `intakeRulesSql`. */
export type IntakeRulesRow = { status: string; closes_at: string | null; max_per_user: string | null };

/**
 * `intakeRules`' read as one JSON value of the service whose id is the SQL `serviceId` (a column of an outer
 * query: the submit's locked read): `IntakeRulesRow`, null without such a service. Held to `intakeRules` by
 * test/medium/submit-statements.test.ts.
 */
export function intakeRulesSql(serviceId: string): string {
  return `(SELECT json_build_object('status', s.status,
            'closes_at', v.definition -> 'settings' ->> 'closesAt',
            'max_per_user', v.definition -> 'settings' ->> 'maxSubmissionsPerUser')
       FROM service s
       LEFT JOIN form_version v ON v.service_id = s.id AND v.number = s.latest_version
      WHERE s.id = ${serviceId})`;
}

/** The rules from either read: « introuvable » without a service (null). */
export function toIntakeRules(row: IntakeRulesRow | null): IntakeRules {
  if (!row) throw new AppError('NOT_FOUND');
  const max = row.max_per_user === null ? NaN : Number(row.max_per_user);
  return {
    status: row.status,
    closesAt: row.closes_at,
    maxSubmissionsPerUser: Number.isInteger(max) && max >= 1 ? max : null,
  };
}

/**
 * The intake rules as read at most `ttlMs` ago by this process, for checks
 * that only warn: an autosave tells the citizen their service has closed
 * (the submit, which decides, reads them afresh inside its transaction). At
 * peak every keystroke pause is an autosave: one statement of four saved.
 */
export class RecentIntakeRules {
  private readonly read = new Map<string, { at: number; rules: Promise<IntakeRules> }>();

  constructor(
    private readonly ttlMs = 1000,
    private readonly now: () => number = Date.now,
  ) {}

  get(manager: EntityManager, serviceId: string): Promise<IntakeRules> {
    const now = this.now();
    const known = this.read.get(serviceId);
    if (known && now - known.at < this.ttlMs) return known.rules;
    const rules = intakeRules(manager, serviceId);
    // A failed read is not kept; the map holds one entry per service, replaced on expiry.
    if (this.read.size >= 10_000) this.read.clear();
    this.read.set(serviceId, { at: now, rules });
    void rules.catch(() => this.read.get(serviceId)?.rules === rules && this.read.delete(serviceId));
    return rules;
  }
}

/**
 * A closed service, or one whose closing date has passed, takes no request:
 * not even a draft opened before (its page may have stayed open for days).
 */
export function assertOpen(rules: Pick<IntakeRules, 'status' | 'closesAt'>, now = Date.now()): void {
  if (!isOpen(rules, now)) throw new AppError('SERVICE_CLOSED');
}

/** Whether the service takes requests (what `assertOpen` checks), for a caller that only needs to know. */
export function isOpen(rules: Pick<IntakeRules, 'status' | 'closesAt'>, now = Date.now()): boolean {
  return rules.status !== 'closed' && !(rules.closesAt && Date.parse(rules.closesAt) <= now);
}

/**
 * `maxSubmissionsPerUser`: the owner's filed requests on this service (any
 * status but draft) must stay under the limit. With `lock`, inside the submit
 * transaction, an advisory lock per (service, owner) makes concurrent submits
 * of one citizen count one after the other, so exactly `limit` of them pass;
 * it is released at commit. Anonymous owners are counted per browser session.
 */
export async function assertWithinLimit(
  submissions: SubmissionRepository,
  manager: EntityManager,
  serviceId: string,
  owner: OwnerColumns,
  limit: number | null,
  options: { lock: boolean },
): Promise<void> {
  if (limit === null) return;
  if (options.lock) {
    const key = `submission-limit:${serviceId}:${String(owner.ownerAccountId ?? owner.anonymousOwner)}`;
    await manager.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [key]);
  }
  const filed = await submissions.countFiledBy(manager, serviceId, owner);
  if (filed >= limit) throw new AppError('SUBMISSION_LIMIT_REACHED', { params: { limit: String(limit) } });
}
