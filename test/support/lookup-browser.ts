import { join } from 'node:path';
import { existsSync } from 'node:fs';
import type { Locator, Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import { Submission } from '@guichet/persistence';
import { launchBrowser, untilLive, type Browser } from './browser';
import type { LookupService } from './lookup-e2e';
import { ROOT, freePort } from './processes';
import { startStack, type Stack } from './stack';
import { createTenant, publishService } from './tenant';

/**
 * The harness the lookup fields' browser tests share (issue 19): the built
 * web app served by a stack with one published service, a draft started and
 * sent with the keyboard only, and the stored request read back.
 */

export interface WebLookupStack {
  stack: Stack;
  browser: Browser;
  /** The public address the stack and the web app answer on. */
  base: string;
}

export interface WebLookupStackOptions {
  service: LookupService;
  /** The stack's extra variables, given its public address (an identity provider needs it first). */
  env?: (base: string) => Record<string, string> | Promise<Record<string, string>>;
  /** Where the rate limiter's counters and the queue live: PostgreSQL unless said otherwise. */
  backend?: 'postgres' | 'redis';
}

/** The first question of a form, typed when the draft starts. */
export interface FirstAnswer {
  field: { name: string | RegExp; exact?: boolean };
  text: string;
}

/** Serves dist/web from a stack (on PostgreSQL unless said otherwise) without worker, publishes the service, and launches Chromium. */
export async function startWebLookupStack(options: WebLookupStackOptions): Promise<WebLookupStack> {
  if (!existsSync(join(ROOT, 'dist/web/index.html'))) throw new Error('dist/web is missing: npm run build:web');
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const extra = options.env ? await options.env(base) : {};
  const stack = await startStack({
    backend: options.backend ?? 'postgres',
    worker: false,
    env: { PORT: String(port), PUBLIC_URL: base, WEB_DIST_DIR: join(ROOT, 'dist/web'), ...extra },
  });
  try {
    const designer = await createTenant(stack);
    await publishService(stack.url, designer, options.service);
    return { stack, browser: await launchBrowser(), base };
  } catch (error) {
    // The caller never gets the stack to close: close it here.
    await stack.close();
    throw error;
  }
}

/**
 * The file's stack, set up and torn down by the hooks this registers (call it in the `describe`): started before
 * the tests, within `timeout` (jest's own when not given), Chromium and the stack closed after them. The object
 * it returns is filled in once started: read `stack`, `browser` and `base` from it in the tests.
 */
export function useWebLookupStack(options: WebLookupStackOptions, timeout?: number): WebLookupStack {
  const web = {} as WebLookupStack;
  beforeAll(async () => {
    Object.assign(web, await startWebLookupStack(options));
  }, timeout);
  afterAll(async () => {
    await web.browser?.close();
    await web.stack?.close();
  });
  return web;
}

/** Focuses the button and presses Entrée, as a keyboard user does. */
export async function pressEnterOn(page: Page, name: string | RegExp): Promise<void> {
  await page.getByRole('button', { name }).focus();
  await page.keyboard.press('Enter');
}

/** On a service's page: begins a draft with the keyboard (« Commencer »); the draft's id. */
export async function commence(page: Page): Promise<string> {
  await pressEnterOn(page, /^Commencer/);
  await page.waitForURL(/brouillon=/);
  return new URL(page.url()).searchParams.get('brouillon')!;
}

/** Opens a service's page, waits for the app, and begins a draft with the keyboard; the draft's id. */
export async function openDraft(page: Page, serviceUrl: string): Promise<string> {
  await page.goto(serviceUrl);
  await untilLive(page);
  return commence(page);
}

/** On a service's page: begins a draft with the keyboard, types the first answer; the draft's id. */
export async function beginDraft(page: Page, first: FirstAnswer): Promise<string> {
  const id = await commence(page);
  await page.getByRole('textbox', first.field).focus();
  await page.keyboard.type(first.text);
  return id;
}

/** Opens the service's page and begins a draft; a step that does not come fails inside the test's time. */
export async function startDraft(page: Page, serviceUrl: string, first: FirstAnswer): Promise<string> {
  page.setDefaultTimeout(15_000);
  await page.goto(serviceUrl);
  await untilLive(page);
  return beginDraft(page, first);
}

/** Continues to the summary, sends with the keyboard, and reads the stored request back: its data. */
export async function sendDraft(page: Page, stack: Stack, draftId: string): Promise<Record<string, unknown>> {
  await pressEnterOn(page, /^Continuer/);
  await page.locator('h2.step-title', { hasText: 'Vérifiez vos réponses' }).waitFor();
  await pressEnterOn(page, /^Envoyer ma demande/);
  await page.getByRole('heading', { level: 1, name: 'Votre demande a bien été envoyée' }).waitFor();
  const stored = await stack.api.get(DataSource).getRepository(Submission).findOneByOrFail({ id: draftId });
  expect(stored.status).toBe('submitted');
  return stored.data as Record<string, unknown>;
}

/**
 * Types into a combobox that has the focus and waits for its list: expanded, and naming the list it controls.
 * The list and its options.
 */
export async function openCombobox(page: Page, combobox: Locator, text: string) {
  // Run in the page; this file is also type-checked without the DOM's types (the root tsconfig).
  const focused = (el: unknown) =>
    el === (globalThis as unknown as { document: { activeElement: unknown } }).document.activeElement;
  await expect(combobox.evaluate(focused)).resolves.toBe(true);
  expect(await combobox.getAttribute('aria-expanded')).toBe('false');
  await page.keyboard.type(text);
  const listbox = page.getByRole('listbox');
  await listbox.waitFor();
  expect(await combobox.getAttribute('aria-expanded')).toBe('true');
  expect(await combobox.getAttribute('aria-controls')).toBe(await listbox.getAttribute('id'));
  return { listbox, options: listbox.getByRole('option') };
}

/**
 * The combobox pattern walked with the keyboard on an open list (WAI-ARIA APG): the arrows move the active option
 * while the focus stays in the input, Escape closes the list and keeps the text typed, a second Escape empties it.
 */
export async function walkComboboxKeys(combobox: Locator, options: Locator, typed: string): Promise<void> {
  const page = combobox.page();
  expect(await combobox.getAttribute('aria-activedescendant')).toBeNull();
  await page.keyboard.press('ArrowDown');
  const first = await options.nth(0).getAttribute('id');
  expect(await combobox.getAttribute('aria-activedescendant')).toBe(first);
  expect(await options.nth(0).getAttribute('aria-selected')).toBe('true');
  if ((await options.count()) > 1) {
    await page.keyboard.press('ArrowDown');
    expect(await combobox.getAttribute('aria-activedescendant')).toBe(await options.nth(1).getAttribute('id'));
    await page.keyboard.press('ArrowUp');
    expect(await combobox.getAttribute('aria-activedescendant')).toBe(first);
  }
  await page.keyboard.press('Escape');
  expect(await combobox.getAttribute('aria-expanded')).toBe('false');
  expect(await combobox.getAttribute('aria-activedescendant')).toBeNull();
  expect(await combobox.inputValue()).toBe(typed);
  await page.keyboard.press('Escape');
  expect(await combobox.inputValue()).toBe('');
}
