import type { Page } from 'playwright-core';
import { communeDefinition } from '../fixtures/commune';
import { axeViolations, type Browser } from '../support/browser';
import { openCombobox, sendDraft, startDraft, startWebLookupStack, walkComboboxKeys } from '../support/lookup-browser';
import type { Stack } from '../support/stack';

/**
 * The commune field in Chromium, with the keyboard only (issue 23): type,
 * the results announced, arrows, Escape, Entrée; axe-clean open and closed;
 * then with the search route down, the commune typed by hand and the request
 * sent all the same.
 */
describe('commune field in the browser', () => {
  let stack: Stack;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    ({ stack, browser, base } = await startWebLookupStack({
      service: { slug: 'commune-famille', title: 'Famille', definition: communeDefinition() },
    }));
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  const start = (page: Page) =>
    startDraft(page, `${base}/demarches/commune-famille`, { field: { name: 'Nom', exact: true }, text: 'Dubois' });

  const send = (page: Page, draftId: string) => sendDraft(page, stack, draftId);

  it('is walked with the keyboard: type, hear the count, arrows, Escape, Entrée', async () => {
    const page = await browser.context.newPage();
    const draftId = await start(page);
    await page.keyboard.press('Tab');
    const combobox = page.getByRole('combobox', { name: 'Nom ou code postal de la commune' });
    const { listbox, options } = await openCombobox(page, combobox, 'st jean de b');
    const count = await options.count();
    expect(count).toBeGreaterThan(0);
    // Restricted to the Loiret: every choice says so, and the polite region says how many.
    for (const text of await options.allTextContents()) expect(text).toMatch(/Loiret$/);
    await expect(
      page.locator('[data-pointer="/commune"] [role="status"][aria-live="polite"]').textContent(),
    ).resolves.toBe(count === 1 ? '1 commune trouvée' : `${count} communes trouvées`);
    expect(await axeViolations(page)).toEqual([]);

    // Arrows move the active option, the focus in the input; Escape closes, then empties.
    await walkComboboxKeys(combobox, options, 'st jean de b');

    // By postcode this time, then Entrée chooses.
    await page.keyboard.type('45000');
    await listbox.waitFor();
    await expect(options.first().textContent()).resolves.toBe('Orléans (45000) — Loiret');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    expect(await combobox.getAttribute('aria-expanded')).toBe('false');
    expect(await combobox.inputValue()).toBe('Orléans (45000)');
    await expect(
      page.locator('[data-pointer="/commune"] [role="status"][aria-live="polite"]').textContent(),
    ).resolves.toMatch(/^Commune choisie : Orléans \(45000\)/);
    expect(await axeViolations(page)).toEqual([]);
    const data = await send(page, draftId);
    expect(data.commune).toEqual({ codeInsee: '45234', nom: 'Orléans', codePostal: '45000' });
    await page.close();
  }, 90_000);

  it('lets the citizen type the commune by hand when the search is down, and sends', async () => {
    const page = await browser.context.newPage();
    await page.route('**/api/v1/public/communes**', (route) => route.abort('connectionrefused'));
    const draftId = await start(page);
    await page.keyboard.press('Tab');
    await page.keyboard.type('orleans');
    const status = page.locator('[data-pointer="/commune"] [role="status"][aria-live="polite"]');
    await page.getByLabel('Nom de la commune').waitFor();
    await expect(status.textContent()).resolves.toMatch(/ne répond pas/);
    // What was typed is already the commune's name; the postcode remains.
    expect(await page.getByLabel('Nom de la commune').inputValue()).toBe('orleans');
    // With the keyboard: the typed name, then the postcode.
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await expect(
      page.getByLabel('Code postal', { exact: true }).evaluate((el) => el === document.activeElement),
    ).resolves.toBe(true);
    await page.keyboard.type('45000');
    expect(await axeViolations(page)).toEqual([]);
    const data = await send(page, draftId);
    // Completed by the server: the postcode and the name designate one commune.
    expect(data.commune).toEqual({ codeInsee: '45234', nom: 'Orléans', codePostal: '45000' });
    await page.close();
  }, 90_000);
});
