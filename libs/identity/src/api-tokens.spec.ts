import type { DataSource } from 'typeorm';
import type { ApiToken } from '@guichet/persistence';
import { organisationId } from '@guichet/shared';
import type { ApiTokenRepository } from './api-token-repository';
import { ApiTokenService } from './api-tokens';

const ORG = organisationId('0b6f3c1e-2d4a-4f8e-9a7b-1c2d3e4f5a6b');

/** A repository whose every call is recorded with its arguments; `answers` says what a method returns. */
function fake<R extends object>(answers: Record<string, (...args: unknown[]) => unknown> = {}) {
  const calls: Array<[string, ...unknown[]]> = [];
  const repository: R = new Proxy({} as R, {
    get: (_target, name: string) =>
      name === 'transaction'
        ? (work: (r: R) => Promise<unknown>) => work(repository)
        : (...args: unknown[]) => {
            calls.push([name, ...args]);
            return Promise.resolve(answers[name]?.(...args));
          },
  });
  return { repository, calls };
}

describe('ApiTokenService over its repository', () => {
  const TOKEN = `gch_${'a'.repeat(43)}`;
  const record = (fields: Partial<ApiToken>) =>
    ({
      id: 'c3d4e5f6-a7b8-4c9d-8e0f-1a2b3c4d5e6f',
      organisationId: ORG,
      role: 'caseworker',
      serviceIds: null,
      readOnly: false,
      expiresAt: null,
      lastUsedAt: null,
      createdByEmail: null,
      ...fields,
    }) as ApiToken;
  const service = (answers: Record<string, (...args: unknown[]) => unknown>) => {
    const { repository, calls } = fake<ApiTokenRepository>(answers);
    return { tokens: new ApiTokenService({} as DataSource, repository), calls };
  };

  it('does not look a malformed token up', async () => {
    const { tokens, calls } = service({});
    expect(await tokens.authenticate('gch_short')).toBeUndefined();
    expect(calls).toEqual([]);
  });

  it('reads a token in one statement, and writes its last use only once a minute, in its organisation', async () => {
    const fresh = service({ liveByHash: () => record({ lastUsedAt: new Date(Date.now() - 1_000) }) });
    const actor = await fresh.tokens.authenticate(TOKEN);
    expect(actor).toMatchObject({ kind: 'token', roles: [{ organisationId: ORG, role: 'caseworker' }] });
    expect(fresh.calls.map(([name]) => name)).toEqual(['liveByHash']);

    const stale = service({ liveByHash: () => record({ lastUsedAt: new Date(Date.now() - 120_000) }) });
    await stale.tokens.authenticate(TOKEN);
    expect(stale.calls.map(([name]) => name)).toEqual(['liveByHash', 'touch']);
    expect(stale.calls[1]?.slice(1, 3)).toEqual([ORG, record({}).id]);
  });

  it('refuses an expired token without writing', async () => {
    const { tokens, calls } = service({ liveByHash: () => record({ expiresAt: new Date(Date.now() - 1) }) });
    expect(await tokens.authenticate(TOKEN)).toBeUndefined();
    expect(calls.map(([name]) => name)).toEqual(['liveByHash']);
  });
});
