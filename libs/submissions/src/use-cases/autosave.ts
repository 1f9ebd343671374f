import type { EntityManager } from 'typeorm';
import type { Submission } from '@guichet/persistence';
import { AppError, type Locale } from '@guichet/shared';
import { workflowOf } from '@guichet/workflow';
import type { WorkflowDefinition } from '@guichet/workflow';
import { mayReferenceAttachments, referencedAttachments } from '../attachments';
import { assertOpen, isOpen, RecentIntakeRules } from '../intake-rules';
import { citizenEditable } from '../transitions';
import type { CitizenDeps } from './deps';
import { claimsOf, loadOwned, ownerWhere, type Owner } from './owner';

export interface AutosaveCommand {
  id: string;
  owner: Owner;
  data: unknown;
  expectedRevision?: number;
  locale: Locale;
}

export interface AutosaveResult {
  id: string;
  revision: number;
  savedAt: string;
}

/**
 * Autosave: replaces the draft's answers. Only what is present is checked,
 * so a half-filled form saves; with `expectedRevision`, a stale save (another
 * tab, another device) is refused with 409 instead of overwriting. Of two
 * saves on one revision exactly one wins, with or without the lock.
 */
export class Autosave {
  /** Whether the service still takes requests, read at most a second ago (the submit reads it afresh). */
  private readonly intake = new RecentIntakeRules();
  /**
   * The version and service of requests this process has read, by id: which validator to try a save with before
   * reading the request. Never a right: the one-statement save checks the owner, the version, the status and the
   * revision in its own WHERE, and a hint gone stale only sends the save the longer way (which reads it again).
   */
  private readonly seen = new Map<string, { formVersionId: string; serviceId: string }>();

  constructor(
    private readonly deps: Pick<CitizenDeps, 'dataSource' | 'submissions' | 'versions' | 'validators' | 'attachments'>,
  ) {}

  async execute(command: AutosaveCommand): Promise<AutosaveResult> {
    // A request this process has read before, on a form without files: one statement that writes only if
    // everything the checks below would read still holds (issue 22). Any doubt goes the way below, which decides.
    const direct = await this.inOneStatement(command);
    if (direct) return direct;
    // Most saves drop no file: read, check, then write only if nothing was written meanwhile (three statements,
    // no transaction, no lock). A save that releases files, or that lost the race, takes the locked path.
    const quick = await this.withoutLock(command);
    if (quick) return quick;
    return this.locked(command);
  }

  /**
   * The save as one conditional UPDATE, without reading the request first; null whenever it cannot tell the
   * answer `withoutLock` would give (then nothing was written). Its WHERE holds what `check` reads from the row:
   * the owner (as `loadOwned`), the version whose validator accepted the answers (and so its service, whose intake
   * rules were open), a status in which the citizen may edit (`citizenEditable`) and, with `expectedRevision`,
   * that revision. The version must name no file (no saved answers to compare for files dropped), the service must
   * be open (a closed one refuses drafts only: `check` tells which), the answers valid (`check` puts its other
   * refusals first). A request not written by it is read and decided by `withoutLock`, as before.
   */
  private async inOneStatement({ id, owner, data, expectedRevision, locale }: AutosaveCommand) {
    const hint = this.seen.get(id);
    if (!hint || (owner.kind === 'anonymous' && !owner.token)) return null;
    // A revision the column cannot hold is a conflict the read tells (the statement would fail on it).
    if (
      expectedRevision !== undefined &&
      !(Number.isInteger(expectedRevision) && Math.abs(expectedRevision) < 2 ** 31)
    ) {
      return null;
    }
    const { dataSource, submissions, versions, validators } = this.deps;
    const manager = dataSource.manager;
    const version = await versions.get(hint.formVersionId, manager).catch(() => null);
    if (!version) return null;
    const { definition, hash } = version;
    if (mayReferenceAttachments(definition.schema)) return null;
    const statuses = editableStatuses(workflowOf(definition));
    if (!statuses) return null;
    const rules = await this.intake.get(manager, hint.serviceId).catch(() => null);
    if (!rules || !isOpen(rules)) return null;
    const outcome = validators.get(definition, hash).validate(data, { mode: 'draft', claims: claimsOf(owner), locale });
    if (!outcome.valid) return null;
    const saved = await submissions.saveAnswersWhere(
      dataSource,
      id,
      ownerWhere(owner),
      {
        formVersionId: hint.formVersionId,
        serviceId: hint.serviceId,
        statuses,
        revision: expectedRevision ?? null,
      },
      outcome.data,
    );
    return saved ? { id, revision: saved.revision, savedAt: saved.updatedAt.toISOString() } : null;
  }

