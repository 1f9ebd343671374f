import { applyPrefill } from '@guichet/forms';
import type { CitizenDeps } from './deps';
import { ownerEvent } from './events';
import { isRecord, sha256, type Owner } from './owner';

/**
 * A citizen signs in with anonymous drafts in their browser session: the
 * drafts become their account's (sign-in replaces the session, and its
 * anonymous token with it, so they would otherwise be lost). Identity
 * claims prefill the fields the designer mapped, as for a draft started
 * signed in. Requests already submitted stay as they were filed.
 */
export class ClaimAnonymousDrafts {
  constructor(private readonly deps: Pick<CitizenDeps, 'dataSource' | 'submissions' | 'versions'>) {}

  /** Returns the ids claimed. */
  async execute(token: string, owner: Extract<Owner, { kind: 'account' }>): Promise<string[]> {
    if (!token) return [];
    const { dataSource, submissions, versions } = this.deps;
    return dataSource.transaction(async (manager) => {
      const drafts = await submissions.draftsOwnedByAnonymousForUpdate(manager, sha256(token));
      for (const draft of drafts) {
        const { definition } = await versions.get(draft.formVersionId, manager);
        draft.ownerAccountId = owner.accountId;
        draft.anonymousOwner = null;
        if (isRecord(draft.data))
          draft.data = applyPrefill(definition, draft.data, owner.claims) as Record<string, unknown>;
        await submissions.saveClaimed(manager, draft);
        // For the record: who held the draft changed (the caseworkers' history, not the citizen's).
        await ownerEvent(manager, draft, owner, 'claimed', null, null, 'internal');
      }
      return drafts.map((d) => d.id);
    });
  }
}
