import type { Page } from 'playwright-core';
import { startFakeApis, type RunningFakeApis } from '../../apps/fake-apis/src/fake-apis';
import { addressDefinition } from '../fixtures/address';
import { axeViolations, type Browser } from '../support/browser';
import { openCombobox, sendDraft, startDraft, startWebLookupStack, walkComboboxKeys } from '../support/lookup-browser';
import type { Stack } from '../support/stack';

/**
 * The address field in Chromium, with the keyboard only (issue 23), against
 * the bundled fake API Adresse: type, the results announced, arrows, Escape,
 * Entrée; the BAN's address stored with its id and point; axe-clean; then
 * with the lookup down, the address typed by hand and the request sent.
 */
describe('address field in the browser', () => {
  let fake: RunningFakeApis;
  let stack: Stack;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    fake = await startFakeApis();
    ({ stack, browser, base } = await startWebLookupStack({
      service: { slug: 'signalement-adresse', title: 'Signalement', definition: addressDefinition() },
      env: () => ({ ADRESSE_API_URL: fake.adresseUrl }),
    }));
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
    await fake?.close();
  });

  const start = (page: Page) =>
    startDraft(page, `${base}/demarches/signalement-adresse`, {
      field: { name: 'Objet du signalement' },
      text: 'Nid-de-poule',
    });

  const send = (page: Page, draftId: string) => sendDraft(page, stack, draftId);

  const status = (page: Page) => page.locator('[data-pointer="/lieu"] [role="status"][aria-live="polite"]');

  it('is walked with the keyboard: type, hear the count, arrows, Escape, Entrée; the BAN’s address is filed', async () => {
    const page = await browser.context.newPage();
    const draftId = await start(page);
    await page.keyboard.press('Tab');
    const combobox = page.getByRole('combobox', { name: 'Adresse (numéro, voie, commune)' });
    const { listbox, options } = await openCombobox(page, combobox, 'rue des tilleuls');
    const count = await options.count();
    expect(count).toBe(5);
    for (const text of await options.allTextContents())
      expect(text).toMatch(/Rue des Tilleuls Argentés 45000 Orléans$/);
    await expect(status(page).textContent()).resolves.toBe('5 adresses trouvées');
    expect(await axeViolations(page)).toEqual([]);

    // Arrows move the active option, the focus in the input; Escape closes, then empties.
    await walkComboboxKeys(combobox, options, 'rue des tilleuls');

    await page.keyboard.type('12 rue des tilleuls');
    await listbox.waitFor();
    await expect(options.first().textContent()).resolves.toBe('12 Rue des Tilleuls Argentés 45000 Orléans');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    expect(await combobox.getAttribute('aria-expanded')).toBe('false');
    expect(await combobox.inputValue()).toBe('12 Rue des Tilleuls Argentés 45000 Orléans');
    await expect(status(page).textContent()).resolves.toBe(
      'Adresse choisie : 12 Rue des Tilleuls Argentés 45000 Orléans',
    );
    expect(await axeViolations(page)).toEqual([]);
    const data = await send(page, draftId);
    expect(data.lieu).toEqual({
      label: '12 Rue des Tilleuls Argentés 45000 Orléans',
      numero: '12',
      voie: 'Rue des Tilleuls Argentés',
      codePostal: '45000',
      commune: 'Orléans',
      codeInsee: '45234',
      banId: '45234_a120_00012',
      lon: expect.any(Number),
      lat: expect.any(Number),
      provenance: 'Base Adresse Nationale',
    });
    await page.close();
  }, 90_000);

  it('lets the citizen type the address by hand when the lookup is down, and sends', async () => {
    const page = await browser.context.newPage();
    await page.route('**/api/v1/public/adresses**', (route) => route.abort('connectionrefused'));
    const draftId = await start(page);
    await page.keyboard.press('Tab');
    await page.keyboard.type('5 impasse des lilas');
    await page.getByLabel('Numéro et voie').waitFor();
    await expect(status(page).textContent()).resolves.toMatch(/ne répond pas/);
    expect(await page.getByLabel('Numéro et voie').inputValue()).toBe('5 impasse des lilas');
    // With the keyboard: the typed street, then the postcode and the commune.
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await expect(
      page.getByLabel('Code postal', { exact: true }).evaluate((el) => el === document.activeElement),
    ).resolves.toBe(true);
    await page.keyboard.type('45800');
    await page.keyboard.press('Tab');
    await page.keyboard.type('Saint-Jean-de-Braye');
    expect(await axeViolations(page)).toEqual([]);
    const data = await send(page, draftId);
    expect(data.lieu).toEqual({
      label: '5 impasse des lilas 45800 Saint-Jean-de-Braye',
      voie: '5 impasse des lilas',
      codePostal: '45800',
      commune: 'Saint-Jean-de-Braye',
      provenance: 'saisie par l’usager, non vérifiée',
    });
    await page.close();
  }, 90_000);
});
