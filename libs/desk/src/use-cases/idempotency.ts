import { createHash } from 'node:crypto';
import { AppError } from '@guichet/shared';

/** An Idempotency-Key: 1 to 255 visible ASCII characters (as on submit). */
const KEY = /^[\x21-\x7e]{1,255}$/;

/** Refuses a malformed `Idempotency-Key` (400, before anything is looked up); none is fine. */
export function checkIdempotencyKey(key: string | undefined): void {
  if (key === undefined || KEY.test(key)) return;
  throw new AppError('INVALID_REQUEST', {
    errors: [
      {
        pointer: '',
        code: 'idempotency_key',
        message: 'En-tête Idempotency-Key invalide (1 à 255 caractères visibles).',
      },
    ],
  });
}

/** What a key is bound to: the same key sent with another request (author or content) is refused. */
export function requestHash(parts: unknown[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}
