import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DIST, GiveUp, collectOutput, freePort, stopProcess, waitUntil } from './processes';

export interface RunningIdp {
  issuer: string;
  secret: string;
  stop(): Promise<void>;
}

/** The bundled identity provider, built, in its own process on a free port. */
export async function startIdp(options: {
  redirectUris: string[];
  postLogoutRedirectUris: string[];
}): Promise<RunningIdp> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const secret = randomBytes(32).toString('base64url');
  const child: ChildProcess = spawn(process.execPath, [join(DIST, 'apps', 'idp', 'src', 'main.js')], {
    env: {
      ...process.env,
      IDP_PORT: String(port),
      IDP_PUBLIC_URL: base,
      IDP_CLIENT_SECRET: secret,
      IDP_REDIRECT_URIS: options.redirectUris.join(','),
      IDP_POST_LOGOUT_REDIRECT_URIS: options.postLogoutRedirectUris.join(','),
      DATA_DIR: mkdtempSync(join(tmpdir(), 'guichet-idp-')),
    },
  });
  const output = collectOutput(child);
  await waitUntil('identity provider', 20_000, () => {
    if (child.exitCode !== null) throw new GiveUp(output.text());
    return output.text().includes('"listening"') || undefined;
  });
  return { issuer: `${base}/api/v2`, secret, stop: () => stopProcess(child) };
}

/** The API's settings for signing citizens (and, with `agentClientId`, agents) in at `issuer`. */
export function signInEnv(
  issuer: string,
  secret: string,
  clients: { citizen: string; agent?: string } = { citizen: 'guichet-usagers', agent: 'guichet-agents' },
): Record<string, string> {
  return {
    FC_ISSUER: issuer,
    FC_CLIENT_ID: clients.citizen,
    FC_CLIENT_SECRET: secret,
    ...(clients.agent
      ? { AGENT_OIDC_ISSUER: issuer, AGENT_CLIENT_ID: clients.agent, AGENT_CLIENT_SECRET: secret }
      : {}),
  };
}
