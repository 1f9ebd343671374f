import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { axeViolations, launchBrowser, type Browser } from '../support/browser';
import { startIdp, type RunningIdp } from '../support/idp';

/** The bundled provider's login page, in Chromium: accessible, usable with the keyboard alone. */
describe('identity provider login page in Chromium', () => {
  let idp: RunningIdp;
  let browser: Browser;
  let page: Page;
  let issuer: string;
  let redirectUri: string;
  let relyingParty: Server;

  beforeAll(async () => {
    // Stands in for the relying party's callback: the provider must land the citizen there.
    relyingParty = createServer((_req, res) =>
      res.writeHead(200, { 'content-type': 'text/html' }).end('<html lang="fr"><title>retour</title></html>'),
    );
    await new Promise<void>((resolve) => relyingParty.listen(0, '127.0.0.1', resolve));
    redirectUri = `http://127.0.0.1:${(relyingParty.address() as AddressInfo).port}/auth/callback`;
    idp = await startIdp({ redirectUris: [redirectUri], postLogoutRedirectUris: ['http://127.0.0.1/'] });
    issuer = idp.issuer;
    browser = await launchBrowser({ width: 320, height: 700 });
    page = await browser.context.newPage();
    // The relying party is not running here: answer its callback ourselves.
    await page.route(`${redirectUri}**`, (route) =>
      route.fulfill({ status: 200, contentType: 'text/html', body: '<html lang="fr"><title>retour</title></html>' }),
    );
  });
  afterAll(async () => {
    await browser?.close();
    await idp?.stop();
    relyingParty?.close();
  });

  it('has no axe violation and signs in with the keyboard alone', async () => {
    const url = `${issuer}/authorize?${new URLSearchParams({
      response_type: 'code',
      client_id: 'guichet-usagers',
      redirect_uri: redirectUri,
      scope: 'openid given_name family_name',
      state: 'etat-navigateur',
      nonce: randomBytes(32).toString('base64url'),
      acr_values: 'eidas1',
    })}`;
    await page.goto(url);
    await page.getByRole('heading', { level: 1 }).waitFor();
    expect(await axeViolations(page)).toEqual([]);
    expect(await page.getAttribute('html', 'lang')).toBe('fr');
    // The choices are a group with a name, read before the options.
    await expect(page.getByRole('group', { name: 'Identités de test' }).count()).resolves.toBe(1);

    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.type);
    expect(focused).toBe('radio');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Space');
    const chosen = await page.evaluate(
      () => (document.querySelector('input[name=identity]:checked') as HTMLInputElement | null)?.value,
    );
    expect(chosen).toBe('citoyen-jean-pierre-lefevre');
    await Promise.all([page.waitForURL(`${redirectUri}**`), page.keyboard.press('Enter')]);
    const back = new URL(page.url());
    expect(back.searchParams.get('state')).toBe('etat-navigateur');
    expect(back.searchParams.get('code')).toBeTruthy();
  });
});
