import type { EntityManager } from 'typeorm';
import type { Submission } from '@guichet/persistence';
import type { SubmissionRepository } from '../submission-repository';
import { loadOwned, sha256 } from './owner';

const ID = '0b9d1c52-6a0e-4d8f-9a53-2f3c1e7b8a41';
const manager = {} as EntityManager;

/** A submission table holding one request, or none, recording what was asked of it. */
function fakeRepository(stored: { owner: Record<string, unknown> } | null, anonymous = false) {
  const calls: unknown[][] = [];
  const repository = {
    ownedBy: async (_m: EntityManager, id: string, owner: Record<string, unknown>, lock: boolean) => {
      calls.push(['ownedBy', id, owner, lock]);
      const matches = stored && Object.entries(owner).every(([k, v]) => k === 'id' || stored.owner[k] === v);
      return matches ? ({ id } as Submission) : null;
    },
    isAnonymousRequest: async (_m: EntityManager, id: string) => {
      calls.push(['isAnonymousRequest', id]);
      return anonymous;
    },
  } as unknown as SubmissionRepository;
  return { repository, calls };
}

const code = (promise: Promise<unknown>) =>
  promise.then(
    () => 'found',
    (error: { code: string }) => error.code,
  );

describe('loadOwned', () => {
  it("reads by the owner's columns, locked when asked", async () => {
    const { repository, calls } = fakeRepository({ owner: { anonymousOwner: sha256('t') } });
    await expect(code(loadOwned(repository, manager, ID, { kind: 'anonymous', token: 't' }, true))).resolves.toBe(
      'found',
    );
    expect(calls).toEqual([['ownedBy', ID, { anonymousOwner: sha256('t') }, true]]);
  });

  it('answers « introuvable » without a read for an id that is not a UUID or not the link’s', async () => {
    const { repository, calls } = fakeRepository(null);
    await expect(code(loadOwned(repository, manager, 'nope', { kind: 'anonymous', token: 't' }))).resolves.toBe(
      'NOT_FOUND',
    );
    const other = '5d6c1a2b-3e4f-4a5b-8c7d-9e0f1a2b3c4d';
    await expect(code(loadOwned(repository, manager, ID, { kind: 'link', submissionId: other }))).resolves.toBe(
      'NOT_FOUND',
    );
    expect(calls).toEqual([]);
  });

  it('says « session expirée » only to a browser with no session, of an anonymous request', async () => {
    const { repository } = fakeRepository(null, true);
    await expect(code(loadOwned(repository, manager, ID, { kind: 'anonymous', token: '' }))).resolves.toBe(
      'SESSION_EXPIRED',
    );
    await expect(code(loadOwned(repository, manager, ID, { kind: 'anonymous', token: 'other' }))).resolves.toBe(
      'NOT_FOUND',
    );
    await expect(
      code(loadOwned(repository, manager, ID, { kind: 'account', accountId: 'a', claims: {} })),
    ).resolves.toBe('NOT_FOUND');
    const { repository: signedIn } = fakeRepository(null, false);
    await expect(code(loadOwned(signedIn, manager, ID, { kind: 'anonymous', token: '' }))).resolves.toBe('NOT_FOUND');
  });

  it('says « session ended » (401) for every other id to a browser with no session where an agent signed in', async () => {
    const gone = { kind: 'anonymous', token: '', agentSessionEnded: true } as const;
    const { repository: anonymous } = fakeRepository(null, true);
    await expect(code(loadOwned(anonymous, manager, ID, gone))).resolves.toBe('SESSION_EXPIRED');
    const { repository: other } = fakeRepository(null, false);
    await expect(code(loadOwned(other, manager, ID, gone))).resolves.toBe('UNAUTHENTICATED');
    await expect(code(loadOwned(other, manager, 'nope', gone))).resolves.toBe('UNAUTHENTICATED');
  });
});
