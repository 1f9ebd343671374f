import { AppError, type ErrorItem } from '@guichet/shared';
import type { WindowCount } from '../limits/counter-store';

/** What `GET /api/v1/public/challenge` returns: an ALTCHA challenge (v1 format). */
export interface Challenge {
  algorithm: 'SHA-256';
  challenge: string;
  salt: string;
  signature: string;
  maxnumber: number;
}

/** What the client sends back, base64-encoded JSON, in the `X-Altcha` header. */
export interface Solution {
  algorithm: 'SHA-256';
  challenge: string;
  number: number;
  salt: string;
  signature: string;
}

export interface ProofOfWorkOptions {
  hmacKey: string;
  maxNumber: number;
  expiresSeconds: number;
  /** Remembers used challenges until they expire, for every replica (a table of the database). */
  used: { hit(key: string, windowMs: number): Promise<WindowCount> };
}

type AltchaV1 = typeof import('altcha-lib/v1', { with: { 'resolution-mode': 'import' } });

const HEX64 = /^[0-9a-f]{64}$/;
const REASONS = {
  malformed: 'L’en-tête X-Altcha n’est pas une solution lisible (JSON en base64 attendu).',
  expired: 'Cette vérification a expiré : demandez-en une nouvelle.',
  wrong: 'Cette solution ne correspond pas à une vérification délivrée par ce site.',
  replayed: 'Cette vérification a déjà servi : demandez-en une nouvelle.',
} as const;

function invalid(reason: keyof typeof REASONS): AppError {
  const item: ErrorItem = { pointer: '', code: `challenge:${reason}`, message: REASONS[reason] };
  return new AppError('CHALLENGE_INVALID', { errors: [item] });
}

/**
 * A self-hosted proof of work, compatible with ALTCHA (altcha-lib's v1
 * scheme): the server hands out `challenge = sha256(salt + n)` for a secret
 * n ≤ maxnumber, HMAC-signed, with an expiry inside the salt; the browser
 * finds n by brute force and sends it back. Nothing is kept until a solution
 * comes back; each solution is accepted once.
 */
export class ProofOfWork {
  private altcha?: Promise<AltchaV1>;

  constructor(private readonly options: ProofOfWorkOptions) {}

  private lib(): Promise<AltchaV1> {
    // altcha-lib is an ES module package with a CommonJS build; a dynamic import reaches the latter.
    this.altcha ??= import('altcha-lib/v1');
    return this.altcha;
  }

  async challenge(): Promise<Challenge> {
    const { createChallenge } = await this.lib();
    const created = await createChallenge({
      algorithm: 'SHA-256',
      hmacKey: this.options.hmacKey,
      maxnumber: this.options.maxNumber,
      expires: new Date(Date.now() + this.options.expiresSeconds * 1000),
    });
    return {
      algorithm: 'SHA-256',
      challenge: created.challenge,
      salt: created.salt,
      signature: created.signature,
      maxnumber: this.options.maxNumber,
    };
  }

  /** Throws CHALLENGE_REQUIRED or CHALLENGE_INVALID unless `header` is a fresh, first-time, correct solution. */
  async verify(header: string | string[] | undefined): Promise<void> {
    if (header === undefined || header === '') throw new AppError('CHALLENGE_REQUIRED');
    const solution = parse(Array.isArray(header) ? header[0]! : header);
    if (!solution) throw invalid('malformed');
    const { extractParams, verifySolution } = await this.lib();
    const expires = Number(extractParams(solution).expires) * 1000;
    if (!Number.isFinite(expires) || expires <= Date.now()) throw invalid('expired');
    // Checks the expiry again, then recomputes the challenge and its signature.
    if (!(await verifySolution(solution, this.options.hmacKey, true))) throw invalid('wrong');
    const first = await this.options.used.hit(`altcha:${solution.challenge}`, expires - Date.now() + 1000);
    if (first.count > 1) throw invalid('replayed');
  }
}

function parse(header: string): Solution | undefined {
  if (header.length > 2000 || !/^[A-Za-z0-9+/=_-]+$/.test(header)) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(header, 'base64').toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const s = value as Record<string, unknown>;
  const ok =
    s.algorithm === 'SHA-256' &&
    typeof s.challenge === 'string' &&
    HEX64.test(s.challenge) &&
    typeof s.signature === 'string' &&
    HEX64.test(s.signature) &&
    typeof s.salt === 'string' &&
    s.salt.length <= 200 &&
    Number.isSafeInteger(s.number) &&
    (s.number as number) >= 0;
  return ok
    ? {
        algorithm: 'SHA-256',
        challenge: s.challenge as string,
        number: s.number as number,
        salt: s.salt as string,
        signature: s.signature as string,
      }
    : undefined;
}
