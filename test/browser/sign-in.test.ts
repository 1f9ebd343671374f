import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import { seedDemoAgents, seedDemoOrganisation } from '@guichet/persistence';
import { canteenDefinition, validCanteenData } from '../fixtures/canteen';
import { axeViolations, launchBrowser, type Browser } from '../support/browser';
import { signInEnv, startIdp, type RunningIdp } from '../support/idp';
import { ROOT, freePort } from '../support/processes';
import { startStack, type Stack } from '../support/stack';
import { createTenant, publishService } from '../support/tenant';

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

  it('shows an accessible refusal page and an accessible receipt', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${base}/auth/callback?code=forged&state=forged`);
    await page.getByRole('heading', { name: 'La connexion n’a pas abouti' }).waitFor();
    expect(await axeViolations(page)).toEqual([]);

    const designer = await createTenant(stack);
    await publishService(stack.url, designer, {
      slug: 'cantine-recu',
      title: 'Cantine',
      definition: canteenDefinition(),
    });
    await page.goto(`${base}/mes-demarches`);
    const id = await page.evaluate(async (data) => {
      const csrf = () => decodeURIComponent(/(?:^|; )csrf_token=([^;]+)/.exec(document.cookie)?.[1] ?? '');
      const headers = () => ({ 'content-type': 'application/json', 'x-csrf-token': csrf() });
      const draft = await (
        await fetch('/api/v1/public/services/cantine-recu/submissions', {
          method: 'POST',
          headers: headers(),
          body: JSON.stringify({ data }),
        })
      ).json();
      await fetch(`/api/v1/submissions/${draft.id}/submit`, { method: 'POST', headers: headers(), body: '{}' });
      return draft.id as string;
    }, validCanteenData());
    await page.goto(`${base}/api/v1/submissions/${id}/receipt.html`);
    await page.getByRole('heading', { name: 'Accusé de réception' }).waitFor();
    expect(await axeViolations(page)).toEqual([]);
    expect(await page.getAttribute('html', 'lang')).toBe('fr');
    await page.close();
  });
});
