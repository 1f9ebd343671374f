import type { Page } from 'playwright-core';
import { MISBEHAVING } from '../../apps/fake-apis/src/entreprises';
import { startFakeApis, type RunningFakeApis } from '../../apps/fake-apis/src/fake-apis';
import { siretDefinition } from '../fixtures/siret';
import { axeViolations, type Browser } from '../support/browser';
import { sendDraft, startDraft, startWebLookupStack } from '../support/lookup-browser';
import type { Stack } from '../support/stack';

/**
 * The SIRET field in Chromium, with the keyboard only (issue 23), against the
 * bundled fake API Recherche d'entreprises over HTTP: a valid SIRET fills the
 * block, its provenance shown and announced, a closed establishment flagged,
 * the locked values read-only; axe-clean. Then with the directory answering
 * garbage: the citizen types the values and the request is sent, unverified.
 */
describe('SIRET field in the browser', () => {
  let fake: RunningFakeApis;
  let stack: Stack;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    fake = await startFakeApis();
    ({ stack, browser, base } = await startWebLookupStack({
      service: { slug: 'subvention-asso', title: 'Subvention', definition: siretDefinition() },
      env: () => ({ ENTREPRISES_API_URL: fake.entreprisesUrl, ENTREPRISES_API_TIMEOUT_MS: '1000' }),
    }));
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
    await fake?.close();
  });

  const start = (page: Page) =>
    startDraft(page, `${base}/demarches/subvention-asso`, {
      field: { name: /^Objet de la demande/ },
      text: 'Fête de quartier',
    });

  const send = (page: Page, draftId: string) => sendDraft(page, stack, draftId);

  const status = (page: Page) => page.locator('[data-pointer="/structure"] [role="status"][aria-live="polite"]');
  const focused = (page: Page, label: RegExp) =>
    page.getByRole('textbox', { name: label }).evaluate((el) => el === document.activeElement);

  it('fills the block from the directory, flags a closed establishment, keeps locked values, and sends', async () => {
    const page = await browser.context.newPage();
    const draftId = await start(page);
    await page.keyboard.press('Tab');
    await expect(focused(page, /^Numéro SIRET/)).resolves.toBe(true);

    // A closed establishment first: filled, flagged, announced.
    await page.keyboard.type('912 345 675 00025');
    await page.waitForFunction(() =>
      /Établissement trouvé/.test(
        document.querySelector('[data-pointer="/structure"] [role="status"]')?.textContent ?? '',
      ),
    );
    await expect(status(page).textContent()).resolves.toMatch(/BOULANGERIE DU MAIL.*fermé/);
    await page.getByText('Établissement fermé', { exact: true }).waitFor();
    await page.getByText(/^Fourni par le répertoire Sirene de l’INSEE/).waitFor();
    const name = page.getByRole('textbox', { name: /^Raison sociale/ });
    expect(await name.inputValue()).toBe('BOULANGERIE DU MAIL');
    expect(await name.getAttribute('readonly')).not.toBeNull();
    expect(await page.getByRole('textbox', { name: /^État/ }).inputValue()).toBe('Fermé');
    expect(await axeViolations(page)).toEqual([]);

    // Another SIRET, the association's: the block follows, the flag goes.
    await page.keyboard.press('Control+A');
    await page.keyboard.type('84512345400017');
    await page.waitForFunction(() =>
      /LES AMIS DU LOIRET/.test(
        document.querySelector('[data-pointer="/structure"] [role="status"]')?.textContent ?? '',
      ),
    );
    expect(await page.getByText('Établissement fermé', { exact: true }).count()).toBe(0);
    expect(await page.getByRole('textbox', { name: /^Forme juridique/ }).inputValue()).toBe('Association déclarée');
    // The address is not locked: the citizen may correct it.
    await page.keyboard.press('Tab');
    await expect(focused(page, /^Raison sociale/)).resolves.toBe(true);
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await expect(focused(page, /^Adresse/)).resolves.toBe(true);
    await page.keyboard.press('End');
    await page.keyboard.type(' (BUREAU 2)');
    expect(await axeViolations(page)).toEqual([]);
    const data = await send(page, draftId);
    expect(data.structure).toEqual({
      siret: '84512345400017',
      raisonSociale: 'LES AMIS DU LOIRET',
      formeJuridique: 'Association déclarée',
      adresse: '5 RUE DES FRANCS BOURGEOIS 45000 ORLEANS (BUREAU 2)',
      codeNaf: '94.99Z',
      etat: 'Actif',
      provenance: 'Répertoire Sirene (INSEE), modifiée par l’usager',
    });
    await page.close();
  }, 90_000);

  it('lets the citizen type the values when the directory answers garbage, and sends them unverified', async () => {
    const page = await browser.context.newPage();
    const draftId = await start(page);
    await page.keyboard.press('Tab');
    await page.keyboard.type(MISBEHAVING.garbage);
    await page.waitForFunction(() =>
      /ne répond pas/.test(document.querySelector('[data-pointer="/structure"] [role="status"]')?.textContent ?? ''),
    );
    // Said on the page too, not only to screen readers.
    await page.locator('[data-pointer="/structure"] .notice--warning', { hasText: /ne répond pas/ }).waitFor();
    await page.keyboard.press('Tab');
    await expect(focused(page, /^Raison sociale/)).resolves.toBe(true);
    expect(await page.getByRole('textbox', { name: /^Raison sociale/ }).getAttribute('readonly')).toBeNull();
    await page.keyboard.type('Le Comité des fêtes');
    expect(await axeViolations(page)).toEqual([]);
    const data = await send(page, draftId);
    expect(data.structure).toEqual({
      siret: MISBEHAVING.garbage,
      raisonSociale: 'Le Comité des fêtes',
      provenance: 'Saisie par l’usager, non vérifiée',
    });
    await page.close();
  }, 90_000);
});
