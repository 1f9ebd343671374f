import { AppError, type Locale } from '@guichet/shared';
import { workflowOf } from '@guichet/workflow';
import { referencedAttachments } from '../attachments';
import { assertOpen, intakeRules } from '../intake-rules';
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
 * tab, another device) is refused with 409 instead of overwriting.
 */
export class Autosave {
  constructor(
    private readonly deps: Pick<CitizenDeps, 'dataSource' | 'submissions' | 'versions' | 'validators' | 'attachments'>,
  ) {}

  async execute({ id, owner, data, expectedRevision, locale }: AutosaveCommand): Promise<AutosaveResult> {
    const { dataSource, submissions, versions, validators, attachments } = this.deps;
    const { result, released } = await dataSource.transaction(async (manager) => {
      const submission = await loadOwned(submissions, manager, id, owner, true);
      const { definition, hash } = await versions.get(submission.formVersionId, manager);
      if (!citizenEditable(workflowOf(definition), submission.status)) throw new AppError('NOT_A_DRAFT');
      // A draft of a service closed since it was opened: the page says so instead of saving what cannot be filed.
      if (submission.status === 'draft') assertOpen(await intakeRules(manager, submission.serviceId));
      if (expectedRevision !== undefined && expectedRevision !== submission.revision) throw new AppError('CONFLICT');
      const outcome = validators
        .get(definition, hash)
        .validate(data, { mode: 'draft', claims: claimsOf(owner), locale });
      if (!outcome.valid)
        throw new AppError('SUBMISSION_INVALID', { errors: outcome.errors, moreErrors: outcome.moreErrors });
      // Files the saved answers named and these do not (replaced, removed, or their field now hidden).
      const kept = new Set(referencedAttachments(definition.schema, outcome.data).map((r) => r.id));
      const dropped = referencedAttachments(definition.schema, submission.data)
        .map((r) => r.id)
        .filter((ref) => !kept.has(ref));
      // Always a new revision, even for the same answers (see saveAnswers).
      const saved = await submissions.saveAnswers(manager, submission.id, outcome.data);
      const storageKeys = (await attachments?.dropReleased(manager, submission.id, dropped)) ?? [];
      return {
        result: { id: submission.id, revision: saved.revision, savedAt: saved.updatedAt.toISOString() },
        released: storageKeys,
      };
    });
    // Bytes once the rows are gone for good: a save rolled back keeps its files.
    if (released.length) await attachments?.deleteBytes(released);
    return result;
  }
}
