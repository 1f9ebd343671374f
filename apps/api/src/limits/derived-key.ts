import { createHmac } from 'node:crypto';
import type { Config } from '@guichet/config';

/**
 * A key for one purpose, derived from SESSION_SECRET: the same on every
 * replica (they share the secret), different per purpose, and nothing new
 * for the operator to generate and keep.
 */
export function derivedKey(config: Config, purpose: string): string {
  if (!config.SESSION_SECRET) throw new Error('SESSION_SECRET is required by the API (npm start provides one)');
  return createHmac('sha256', config.SESSION_SECRET).update(`guichet/${purpose}`).digest('base64url');
}
