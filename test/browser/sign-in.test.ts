import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import { seedDemoAgents, seedDemoOrganisation } from '@guichet/persistence';
import { axeViolations, launchBrowser, type Browser } from '../support/browser';
import { signInEnv, startIdp, type RunningIdp } from '../support/idp';
import { ROOT, freePort } from '../support/processes';
import { startStack, type Stack } from '../support/stack';

/** A citizen and an agent sign in and out of the running app in Chromium, through the bundled provider. */
describe('sign-in in Chromium', () => {
  let idp: RunningIdp;
  let stack: Stack;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    if (!existsSync(join(ROOT, 'dist/web/index.html')))
      throw new Error('dist/web is missing: npm test builds it first');
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    idp = await startIdp({ redirectUris: [`${base}/auth/callback`], postLogoutRedirectUris: [`${base}/`] });
    stack = await startStack({
      backend: 'postgres',
      worker: false,
      env: {
        PORT: String(port),
        PUBLIC_URL: base,
        WEB_DIST_DIR: join(ROOT, 'dist/web'),
        ...signInEnv(idp.issuer, idp.secret),
      },
    });
    const ds = stack.api.get(DataSource);
    await seedDemoAgents(ds, (await seedDemoOrganisation(ds)).id);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
    await idp?.stop();
  });

  async function signInAndOut(page: Page, as: 'citizen' | 'agent', label: string, returnTo: string) {
    await page.goto(`${base}/auth/login?as=${as}&returnTo=${encodeURIComponent(returnTo)}`);
    await page.getByRole('group', { name: 'Identités de test' }).waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await page.getByLabel(label).check();
    await Promise.all([
      page.waitForURL(`${base}${returnTo}`),
      page.getByRole('button', { name: 'Se connecter' }).click(),
    ]);
    await page.getByRole('heading', { level: 1 }).waitFor();
    expect(await axeViolations(page)).toEqual([]);

    const me = await page.evaluate(async () => (await fetch('/api/v1/me')).json());
    const { redirectTo } = await page.evaluate(async () => {
      const token = /(?:^|; )csrf_token=([^;]+)/.exec(document.cookie)?.[1] ?? '';
      return (
        await fetch('/auth/logout', { method: 'POST', headers: { 'X-CSRF-Token': decodeURIComponent(token) } })
      ).json();
    });
    await page.goto(redirectTo);
    await page.getByRole('heading', { name: 'Se déconnecter' }).waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await Promise.all([page.waitForURL(`${base}/**`), page.getByRole('button', { name: 'Se déconnecter' }).click()]);
    const after = await page.evaluate(async () => (await fetch('/api/v1/me')).status);
    return { me, after };
  }

  it('a citizen signs in with FranceConnect-style identity, lands where they were, and signs out', async () => {
    const page = await browser.context.newPage();
    const { me, after } = await signInAndOut(page, 'citizen', 'Inés García López — née à l’étranger', '/mes-demarches');
    expect(me).toMatchObject({ kind: 'citizen', givenName: 'Inés', familyName: 'GARCÍA LÓPEZ' });
    expect(after).toBe(401);
    await page.close();
  });

  it('an agent signs in with their role and signs out', async () => {
    const page = await browser.context.newPage();
    const { me, after } = await signInAndOut(page, 'agent', 'Léa Fontaine — instructrice', '/instruction');
    expect(me).toMatchObject({ kind: 'agent', roles: [{ role: 'caseworker' }] });
    expect(after).toBe(401);
    await page.close();
  });
});
