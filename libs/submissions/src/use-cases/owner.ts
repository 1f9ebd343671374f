import { createHash } from 'node:crypto';
import { IsNull, type EntityManager } from 'typeorm';
import type { Submission } from '@guichet/persistence';
import { AppError, isUuid } from '@guichet/shared';
import type { SubmissionRepository } from '../submission-repository';
import { intakeRules, intakeRulesSql, toIntakeRules, type IntakeRules, type IntakeRulesRow } from '../intake-rules';

/**
 * Who owns a request: a signed-in person (with their identity claims), an
 * anonymous browser session (token `''`: a caller with no session at all, who
 * owns nothing), or the holder of a follow link to one request filed without
 * an account (FollowLinks checked the link; it reaches that request only).
 */
export type Owner =
  | { kind: 'account'; accountId: string; claims: Readonly<Record<string, string>> }
  | {
      kind: 'anonymous';
      token: string;
      /**
       * With token `''` only: an agent also signed in from this browser before (the API's `required`). Whatever
       * is not an anonymous request is then « session ended » (401) rather than « introuvable », as for a browser
       * where only an agent signed in, so the caseworker whose session ended is told so.
       */
      agentSessionEnded?: true;
    }
  | { kind: 'link'; submissionId: string };

export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** How the history names the owner. */
export const actorOf = (owner: Owner) => (owner.kind === 'account' ? `account:${owner.accountId}` : 'anonymous');

/** The identity claims a signed-in owner brings (prefill, locked fields, the family quotient's identity). */
export const claimsOf = (owner: Owner) => (owner.kind === 'account' ? owner.claims : undefined);

/** The columns that say a request is this owner's. */
export function ownerWhere(owner: Owner) {
  if (owner.kind === 'link') return { id: owner.submissionId, ownerAccountId: IsNull() };
  return owner.kind === 'account' ? { ownerAccountId: owner.accountId } : { anonymousOwner: sha256(owner.token) };
}

/** The request, if it is the owner's; any other id is "not found" (or « session expirée », see `missing`). */
export async function loadOwned(
  submissions: SubmissionRepository,
  manager: EntityManager,
  id: string,
  owner: Owner,
  lock = false,
): Promise<Submission> {
  if (!isUuid(id) || (owner.kind === 'link' && owner.submissionId !== id)) throw notFound(owner);
  const submission = await submissions.ownedBy(manager, id, ownerWhere(owner), lock);
  if (!submission) throw await missing(submissions, manager, id, owner);
  return submission;
}

/**
 * For the submit: the request locked as `loadOwned(…, true)` reads it, and its service's intake rules as
 * `intakeRules` reads them, in one statement for an account's or an anonymous session's request (issue 22: one
 * round trip fewer per submit on both sides; the rules are then read at the locked read's snapshot, not a moment
 * after it). Other owners: the two statements. `rules` throws « introuvable » without a service, as `intakeRules`
 * did, when the caller asks for them (after its own checks, in the order they ran before).
 */
export async function loadOwnedWithIntakeRules(
  submissions: SubmissionRepository,
  manager: EntityManager,
  id: string,
  owner: Owner,
): Promise<{ submission: Submission; rules: () => Promise<IntakeRules> }> {
  if (!isUuid(id) || (owner.kind === 'link' && owner.submissionId !== id)) throw notFound(owner);
  const read = await submissions.lockedOwnedWith(
    manager,
    id,
    ownerWhere(owner),
    intakeRulesSql('submission."service_id"'),
  );
  if (read === undefined) {
    const submission = await loadOwned(submissions, manager, id, owner, true);
    return { submission, rules: () => intakeRules(manager, submission.serviceId) };
  }
  if (read === null) throw await missing(submissions, manager, id, owner);
  const rules = read.also as IntakeRulesRow | null;
  return { submission: read.submission, rules: async () => toIntakeRules(rules) };
}

/**
 * Why a request is not the caller's. Started without an account, it
 * belonged to a browser session that has since expired (or been replaced):
 * saying « session expirée » lets the page offer to keep what it still
 * holds, where « introuvable » lost the citizen's work. Said only to a
 * browser that worked anonymously and has no session any more (owner token
 * `''`, see the API's `required`), and it reveals only that a random id the
 * caller already holds was an anonymous request; to any other caller, or
 * for a signed-in citizen's request, it stays « introuvable » (`notFound`).
 */
async function missing(
  submissions: SubmissionRepository,
  manager: EntityManager,
  id: string,
  owner: Owner,
): Promise<AppError> {
  if (owner.kind !== 'anonymous' || owner.token !== '') return notFound(owner);
  return (await submissions.isAnonymousRequest(manager, id)) ? new AppError('SESSION_EXPIRED') : notFound(owner);
}

/**
 * « Introuvable », except to a browser with no session where an agent signed in before (`agentSessionEnded`):
 * there it is 401 for every id, existing or not, a signed-in citizen's or nobody's, as it is where only an agent
 * signed in; so it tells a stranger nothing about which requests exist.
 */
function notFound(owner: Owner): AppError {
  return new AppError(owner.kind === 'anonymous' && owner.agentSessionEnded ? 'UNAUTHENTICATED' : 'NOT_FOUND');
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
