import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { seedDemoAgents, seedDemoOrganisation, type Organisation } from '@guichet/persistence';
import { startMailCatcher, type MailCatcher } from '@guichet/mail-catcher';
import { signInEnv, startIdp, type RunningIdp } from './idp';
import { ROOT, freePort } from './processes';
import { startStack, type Stack } from './stack';

export interface WebStack {
  base: string;
  idp: RunningIdp;
  mail: MailCatcher;
  stack: Stack;
  organisation: Organisation;
  close(): Promise<void>;
}

/**
 * What a browser journey needs: the built web app served by the API with a
 * worker on Redis, the bundled identity provider over HTTP, a mail catcher,
 * and the demo organisation with its agents.
 */
export async function startWebStack(env: Record<string, string> = {}): Promise<WebStack> {
  if (!existsSync(join(ROOT, 'dist/web/index.html'))) throw new Error('dist/web is missing: npm test builds it first');
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const [idp, mail] = await Promise.all([
    startIdp({ redirectUris: [`${base}/auth/callback`], postLogoutRedirectUris: [`${base}/`] }),
    startMailCatcher({ smtpPort: 0, httpPort: 0 }),
  ]);
  const stack = await startStack({
    backend: 'redis',
    env: {
      PORT: String(port),
      PUBLIC_URL: base,
      WEB_DIST_DIR: join(ROOT, 'dist/web'),
      SMTP_URL: `smtp://127.0.0.1:${mail.smtpPort}`,
      ...signInEnv(idp.issuer, idp.secret),
      ...env,
    },
  });
  const ds = stack.api.get(DataSource);
  const organisation = await seedDemoOrganisation(ds);
  await seedDemoAgents(ds, organisation.id);
  return {
    base,
    idp,
    mail,
    stack,
    organisation,
    async close() {
      await stack.close();
      await mail.close();
      await idp.stop();
    },
  };
}
