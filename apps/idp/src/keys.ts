import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, type JWK } from 'jose';

/**
 * The provider's signing keys (ES256 and RS256, like FranceConnect v2),
 * generated on first start and kept under DATA_DIR so restarts keep tokens
 * valid. Never committed: a repository holds no private key.
 */
export async function loadOrCreateKeys(dataDir: string): Promise<{ keys: JWK[] }> {
  const file = join(dataDir, 'idp', 'jwks.json');
  if (existsSync(file)) return JSON.parse(await readFile(file, 'utf8')) as { keys: JWK[] };
  const keys: JWK[] = [];
  for (const alg of ['ES256', 'RS256'] as const) {
    const { privateKey } = await generateKeyPair(alg, { extractable: true });
    const jwk = await exportJWK(privateKey);
    keys.push({ ...jwk, alg, use: 'sig', kid: `${alg.toLowerCase()}-${Date.now().toString(36)}` });
  }
  await mkdir(join(dataDir, 'idp'), { recursive: true, mode: 0o700 });
  await writeFile(file, JSON.stringify({ keys }), { mode: 0o600 });
  return { keys };
}
