import type { Owner, SubmitCheck } from '@guichet/submissions';
import { ProofOfWork } from './proof-of-work';

/**
 * The anti-robot check of a submit: on a service whose settings ask for a
 * proof of work, a submit without a signed-in citizen must carry a solved
 * challenge. A request that is no longer a draft is left to the submit
 * itself (a repeat with the same Idempotency-Key gets its first answer).
 */
export class AntiBot {
  constructor(private readonly proofOfWork: ProofOfWork) {}

  /**
   * The submit's check (run in its transaction with the draft's version, which the submit reads anyway: no
   * statement of its own); none for a signed-in citizen.
   */
  submitCheck(owner: Owner, solution: string | string[] | undefined): SubmitCheck | undefined {
    if (owner.kind === 'account') return undefined;
    return async (definition) => {
      if (definition.settings.antiBot === 'proof-of-work') await this.proofOfWork.verify(solution);
    };
  }
}
