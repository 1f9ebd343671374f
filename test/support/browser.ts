import { AxeBuilder } from '@axe-core/playwright';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

// Without the networking flags Chromium tries to reach Google at start and fails noisily here.
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** Debian's Chromium in a fresh profile; never a downloaded browser. */
export async function launchBrowser(options: { width?: number; height?: number } = {}): Promise<Browser> {
  const profile = await mkdtemp(join(tmpdir(), 'guichet-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    locale: 'fr-FR',
    viewport: { width: options.width ?? 1280, height: options.height ?? 800 },
  });
  return {
    context,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/**
 * RGAA 4.1 rests on WCAG 2.1 AA: those are the rules axe runs. In the page itself (legacy mode): our pages have no
 * frames, and the default mode opens a blank page for every check to merge frames' results (half of each check's
 * time, which the browser tier spends hundreds of times).
 */
export async function axeViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page })
    .setLegacyMode(true)
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  return results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

/**
 * axe finds nothing on `page`; a failure names `where` (the step, the state of the page) beside the violations, so
 * that a file checking many pages says which one failed.
 */
export async function expectAccessible(page: Page, where: string): Promise<void> {
  expect({ where, violations: await axeViolations(page) }).toEqual({ where, violations: [] });
}

/** On the bundled provider's page: pick a test identity, sign in, and land on `url`. */
export async function chooseTestIdentity(page: Page, label: string, url: string): Promise<void> {
  await page.getByRole('group', { name: 'Identités de test' }).waitFor();
  await page.getByLabel(label).check();
  await Promise.all([page.waitForURL(url), page.getByRole('button', { name: 'Se connecter' }).click()]);
  // Back on the page, drawn by the server first where it is a service or form page: its live page is what follows.
  await untilLive(page);
}

/**
 * Waits until the app has replaced the server's drawing of a service or form page (a disabled region that says it is
 * busy, apps/web/src/server/form-preview.tsx) with the live page, as a screen reader user waits for `aria-busy` to
 * end; at once on a page without one. Loaded by address, such a page shows its title, and a disabled « Commencer »,
 * before it knows who is signed in.
 */
export async function untilLive(page: Page): Promise<void> {
  await page.locator('fieldset.preview[aria-busy="true"]').waitFor({ state: 'detached' });
}
