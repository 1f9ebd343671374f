import type { Page } from 'playwright-core';
import type { ServiceDefinition } from '@guichet/shared';
import { expectAccessible } from '../support/browser';
import { openDraft, pressEnterOn, useWebLookupStack } from '../support/lookup-browser';

const SLUG = 'abri-de-jardin';

/**
 * A declaration whose second step brings fields by conditions of every kind RJSF draws: a `dependentSchemas`
 * (draft-07's `dependencies`), an `if`/`then`, and a `oneOf` between two ways to be reached. None of the fields they
 * bring is listed on a page: each is drawn after the field it follows in the schema, on that field's step.
 */
function declaration(): ServiceDefinition {
  return {
    formatVersion: 1,
    schema: {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      properties: {
        surface: { type: 'integer', title: 'Surface de l’abri (m²)', minimum: 1 },
        numero_permis: { type: 'string', title: 'Numéro du permis de construire, si vous en avez un' },
        motif: { type: 'string', title: 'Motif de la déclaration', enum: ['Construction', 'Autre'] },
        contact: {
          title: 'Comment vous joindre',
          oneOf: [
            {
              title: 'Par courriel',
              type: 'object',
              properties: { courriel: { type: 'string', format: 'email', title: 'Adresse électronique' } },
              required: ['courriel'],
            },
            {
              title: 'Par téléphone',
              type: 'object',
              properties: { telephone: { type: 'string', title: 'Numéro de téléphone', pattern: '^0[1-9][0-9]{8}$' } },
              required: ['telephone'],
            },
          ],
        },
      },
      required: ['motif'],
      dependentSchemas: {
        numero_permis: {
          properties: { date_permis: { type: 'string', format: 'date', title: 'Date du permis' } },
          required: ['date_permis'],
        },
      },
      if: { properties: { motif: { const: 'Autre' } }, required: ['motif'] },
      then: {
        properties: { precision: { type: 'string', title: 'Précisez le motif', minLength: 3 } },
        required: ['precision'],
      },
    },
    uiSchema: {},
    pages: [
      { id: 'abri', title: 'L’abri', fields: ['surface'] },
      { id: 'declaration', title: 'La déclaration', fields: ['numero_permis', 'motif', 'contact'] },
    ],
    settings: { signIn: 'none', retentionMonths: 12 },
  } as unknown as ServiceDefinition;
}

/**
 * « Continuer » checks every field drawn on the step, those a condition brought included, and only those: a citizen
 * cannot leave a step with a visible field wrong or missing, only to be sent back at the final review; a field a
 * condition hides, or the branch not chosen, never holds the step back.
 */
describe('the step check covers the fields conditions bring onto the step', () => {
  const web = useWebLookupStack(
    {
      service: { slug: SLUG, title: 'Déclarer un abri de jardin', definition: declaration() },
    },
    60_000,
  );

  const summaryLinks = (page: Page) => page.locator('.error-summary a').allInnerTexts();

  it('holds the step on a field a dependency, a condition or a chosen branch brought, and links to each', async () => {
    const page = await web.browser.context.newPage();
    page.setDefaultTimeout(15_000);
    await openDraft(page, `${web.base}/demarches/${SLUG}`);
    await page.getByLabel(/^Surface de l’abri/).fill('12');
    await pressEnterOn(page, 'Continuer');
    await page.waitForURL(/etape=declaration/);
    await page.getByRole('heading', { level: 2, name: 'La déclaration' }).waitFor();

    // Each condition brings its field onto this step.
    await page.getByRole('textbox', { name: /^Numéro du permis/ }).fill('PC 045 234 26 00012');
    await page.getByRole('radio', { name: 'Autre' }).check();
    await page.getByRole('radio', { name: 'Par téléphone' }).check();
    const date = page.getByLabel(/^Date du permis/);
    const precision = page.getByRole('textbox', { name: /^Précisez le motif/ });
    const telephone = page.getByRole('textbox', { name: /^Numéro de téléphone/ });
    await date.waitFor();
    await precision.fill('ab');
    await telephone.fill('12');
    await expectAccessible(page, 'champs amenés par les conditions');

    await pressEnterOn(page, 'Continuer');
    const summary = page.locator('.error-summary');
    await summary.waitFor();
    expect(new URL(page.url()).searchParams.get('etape')).toBe('declaration');
    await expect(page.evaluate(() => document.activeElement?.classList.contains('error-summary'))).resolves.toBe(true);
    // The three drawn fields in the page's order (RJSF draws what conditions bring after the schema's own fields),
    // and not the branch left aside (« Adresse électronique ») nor the choice's own « none of the options ».
    const links = await summaryLinks(page);
    expect(links).toEqual([
      expect.stringMatching(/^Numéro de téléphone : /),
      expect.stringMatching(/^Date du permis : /),
      expect.stringMatching(/^Précisez le motif : /),
    ]);
    for (const field of [date, precision, telephone])
      await expect(field.getAttribute('aria-invalid')).resolves.toBe('true');
    await expectAccessible(page, 'résumé des erreurs');
    // Each link puts the focus on its field.
    await page.locator('.error-summary a', { hasText: /^Précisez le motif/ }).click();
    await expect(precision.evaluate((el) => el === document.activeElement)).resolves.toBe(true);
    await page.locator('.error-summary a', { hasText: /^Numéro de téléphone/ }).click();
    await expect(telephone.evaluate((el) => el === document.activeElement)).resolves.toBe(true);

    // Conditions switched off: their fields go, and no longer hold the step (nor does the branch not chosen).
    await page.getByRole('textbox', { name: /^Numéro du permis/ }).fill('');
    await page.getByRole('radio', { name: 'Construction' }).check();
    await date.waitFor({ state: 'detached' });
    await precision.waitFor({ state: 'detached' });
    await telephone.fill('0238790000');
    await pressEnterOn(page, 'Continuer');
    await page.waitForURL(/etape=verification/);
    await page.getByRole('heading', { level: 2, name: 'Vérifiez vos réponses' }).waitFor();
    await expectAccessible(page, 'vérification');
    await pressEnterOn(page, /^Envoyer ma demande/);
    await page.getByRole('heading', { level: 1, name: 'Votre demande a bien été envoyée' }).waitFor();
    await page.close();
  });
});
