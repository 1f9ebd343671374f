import type { DataSource } from 'typeorm';
import { quotientIdentity, type ValidatorCache } from '@guichet/forms';
import type { Submission } from '@guichet/persistence';
import type { Attachments } from '../attachments';
import type { FormVersions } from '../form-versions';
import { prefetchLookups, type LookupProviders } from '../lookup-answers';
import type { SubmissionRepository } from '../submission-repository';
import { claimsOf, loadOwned, type Owner } from './owner';

/**
 * What the citizens' use cases are built from. Each takes only the part it
 * uses (`Pick<CitizenDeps, …>`), so a test can hand it just those.
 */
export interface CitizenDeps {
  dataSource: DataSource;
  /** The submission table. */
  submissions: SubmissionRepository;
  /** The published versions, read once per process. */
  versions: FormVersions;
  validators: ValidatorCache;
  /** The files of the answers; without it, references to files are not checked. */
  attachments?: Attachments;
  /** The lookup fields' registries, checked at submit; those missing keep their answers as typed. */
  lookups: LookupProviders;
}

/**
 * The lookup providers' answers for this request's values, asked before any transaction
 * (libs/submissions/src/lookup-answers.ts).
 */
export async function lookupAnswers(
  deps: Pick<CitizenDeps, 'dataSource' | 'submissions' | 'versions' | 'lookups'>,
  id: string,
  owner: Owner,
  owned?: Submission,
): Promise<LookupProviders> {
  if (!Object.values(deps.lookups).some(Boolean)) return {};
  const submission = owned ?? (await loadOwned(deps.submissions, deps.dataSource.manager, id, owner));
  const { definition } = await deps.versions.get(submission.formVersionId, deps.dataSource.manager);
  return prefetchLookups(definition, submission.data, deps.lookups, quotientIdentity(claimsOf(owner)));
}
