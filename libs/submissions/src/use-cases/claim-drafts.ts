import { applyPrefill } from '@guichet/forms';
import { Submission } from '@guichet/persistence';
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
  constructor(private readonly deps: Pick<CitizenDeps, 'dataSource' | 'versions'>) {}

  /** Returns the ids claimed. */
  async execute(token: string, owner: Extract<Owner, { kind: 'account' }>): Promise<string[]> {
    if (!token) return [];
    return this.deps.dataSource.transaction(async (manager) => {
      const drafts = await manager.getRepository(Submission).find({
        where: { anonymousOwner: sha256(token), status: 'draft' },
        lock: { mode: 'pessimistic_write' },
      });
      for (const draft of drafts) {
        const { definition } = await this.deps.versions.get(draft.formVersionId, manager);
        draft.ownerAccountId = owner.accountId;
        draft.anonymousOwner = null;
        if (isRecord(draft.data))
          draft.data = applyPrefill(definition, draft.data, owner.claims) as Record<string, unknown>;
        await manager.getRepository(Submission).save(draft);
        // For the record: who held the draft changed (the caseworkers' history, not the citizen's).
        await ownerEvent(manager, draft, owner, 'claimed', null, null, 'internal');
      }
      return drafts.map((d) => d.id);
    });
  }
}
