import type { Page } from 'playwright-core';
import { startMailCatcher, type MailCatcher } from '@guichet/mail-catcher';
import { canteenDefinition, validCanteenData } from '../fixtures/canteen';
import { axeViolations, launchBrowser, type Browser } from '../support/browser';
import { CookieClient } from '../support/browserless';
import { startStack, type Stack } from '../support/stack';
import { createTenant, publishService } from '../support/tenant';

/**
 * The pages an operator opens at 2 a.m. and a developer opens every day: the
 * queues dashboard and the mail catcher, in a real Chromium, with axe, and
 * loading nothing from elsewhere.
 */
describe('operator pages in Chromium', () => {
  let stack: Stack;
  let mail: MailCatcher;
  let browser: Browser;
  let page: Page;
  const foreign: string[] = [];

  beforeAll(async () => {
    mail = await startMailCatcher({ smtpPort: 0, httpPort: 0 });
    // Receipts with their PDF attached: the catcher's page is shown with an attachment.
    stack = await startStack({
      backend: 'redis',
      env: { SMTP_URL: `smtp://127.0.0.1:${mail.smtpPort}`, RECEIPT_EMAIL: 'pdf' },
    });
    const designer = await createTenant(stack);
    await publishService(stack.url, designer, {
      slug: 'cantine-ops',
      title: 'Cantine',
      definition: canteenDefinition(),
    });
    // One real email with a PDF attachment, so the catcher's pages have content.
    const citizen = new CookieClient();
    const call = async (path: string, body: unknown) => {
      const csrf = citizen.cookie(stack.url, 'csrf_token');
      const response = await citizen.request(`${stack.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(csrf ? { 'x-csrf-token': csrf } : {}) },
        body: JSON.stringify(body),
      });
      return (await response.json()) as { id: string; reference: string };
    };
    const draft = await call('/api/v1/public/services/cantine-ops/submissions', { data: validCanteenData() });
    const { reference } = await call(`/api/v1/submissions/${draft.id}/submit`, {});
    await mail.waitFor((m) => m.text.includes(reference), 20_000);

    browser = await launchBrowser({ width: 320, height: 640 });
    page = await browser.context.newPage();
    page.on('request', (req) => {
      const url = req.url();
      if (
        !url.startsWith(stack.url) &&
        !url.startsWith(`http://127.0.0.1:${mail.httpPort}`) &&
        !url.startsWith('data:')
      )
        foreign.push(url);
    });
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
    await mail?.close();
  });

  it('shows admins the queues page, accessible and French', async () => {
    const admin = await createTenant(stack, 'admin');
    await page.setExtraHTTPHeaders({ authorization: admin.auth });
    try {
      await page.goto(`${stack.url}/admin/queues`);
      expect(await axeViolations(page)).toEqual([]);
      expect(await page.getAttribute('html', 'lang')).toBe('fr');
      expect(await page.title()).toBe('Files de travaux — Guichet');
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Files de travaux');
      const table = page.getByRole('table', { name: 'Travaux par file et par état' });
      await expect(table.getByRole('rowheader', { name: 'Courriels' }).count()).resolves.toBe(1);
      await expect(table.getByRole('columnheader', { name: 'En échec' }).count()).resolves.toBe(1);
    } finally {
      await page.setExtraHTTPHeaders({});
    }
  });

  it('lists caught mails and shows one with its attachment, accessible', async () => {
    await page.goto(`http://127.0.0.1:${mail.httpPort}/`);
    expect(await axeViolations(page)).toEqual([]);
    expect(await page.getAttribute('html', 'lang')).toBe('fr');
    await page
      .getByRole('link', { name: /Votre demande GCH-.* a bien été déposée/ })
      .first()
      .click();
    await page.waitForLoadState();
    expect(await axeViolations(page)).toEqual([]);
    await expect(page.getByRole('link', { name: /accuse-de-reception-GCH-.*\.pdf/ }).count()).resolves.toBe(1);
    expect(foreign).toEqual([]);
  });
});
