import { ApiError, api } from '../lib/api';
import { tr } from '../lib/i18n';

/**
 * The self-hosted anti-robot check (ALTCHA's scheme, no third party, nothing
 * to click or read): find the number whose SHA-256 with the salt is the
 * challenge, by trying them in order, with the browser's own Web Crypto.
 */
export async function solveChallenge(): Promise<string> {
  const c = await api<{ algorithm: string; challenge: string; salt: string; signature: string; maxnumber: number }>(
    '/api/v1/public/challenge',
  );
  const encoder = new TextEncoder();
  for (let n = 0; n <= c.maxnumber; n++) {
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(`${c.salt}${n}`)));
    let hex = '';
    for (const byte of digest) hex += byte.toString(16).padStart(2, '0');
    if (hex === c.challenge)
      return btoa(
        JSON.stringify({
          algorithm: c.algorithm,
          challenge: c.challenge,
          number: n,
          salt: c.salt,
          signature: c.signature,
        }),
      );
  }
  throw new ApiError(422, {
    code: 'CHALLENGE_INVALID',
    message: tr('La vérification anti-robot a échoué : réessayez.', 'The anti-robot check failed: try again.'),
  } as never);
}
