import { randomInt } from 'node:crypto';

/** No 0/O, no 1/I/L: read aloud on the phone, copied from paper, nothing to confuse. */
export const REFERENCE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

/** GCH-XXXX-XXXX: 31^8 ≈ 8.5 × 10^11 values drawn at random, so never guessable in sequence. */
export function newReference(): string {
  const pick = () => REFERENCE_ALPHABET[randomInt(REFERENCE_ALPHABET.length)];
  const block = () => Array.from({ length: 4 }, pick).join('');
  return `GCH-${block()}-${block()}`;
}

export const REFERENCE_PATTERN = /^GCH-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/;
