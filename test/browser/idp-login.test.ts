import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { axeViolations, launchBrowser, type Browser } from '../support/browser';
import { DIST, GiveUp, collectOutput, freePort, stopProcess, waitUntil } from '../support/processes';

/** The bundled provider's login page, in Chromium: accessible, usable with the keyboard alone. */
describe('identity provider login page in Chromium', () => {
  let idp: ChildProcess;
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
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    issuer = `${base}/api/v2`;
    idp = spawn(process.execPath, [join(DIST, 'apps', 'idp', 'src', 'main.js')], {
      env: {
        ...process.env,
        IDP_PORT: String(port),
        IDP_PUBLIC_URL: base,
        IDP_CLIENT_SECRET: randomBytes(32).toString('base64url'),
        IDP_REDIRECT_URIS: redirectUri,
        DATA_DIR: mkdtempSync(join(tmpdir(), 'guichet-idp-')),
      },
    });
    const output = collectOutput(idp);
    await waitUntil('identity provider', 20_000, () => {
      if (idp.exitCode !== null) throw new GiveUp(output.text());
      return output.text().includes('"listening"') || undefined;
    });
    browser = await launchBrowser({ width: 320, height: 700 });
    page = await browser.context.newPage();
    // The relying party is not running here: answer its callback ourselves.
    await page.route(`${redirectUri}**`, (route) =>
      route.fulfill({ status: 200, contentType: 'text/html', body: '<html lang="fr"><title>retour</title></html>' }),
    );
  });
  afterAll(async () => {
    await browser?.close();
    if (idp) await stopProcess(idp);
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
