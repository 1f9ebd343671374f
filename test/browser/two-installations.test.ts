import { sessionCookieName } from '@guichet/config';
import type { Page } from 'playwright-core';
import { canteenDefinition, validCanteenData } from '../fixtures/canteen';
import { axeViolations, launchBrowser, type Browser } from '../support/browser';
import { createTenant, publishService } from '../support/tenant';
import { startWebStack, type WebStack } from '../support/web-stack';

/**
 * Thomas tries a second installation on his laptop next to the first (another clone, another port, its own
 * database and identity provider) and uses both in the same browser. Browsers keep cookies by host, not by port:
 * neither installation may sign him out of the other, nor lose the anonymous draft a session holds there.
 */
describe('two installations on one machine, one browser', () => {
  let one: WebStack;
  let two: WebStack;
  let browser: Browser;

  beforeAll(async () => {
    [one, two] = await Promise.all([startWebStack(), startWebStack()]);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await Promise.all([one?.close(), two?.close()]);
  });

  async function signIn(page: Page, stack: WebStack, as: 'citizen' | 'agent', label: string, returnTo: string) {
    await page.goto(`${stack.base}/auth/login?as=${as}&returnTo=${encodeURIComponent(returnTo)}`);
    await page.getByRole('group', { name: 'Identités de test' }).waitFor();
    await page.getByLabel(label).check();
    await Promise.all([
      page.waitForURL(`${stack.base}${returnTo}`),
      page.getByRole('button', { name: 'Se connecter' }).click(),
    ]);
    await page.getByRole('heading', { level: 1 }).waitFor();
    expect(await axeViolations(page)).toEqual([]);
  }

  /** Who the installation at the page's origin says is signed in (null: nobody). */
  const me = (page: Page) =>
    page.evaluate(async () => {
      const response = await fetch('/api/v1/me');
      return response.ok ? ((await response.json()) as { kind: string; givenName: string }) : null;
    });

  it('keeps each installation’s session and anonymous draft while the other is used', async () => {
    const designer = await createTenant(two.stack);
    await publishService(two.stack.url, designer, {
      slug: 'cantine',
      title: 'Cantine',
      definition: canteenDefinition(),
    });
    const page = await browser.context.newPage();

    // An anonymous draft on the second installation, held by its session.
    await page.goto(`${two.base}/demarches/cantine`);
    await page.getByRole('heading', { level: 1 }).waitFor();
    expect(await axeViolations(page)).toEqual([]);
    const draft = await page.evaluate(async (data) => {
      const csrf = decodeURIComponent(/(?:^|; )csrf_token=([^;]+)/.exec(document.cookie)?.[1] ?? '');
      const response = await fetch('/api/v1/public/services/cantine/submissions', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': csrf },
        body: JSON.stringify({ data }),
      });
      return ((await response.json()) as { id: string }).id;
    }, validCanteenData());

    // Signed in as a citizen on the first, then as an agent on the second.
    await signIn(page, one, 'citizen', 'Inés García López — née à l’étranger', '/mes-demarches');
    expect(await me(page)).toMatchObject({ kind: 'citizen', givenName: 'Inés' });
    await page.goto(`${two.base}/`);
    const draftThere = await page.evaluate(async (id) => (await fetch(`/api/v1/submissions/${id}`)).status, draft);
    expect(draftThere).toBe(200);
    await signIn(page, two, 'agent', 'Léa Fontaine — instructrice', '/instruction');
    expect(await me(page)).toMatchObject({ kind: 'agent' });

    // Back on the first: still the citizen.
    await page.goto(`${one.base}/mes-demarches`);
    await page.getByRole('heading', { level: 1 }).waitFor();
    expect(await me(page)).toMatchObject({ kind: 'citizen', givenName: 'Inés' });
    const cookies = (await browser.context.cookies()).map((cookie) => cookie.name);
    const names = [sessionCookieName(one.stack.config), sessionCookieName(two.stack.config)];
    expect(names[0]).not.toBe(names[1]);
    expect(cookies).toEqual(expect.arrayContaining(names));
    await page.close();
  });
});
