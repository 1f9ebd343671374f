import { createHash } from 'node:crypto';
import { AppError } from '@guichet/shared';
import type { WindowCount } from '../limits/counter-store';
import { ProofOfWork, type Challenge } from './proof-of-work';

class UsedChallenges {
  readonly seen = new Map<string, number>();
  async hit(key: string): Promise<WindowCount> {
    const count = (this.seen.get(key) ?? 0) + 1;
    this.seen.set(key, count);
    return { count, resetInMs: 1000 };
  }
}

/** What a browser does: tries every number up to maxnumber. */
function solve(challenge: Pick<Challenge, 'challenge' | 'salt' | 'maxnumber'>): number {
  for (let n = 0; n <= challenge.maxnumber; n++) {
    if (createHash('sha256').update(`${challenge.salt}${n}`).digest('hex') === challenge.challenge) return n;
  }
  throw new Error('no solution');
}

const header = (payload: unknown) => Buffer.from(JSON.stringify(payload)).toString('base64');

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'accepted';
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return error.errors?.[0]?.code ?? error.code;
  }
}

describe('ProofOfWork', () => {
  const used = new UsedChallenges();
  const pow = new ProofOfWork({ hmacKey: 'k'.repeat(43), maxNumber: 500, expiresSeconds: 60, used });

  it('hands out an ALTCHA challenge that a brute force solves, and accepts the solution once', async () => {
    const challenge = await pow.challenge();
    expect(challenge).toEqual({
      algorithm: 'SHA-256',
      challenge: expect.stringMatching(/^[0-9a-f]{64}$/),
      salt: expect.stringMatching(/^[0-9a-f]+\?expires=\d+&$/),
      signature: expect.stringMatching(/^[0-9a-f]{64}$/),
      maxnumber: 500,
    });
    const solution = { ...challenge, number: solve(challenge) };
    delete (solution as Partial<typeof solution>).maxnumber;
    await expect(pow.verify(header(solution))).resolves.toBeUndefined();
    expect(await codeOf(pow.verify(header(solution)))).toBe('challenge:replayed');
  });

  it('asks for a solution when there is none', async () => {
    for (const missing of [undefined, '']) expect(await codeOf(pow.verify(missing))).toBe('CHALLENGE_REQUIRED');
  });

  it('refuses what is not a solution it issued, without counting it as used', async () => {
    const challenge = await pow.challenge();
    const number = solve(challenge);
    const good = {
      algorithm: 'SHA-256',
      challenge: challenge.challenge,
      salt: challenge.salt,
      signature: challenge.signature,
      number,
    };
    const before = used.seen.size;
    for (const [payload, reason] of [
      ['not base64 !', 'challenge:malformed'],
      [Buffer.from('{"half":').toString('base64'), 'challenge:malformed'],
      [header([good]), 'challenge:malformed'],
      [header({ ...good, number: String(number) }), 'challenge:malformed'],
      [header({ ...good, algorithm: 'SHA-1' }), 'challenge:malformed'],
      [header({ ...good, number: number + 1 }), 'challenge:wrong'],
      [header({ ...good, signature: 'f'.repeat(64) }), 'challenge:wrong'],
      // Another expiry spliced into the salt changes the challenge: the signature no longer matches.
      [header({ ...good, salt: challenge.salt.replace(/expires=\d+/, 'expires=9999999999') }), 'challenge:wrong'],
    ] as const) {
      expect(await codeOf(pow.verify(payload))).toBe(reason);
    }
    expect(used.seen.size).toBe(before);
    await expect(pow.verify(header(good))).resolves.toBeUndefined();
  });

  it('refuses an expired challenge, and one signed with another key', async () => {
    // Signed with the right key, expired a second ago: altcha-lib's own createChallenge (an ES module: imported dynamically).
    const { createChallenge } = await import('altcha-lib/v1');
    const expired = await createChallenge({
      hmacKey: 'k'.repeat(43),
      maxnumber: 50,
      expires: new Date(Date.now() - 1000),
    });
    expect(await codeOf(pow.verify(header({ ...expired, number: solve({ ...expired, maxnumber: 50 }) })))).toBe(
      'challenge:expired',
    );
    const foreign = await new ProofOfWork({ hmacKey: 'other', maxNumber: 50, expiresSeconds: 60, used }).challenge();
    expect(await codeOf(pow.verify(header({ ...foreign, number: solve(foreign) })))).toBe('challenge:wrong');
  });
});
