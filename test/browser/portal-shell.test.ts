import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { axeViolations, launchBrowser, type Browser } from '../support/browser';
import { ROOT } from '../support/processes';
import { startStack, type Stack } from '../support/stack';

/**
 * The web shell every journey starts from, in a real Chromium: accessible
 * (axe finds nothing; skip link and focus work; French), readable at 320 px,
 * and loading nothing from outside the installation.
 */
describe('web shell in Chromium', () => {
  let stack: Stack;
  let browser: Browser;
  let page: Page;
  const foreignRequests: string[] = [];

  beforeAll(async () => {
    if (!existsSync(join(ROOT, 'dist/web/index.html')))
      throw new Error('dist/web is missing: npm test builds it first');
    stack = await startStack({ backend: 'postgres', worker: false, env: { WEB_DIST_DIR: join(ROOT, 'dist/web') } });
    browser = await launchBrowser({ width: 320, height: 640 });
    page = await browser.context.newPage();
    page.on('request', (req) => {
      if (!req.url().startsWith(stack.url) && !req.url().startsWith('data:')) foreignRequests.push(req.url());
    });
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it.each([
    ['/', 'Démarches en ligne', 'Démarches en ligne'],
    ['/demarches/signaler-un-nid-de-poule', 'Démarche introuvable', 'Démarche introuvable'],
    ['/mes-demarches', 'Mes démarches', 'Mes démarches'],
    ['/studio', 'Studio de conception des démarches', 'Studio'],
    ['/instruction', 'Instruction des demandes', 'Instruction'],
  ])('%s has no axe violation, a French title and one h1', async (path, heading, title) => {
    await page.goto(`${stack.url}${path}`);
    await page.getByRole('heading', { level: 1, name: heading }).waitFor();
    expect(await axeViolations(page)).toEqual([]);
    expect(await page.getAttribute('html', 'lang')).toBe('fr');
    // The page's own title first (a sign-in page may say so after it), then the site.
    expect(await page.title()).toMatch(new RegExp(`^${title}( — [^—]+)? — Guichet$`));
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(heading);
    expect(await page.locator('h1').count()).toBe(1);
  });

  it('lets a keyboard user skip to the content', async () => {
    await page.goto(`${stack.url}/`);
    // Once the page is drawn (the app renders it after the load event): a Tab pressed before lands on nothing, as a
    // person's would before the page shows (CI's clean clone, under load, pressed it that early once).
    await page.getByRole('heading', { level: 1, name: 'Démarches en ligne' }).waitFor();
    await page.keyboard.press('Tab');
    const skip = page.getByRole('link', { name: 'Aller au contenu' });
    await expect(skip.evaluate((el) => el === document.activeElement)).resolves.toBe(true);
    // Visible when focused (WCAG 2.4.7), not only present.
    const box = await skip.boundingBox();
    expect(box && box.x >= 0 && box.width > 0).toBe(true);
    await page.keyboard.press('Enter');
    await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('contenu');
  });

  it('fits a 320 px screen without horizontal scrolling', async () => {
    await page.goto(`${stack.url}/mes-demarches`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
  });

  // The check every browser suite relies on can fail: on a page with a violation of each kind it names them.
  it('axe, as the suites run it, finds what is wrong on a faulty page', async () => {
    const faulty = await browser.context.newPage();
    await faulty.setContent(
      '<html><head><title>x</title></head><body><main><input type="text"><img src="data:,"></main></body></html>',
    );
    const found = (await axeViolations(faulty)).map((v) => v.split(':')[0]);
    await faulty.close();
    expect(found).toEqual(expect.arrayContaining(['html-has-lang', 'label', 'image-alt']));
  });

  it('loaded nothing from a third party', () => {
    expect(foreignRequests).toEqual([]);
  });
});
