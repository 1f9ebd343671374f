import type { Page } from 'playwright-core';
import { startFakeApis, type RunningFakeApis } from '../../apps/fake-apis/src/fake-apis';
import { quotientDefinition } from '../fixtures/quotient';
import { axeViolations, chooseTestIdentity, untilLive, type Browser } from '../support/browser';
import { signInEnv, startIdp, type RunningIdp } from '../support/idp';
import { beginDraft, sendDraft, startWebLookupStack } from '../support/lookup-browser';
import type { Stack } from '../support/stack';

const SLUG = 'cantine-qf';
const QF_PATH = '/particulier/v3/dss/quotient_familial/identite';

/**
 * The family quotient field in Chromium, with the keyboard only (issue 23),
 * signed in through the bundled FranceConnect identity provider, against the
 * bundled fake of API Particulier over HTTP: nothing is asked before the
 * consent (unticked by default) is ticked; then the quotient fills, its
 * provenance shown and announced, the locked values read-only; axe-clean.
 * With the API too slow: the citizen types the quotient and the request is
 * sent, « Déclaré par l’usager ».
 */
describe('family quotient field in the browser', () => {
  let idp: RunningIdp;
  let fake: RunningFakeApis;
  let stack: Stack;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    fake = await startFakeApis();
    ({ stack, browser, base } = await startWebLookupStack({
      service: { slug: SLUG, title: 'Cantine', definition: quotientDefinition() },
      env: async (at) => {
        idp = await startIdp({ redirectUris: [`${at}/auth/callback`], postLogoutRedirectUris: [`${at}/`] });
        return {
          ...signInEnv(idp.issuer, idp.secret),
          PARTICULIER_API_URL: fake.particulierUrl,
          PARTICULIER_API_TOKEN: 'jeton-api-particulier-navigateur-0123',
          PARTICULIER_API_TIMEOUT_MS: '1000',
        };
      },
    }));
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
    await idp?.stop();
    await fake?.close();
  });

  async function start(page: Page, identity: string): Promise<string> {
    page.setDefaultTimeout(15_000);
    await browser.context.clearCookies();
    await page.goto(`${base}/auth/login?as=citizen&returnTo=${encodeURIComponent(`/demarches/${SLUG}`)}`);
    await chooseTestIdentity(page, identity, `${base}/demarches/${SLUG}`);
    return beginDraft(page, { field: { name: /^Prénom de l’enfant/ }, text: 'Lucie' });
  }

  const send = (page: Page, draftId: string) => sendDraft(page, stack, draftId);

  const waitStatus = (page: Page, pattern: RegExp) =>
    page.waitForFunction(
      (source) =>
        new RegExp(source).test(
          document.querySelector('[data-pointer="/quotientFamilial"] [role="status"][aria-live="polite"]')
            ?.textContent ?? '',
        ),
      pattern.source,
    );
  const active = (page: Page) =>
    page.evaluate(() => {
      const el = document.activeElement as HTMLInputElement | null;
      return { tag: el?.tagName, type: el?.type, label: el?.labels?.[0]?.textContent ?? el?.textContent ?? '' };
    });

  it('asks nothing before the consent, then fills the quotient from the CAF, announced, locked, and sends it', async () => {
    const page = await browser.context.newPage();
    const before = fake.hits(QF_PATH);
    const draftId = await start(page, 'Marie-Claire Dubois — prénom composé');
    await page.keyboard.press('Tab');
    // The consent comes first, unticked, saying who asks whom and why.
    await expect(active(page)).resolves.toEqual({
      tag: 'INPUT',
      type: 'checkbox',
      label: 'J’accepte que la mairie obtienne mon quotient familial auprès de la CAF ou de la MSA',
    });
    const consent = page.getByRole('checkbox', { name: /^J’accepte que la mairie obtienne/ });
    expect(await consent.isChecked()).toBe(false);
    await expect(
      page.getByText(/votre quotient familial, le mois auquel il se rapporte, l’organisme/).isVisible(),
    ).resolves.toBe(true);
    expect(await page.getByRole('button', { name: 'Obtenir mon quotient familial' }).count()).toBe(0);
    expect(await axeViolations(page)).toEqual([]);
    await page.keyboard.press('Space');
    expect(await consent.isChecked()).toBe(true);
    await page.keyboard.press('Tab');
    await expect(active(page)).resolves.toMatchObject({ tag: 'BUTTON', label: 'Obtenir mon quotient familial' });
    expect(fake.hits(QF_PATH)).toBe(before);
    await page.keyboard.press('Enter');
    await waitStatus(page, /Quotient familial obtenu auprès de la CAF : 650 euros/);
    expect(fake.hits(QF_PATH)).toBe(before + 1);
    await page.getByText(/^Fourni par la CAF via API Particulier/).waitFor();
    const quotient = page.getByRole('textbox', { name: /^Quotient familial \(en euros\)/ });
    expect(await quotient.inputValue()).toBe('650');
    expect(await quotient.getAttribute('readonly')).not.toBeNull();
    expect(await page.getByRole('textbox', { name: /^Mois de référence/ }).inputValue()).toBe('2026-10');
    expect(await page.getByRole('combobox', { name: /^Organisme/ }).inputValue()).toBe('CAF');
    const allocataire = page.getByRole('textbox', { name: /^Allocataire/ });
    expect(await allocataire.inputValue()).toBe('MARIE-CLAIRE ANNE DUBOIS, MARC PETIT');
    expect(await allocataire.getAttribute('readonly')).toBeNull();
    expect(await axeViolations(page)).toEqual([]);
    const data = await send(page, draftId);
    expect(data.quotientFamilial).toEqual({
      consentement: true,
      quotient: 650,
      periode: '2026-10',
      regime: 'CAF',
      allocataire: 'MARIE-CLAIRE ANNE DUBOIS, MARC PETIT',
      provenance: 'Fourni par la CAF via API Particulier',
    });
    await page.close();
  }, 90_000);

  it('lets the citizen type the quotient when the API is too slow, and sends it as declared', async () => {
    const page = await browser.context.newPage();
    const draftId = await start(page, 'Yannick Le Goff — sans adresse électronique');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Space');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await waitStatus(page, /ne peut pas être obtenu pour le moment/);
    // Said on the page too, not only to screen readers.
    await page.locator('[data-pointer="/quotientFamilial"] .notice--warning', { hasText: /saisissez-le/ }).waitFor();
    const quotient = page.getByRole('textbox', { name: /^Quotient familial \(en euros\)/ });
    expect(await quotient.getAttribute('readonly')).toBeNull();
    await page.keyboard.press('Tab');
    await expect(active(page)).resolves.toMatchObject({ label: 'Quotient familial (en euros)' });
    await page.keyboard.type('512');
    await page.keyboard.press('Tab');
    await page.keyboard.type('2026-09');
    await page.keyboard.press('Tab');
    await page.keyboard.press('ArrowDown');
    expect(await page.getByRole('combobox', { name: /^Organisme/ }).inputValue()).toBe('CAF');
    expect(await axeViolations(page)).toEqual([]);
    const data = await send(page, draftId);
    expect(data.quotientFamilial).toEqual({
      consentement: true,
      quotient: 512,
      periode: '2026-09',
      regime: 'CAF',
      provenance: 'Déclaré par l’usager',
    });
    await page.close();
  }, 90_000);

  it('offers no consent to a citizen not signed in with FranceConnect, who types the quotient and sends it', async () => {
    const page = await browser.context.newPage();
    page.setDefaultTimeout(15_000);
    await browser.context.clearCookies();
    const before = fake.hits(QF_PATH);
    await page.goto(`${base}/demarches/${SLUG}`);
    await untilLive(page);
    const begin = page.getByRole('button', { name: /^Commencer/ });
    await begin.focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(/brouillon=/);
    const draftId = new URL(page.url()).searchParams.get('brouillon')!;
    await page.getByRole('textbox', { name: /^Prénom de l’enfant/ }).focus();
    await page.keyboard.type('Jules');
    expect(await page.getByRole('checkbox').count()).toBe(0);
    await page.getByText(/^Connecté avec FranceConnect, vous pourriez faire obtenir votre quotient familial/).waitFor();
    await page.keyboard.press('Tab');
    await expect(active(page)).resolves.toMatchObject({ label: 'Quotient familial (en euros)' });
    await page.keyboard.type('880');
    expect(await axeViolations(page)).toEqual([]);
    const data = await send(page, draftId);
    expect(data.quotientFamilial).toEqual({ quotient: 880, provenance: 'Déclaré par l’usager' });
    expect(fake.hits(QF_PATH)).toBe(before);
    await page.close();
  }, 90_000);
});
