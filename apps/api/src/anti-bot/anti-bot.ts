import type { Submission } from '@guichet/persistence';
import { FormVersions, Submissions, type Owner } from '@guichet/submissions';
import { ProofOfWork } from './proof-of-work';

/**
 * The anti-robot check of a submit: on a service whose settings ask for a
 * proof of work, a submit without a signed-in citizen must carry a solved
 * challenge. A request that is no longer a draft is left to the submit
 * itself (a repeat with the same Idempotency-Key gets its first answer).
 */
export class AntiBot {
  constructor(
    private readonly submissions: Submissions,
    private readonly versions: FormVersions,
    private readonly proofOfWork: ProofOfWork,
  ) {}

  /** Returns the request when it had to read it (ownership checked), so that the submit need not read it again. */
  async beforeSubmit(
    id: string,
    owner: Owner,
    solution: string | string[] | undefined,
  ): Promise<Submission | undefined> {
    if (owner.kind === 'account') return undefined;
    const submission = await this.submissions.owned(id, owner);
    if (submission.status !== 'draft') return submission;
    const { definition } = await this.versions.get(submission.formVersionId);
    if (definition.settings.antiBot === 'proof-of-work') await this.proofOfWork.verify(solution);
    return submission;
  }
}