  /** Which version `inOneStatement` tries this request's next save with (moved since, it goes the longer way). */
  private remember(submission: Submission): void {
    if (this.seen.size >= 100_000) this.seen.clear();
    this.seen.set(submission.id, { formVersionId: submission.formVersionId, serviceId: submission.serviceId });
  }

  /** The save as a compare-and-set on the revision read; null when it must go the locked way. */
  private async withoutLock({ id, owner, data, expectedRevision, locale }: AutosaveCommand) {
    const { dataSource, submissions } = this.deps;
    const manager = dataSource.manager;
    const submission = await loadOwned(submissions, manager, id, owner);
    this.remember(submission);
    const checked = await this.check(manager, submission, data, expectedRevision, owner, locale);
    if (checked.dropped.length > 0) return null;
    const saved = await submissions.saveAnswersIf(manager, submission.id, checked.data, submission.revision);
    if (saved) return { id: submission.id, revision: saved.revision, savedAt: saved.updatedAt.toISOString() };
    // Written meanwhile (another tab): a save that named the revision it knew is stale; others retry under lock.
    if (expectedRevision !== undefined) throw new AppError('CONFLICT');
    return null;
  }

  private async locked({ id, owner, data, expectedRevision, locale }: AutosaveCommand): Promise<AutosaveResult> {
    const { dataSource, submissions, attachments } = this.deps;
    const { result, released } = await dataSource.transaction(async (manager) => {
      const submission = await loadOwned(submissions, manager, id, owner, true);
      const checked = await this.check(manager, submission, data, expectedRevision, owner, locale);
      // Always a new revision, even for the same answers (see saveAnswers).
      const saved = await submissions.saveAnswers(manager, submission.id, checked.data);
      const storageKeys = (await attachments?.dropReleased(manager, submission, checked.dropped)) ?? [];
      return {
        result: { id: submission.id, revision: saved.revision, savedAt: saved.updatedAt.toISOString() },
        released: storageKeys,
      };
    });
    // Bytes once the rows are gone for good: a save rolled back keeps its files.
    if (released.length) await attachments?.deleteBytes(released);
    return result;
  }

  /** What a save must pass, whichever way it writes: the answers to store and the files they no longer name. */
  private async check(
    manager: EntityManager,
    submission: Submission,
    data: unknown,
    expectedRevision: number | undefined,
    owner: Owner,
    locale: Locale,
  ): Promise<{ data: unknown; dropped: string[] }> {
    const { versions, validators } = this.deps;
    const { definition, hash } = await versions.get(submission.formVersionId, manager);
    if (!citizenEditable(workflowOf(definition), submission.status)) throw new AppError('NOT_A_DRAFT');
    // A draft of a service closed since it was opened: the page says so instead of saving what cannot be filed.
    if (submission.status === 'draft') assertOpen(await this.intake.get(manager, submission.serviceId));
    if (expectedRevision !== undefined && expectedRevision !== submission.revision) throw new AppError('CONFLICT');
    const outcome = validators.get(definition, hash).validate(data, { mode: 'draft', claims: claimsOf(owner), locale });
    if (!outcome.valid)
      throw new AppError('SUBMISSION_INVALID', { errors: outcome.errors, moreErrors: outcome.moreErrors });
    // Files the saved answers named and these do not (replaced, removed, or their field now hidden): none on a form
    // without file fields.
    if (!mayReferenceAttachments(definition.schema)) return { data: outcome.data, dropped: [] };
    const kept = new Set(referencedAttachments(definition.schema, outcome.data).map((r) => r.id));
    const dropped = referencedAttachments(definition.schema, submission.data)
      .map((r) => r.id)
      .filter((ref) => !kept.has(ref));
    return { data: outcome.data, dropped };
  }
}

const editable = new WeakMap<WorkflowDefinition, readonly string[] | null>();

/**
 * The statuses in which `citizenEditable` lets the citizen edit a request under this workflow: the draft, and the
 * states a citizen's transition to `submitted` leaves from. Null when the transitions, or a transition's `from` or
 * `by`, are not lists (`citizenEditable` would then match inside a string, or throw): such a workflow keeps the longer way. Known once per
 * workflow object (a published version's never changes).
 */
export function editableStatuses(workflow: WorkflowDefinition): readonly string[] | null {
  const known = editable.get(workflow);
  if (known !== undefined) return known;
  const lists =
    Array.isArray(workflow.transitions) &&
    workflow.transitions.every((t) => Array.isArray(t.from) && Array.isArray(t.by));
  const statuses = lists
    ? [
        ...new Set([
          'draft',
          ...workflow.transitions
            .filter((t) => t.to === 'submitted' && t.by.includes('citizen'))
            .flatMap((t) => t.from),
        ]),
      ]
    : null;
  editable.set(workflow, statuses);
  return statuses;
}
