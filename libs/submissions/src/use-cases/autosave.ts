import type { EntityManager } from 'typeorm';
import type { Submission } from '@guichet/persistence';
import { AppError, type Locale } from '@guichet/shared';
import { workflowOf } from '@guichet/workflow';
import { referencedAttachments } from '../attachments';
import { assertOpen, RecentIntakeRules } from '../intake-rules';
import { citizenEditable } from '../transitions';
import type { CitizenDeps } from './deps';
import { claimsOf, loadOwned, type Owner } from './owner';

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

  constructor(
    private readonly deps: Pick<CitizenDeps, 'dataSource' | 'submissions' | 'versions' | 'validators' | 'attachments'>,
  ) {}

  async execute(command: AutosaveCommand): Promise<AutosaveResult> {
    // Most saves drop no file: read, check, then write only if nothing was written meanwhile (three statements,
    // no transaction, no lock). A save that releases files, or that lost the race, takes the locked path.
    const quick = await this.withoutLock(command);
    if (quick) return quick;
    return this.locked(command);
  }

  /** The save as a compare-and-set on the revision read; null when it must go the locked way. */
  private async withoutLock({ id, owner, data, expectedRevision, locale }: AutosaveCommand) {
    const { dataSource, submissions } = this.deps;
    const manager = dataSource.manager;
    const submission = await loadOwned(submissions, manager, id, owner);
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
    // Files the saved answers named and these do not (replaced, removed, or their field now hidden).
    const kept = new Set(referencedAttachments(definition.schema, outcome.data).map((r) => r.id));
    const dropped = referencedAttachments(definition.schema, submission.data)
      .map((r) => r.id)
      .filter((ref) => !kept.has(ref));
    return { data: outcome.data, dropped };
  }
}
