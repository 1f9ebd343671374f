import type { Page } from 'playwright-core';
import { MISBEHAVING_RNA } from '../../apps/fake-apis/src/associations';
import { startFakeApis, type RunningFakeApis } from '../../apps/fake-apis/src/fake-apis';
import { rnaDefinition } from '../fixtures/rna';
import { axeViolations, type Browser } from '../support/browser';
import { sendDraft, startDraft, startWebLookupStack } from '../support/lookup-browser';
import type { Stack } from '../support/stack';

/**
 * The RNA field in Chromium, with the keyboard only (issue 23), against the
 * bundled fake of API Entreprise's associations over HTTP: a well-formed
 * number fills the block, its provenance shown and announced, a dissolved
 * association flagged, the locked values read-only; axe-clean. Then with the
 * registry answering garbage: the citizen types the values and the request
 * is sent, unverified.
 */
describe('RNA field in the browser', () => {
  let fake: RunningFakeApis;
  let stack: Stack;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    fake = await startFakeApis();
    ({ stack, browser, base } = await startWebLookupStack({
      service: { slug: 'subvention-rna', title: 'Subvention', definition: rnaDefinition() },
      env: () => ({ ASSOCIATIONS_API_URL: fake.associationsUrl, ASSOCIATIONS_API_TIMEOUT_MS: '1000' }),
    }));
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
    await fake?.close();
  });

  const start = (page: Page) =>
    startDraft(page, `${base}/demarches/subvention-rna`, {
      field: { name: /^Objet de la demande/ },
      text: 'Sorties nature',
    });

  const send = (page: Page, draftId: string) => sendDraft(page, stack, draftId);

  const statusText = (page: Page) =>
    page.locator('[data-pointer="/association"] [role="status"][aria-live="polite"]').textContent();
  const waitStatus = (page: Page, pattern: RegExp) =>
    page.waitForFunction(
      (source) =>
        new RegExp(source).test(
          document.querySelector('[data-pointer="/association"] [role="status"]')?.textContent ?? '',
        ),
      pattern.source,
    );
  const focused = (page: Page, label: RegExp) =>
    page.getByRole('textbox', { name: label }).evaluate((el) => el === document.activeElement);

  it('fills the block from the registry, flags a dissolved association, keeps locked values, and sends', async () => {
    const page = await browser.context.newPage();
    const draftId = await start(page);
    await page.keyboard.press('Tab');
    await expect(focused(page, /^Numéro RNA/)).resolves.toBe(true);

    // A dissolved association first: filled, flagged, announced.
    await page.keyboard.type('w452 005 678');
    await waitStatus(page, /Association trouvée/);
    await expect(statusText(page)).resolves.toMatch(/CLUB DE BRIDGE DES AUBRAIS.*dissoute/);
    await page.getByText('Association dissoute', { exact: true }).waitFor();
    await page.getByText(/^Fourni par le Répertoire national des associations/).waitFor();
    const name = page.getByRole('textbox', { name: /^Nom de l’association/ });
    expect(await name.inputValue()).toBe('CLUB DE BRIDGE DES AUBRAIS');
    expect(await name.getAttribute('readonly')).not.toBeNull();
    expect(await page.getByRole('textbox', { name: /^État/ }).inputValue()).toBe('Dissoute');
    expect(await page.getByLabel(/^Date de déclaration/).inputValue()).toBe('1998-03-02');
    expect(await axeViolations(page)).toEqual([]);

    // Another number: the block follows, the flag goes.
    await page.keyboard.press('Control+A');
    await page.keyboard.type('W452001234');
    await waitStatus(page, /LES AMIS DU LOIRET/);
    expect(await page.getByText('Association dissoute', { exact: true }).count()).toBe(0);
    expect(await page.getByLabel(/^Date de publication au Journal officiel/).inputValue()).toBe('2019-01-26');
    // The object is not locked: the citizen may complete it.
    await page.keyboard.press('Tab');
    await expect(focused(page, /^Nom de l’association/)).resolves.toBe(true);
    await page.keyboard.press('Tab');
    await expect(focused(page, /^Objet social/)).resolves.toBe(true);
    await page.keyboard.press('Control+End');
    await page.keyboard.type(' Et des concerts.');
    expect(await axeViolations(page)).toEqual([]);
    const data = await send(page, draftId);
    expect(data.association).toEqual({
      rna: 'W452001234',
      nom: 'LES AMIS DU LOIRET',
      objet:
        'Faire connaître le patrimoine naturel et bâti du Loiret et organiser des sorties de découverte. Et des concerts.',
      adresse: '5 RUE DES FRANCS BOURGEOIS 45000 ORLEANS',
      dateDeclaration: '2019-01-10',
      datePublicationJo: '2019-01-26',
      etat: 'Active',
      provenance: 'Répertoire national des associations, modifiée par l’usager',
    });
    await page.close();
  }, 90_000);

  it('lets the citizen type the values when the registry answers garbage, and sends them unverified', async () => {
    const page = await browser.context.newPage();
    const draftId = await start(page);
    await page.keyboard.press('Tab');
    await page.keyboard.type(MISBEHAVING_RNA.garbage);
    await waitStatus(page, /ne répond pas/);
    // Said on the page too, not only to screen readers.
    await page.locator('[data-pointer="/association"] .notice--warning', { hasText: /ne répond pas/ }).waitFor();
    await page.keyboard.press('Tab');
    await expect(focused(page, /^Nom de l’association/)).resolves.toBe(true);
    expect(await page.getByRole('textbox', { name: /^Nom de l’association/ }).getAttribute('readonly')).toBeNull();
    await page.keyboard.type('Les Randonneurs du Val');
    expect(await axeViolations(page)).toEqual([]);
    const data = await send(page, draftId);
    expect(data.association).toEqual({
      rna: MISBEHAVING_RNA.garbage,
      nom: 'Les Randonneurs du Val',
      provenance: 'Saisie par l’usager, non vérifiée',
    });
    await page.close();
  }, 90_000);
});
