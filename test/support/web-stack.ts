import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { ApiTokenService } from '@guichet/identity';
import { seedDemoAgents, seedDemoOrganisation, type Organisation } from '@guichet/persistence';
import { startMailCatcher, type MailCatcher } from '@guichet/mail-catcher';
import { organisationId } from '@guichet/shared';
import { launchBrowser, type Browser } from './browser';
import { signInEnv, startIdp, type RunningIdp } from './idp';
import { ROOT, freePort } from './processes';
import { SessionClient } from './session-client';
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

export interface WebStackWithSignIn {
  web: WebStack;
  ds: DataSource;
  browser: Browser;
  /** Who `signIn` named, signed in through the provider over HTTP: the set-up calls a test makes as them. */
  signedIn: Record<string, SessionClient>;
  /** Chromium, then the stack. */
  close(): Promise<void>;
}

/**
 * What the desk's browser journeys start from: `startWebStack`, one service of the demo organisation created and
 * published with a designer's API token, the identities named in `signIn` (name → [kind, identity of
 * apps/idp/src/identities.ts]) signed in over HTTP, and Chromium. Closed as a whole, the stack too if a step fails.
 */
export async function startWebStackWithSignIn(options: {
  service: { slug: string; title: string; definition: unknown };
  signIn?: Record<string, ['agent' | 'citizen', string]>;
}): Promise<WebStackWithSignIn> {
  const web = await startWebStack();
  try {
    const ds = web.stack.api.get(DataSource);
    const { token } = await new ApiTokenService(ds).issue({
      organisationId: organisationId(web.organisation.id),
      name: 'studio',
      role: 'designer',
    });
    const headers = { Authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const created = await fetch(`${web.base}/api/v1/services`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ ...options.service, organisationId: web.organisation.id }),
    });
    expect(created.status).toBe(201);
    const published = await fetch(`${web.base}/api/v1/services/${options.service.slug}/publish`, {
      method: 'POST',
      headers,
    });
    expect(published.status).toBe(201);
    const signedIn: Record<string, SessionClient> = {};
    for (const [name, [kind, identity]] of Object.entries(options.signIn ?? {}))
      signedIn[name] = await SessionClient.signIn(web.base, kind, identity);
    const browser = await launchBrowser();
    return {
      web,
      ds,
      browser,
      signedIn,
      async close() {
        await browser.close();
        await web.close();
      },
    };
  } catch (error) {
    // The caller never gets the stack to close: close it here.
    await web.close();
    throw error;
  }
}
