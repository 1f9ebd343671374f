import { DataSource } from 'typeorm';
import type { ServiceDefinition } from '@guichet/shared';
import { expectAccessible } from '../support/browser';
import { openDraft, pressEnterOn, useWebLookupStack } from '../support/lookup-browser';

const SLUG = 'declaration-sinistre-ref';

/**
 * A definition sent whole (not imported) where a group is a `$ref` with fields and requirements of its own beside
 * it, as 2019-09 and 2020-12 allow: the server requires the referred group's fields and the added ones.
 */
function sinistreForm(): ServiceDefinition {
  return {
    formatVersion: 1,
    schema: {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      $defs: {
        adresse: {
          type: 'object',
          required: ['voie', 'commune'],
          properties: {
            voie: { type: 'string', title: 'Voie', minLength: 1 },
            commune: { type: 'string', title: 'Commune', minLength: 1 },
          },
        },
      },
      properties: {
        bien: {
          $ref: '#/$defs/adresse',
          title: 'Adresse du bien sinistré',
          properties: { batiment: { type: 'string', title: 'Bâtiment, étage' } },
          required: ['batiment'],
        },
      },
      required: ['bien'],
    },
    uiSchema: {},
    pages: [{ id: 'bien', title: 'Le bien', fields: ['bien'] }],
    settings: { signIn: 'none', retentionMonths: 12 },
  } as unknown as ServiceDefinition;
}

/**
 * RJSF puts the fields beside a `$ref` over the referred group's: it drew « Bâtiment, étage » alone, and the citizen
 * could never send the « Voie » and « Commune » the server required. The import rewrites such a `$ref` as `allOf`;
 * a definition sent whole is drawn with both sets of fields too.
 */
describe('a $ref with fields beside it, in a definition sent whole', () => {
  const web = useWebLookupStack(
    { service: { slug: SLUG, title: 'Déclaration de sinistre', definition: sinistreForm() } },
    60_000,
  );

  it('draws the referred group’s fields and the added ones, all required, and sends them', async () => {
    const page = await web.browser.context.newPage();
    page.setDefaultTimeout(15_000);
    const id = await openDraft(page, `${web.base}/demarches/${SLUG}`);
    await page.getByRole('heading', { level: 2, name: 'Le bien' }).waitFor();

    const voie = page.getByRole('textbox', { name: /^Voie/ });
    const commune = page.getByRole('textbox', { name: /^Commune/ });
    const batiment = page.getByRole('textbox', { name: /^Bâtiment, étage/ });
    for (const field of [voie, commune, batiment])
      await expect(field.getAttribute('aria-required')).resolves.toBe('true');
    await expect(page.getByRole('group', { name: /Adresse du bien sinistré/ }).count()).resolves.toBe(1);
    await expectAccessible(page, 'étape');

    // Left empty, the three are named in the error summary, as the server would refuse them.
    await pressEnterOn(page, 'Continuer');
    await page.locator('.error-summary').waitFor();
    expect(await page.locator('.error-summary a').allInnerTexts()).toEqual([
      expect.stringMatching(/^Voie/),
      expect.stringMatching(/^Commune/),
      expect.stringMatching(/^Bâtiment, étage/),
    ]);
    await expectAccessible(page, 'erreurs');

    await voie.fill('3 rue des Tanneurs');
    await commune.fill('Orléans');
    await batiment.fill('B, 2e étage');
    await pressEnterOn(page, 'Continuer');
    await page.waitForURL(/etape=verification/);
    await page.getByRole('heading', { level: 2, name: 'Vérifiez vos réponses' }).waitFor();
    await pressEnterOn(page, /^Envoyer ma demande/);
    await page.getByRole('heading', { level: 1, name: 'Votre demande a bien été envoyée' }).waitFor();
    const [row] = (await web.stack.api
      .get(DataSource)
      .query(`SELECT status, data FROM submission WHERE id = $1`, [id])) as Array<{
      status: string;
      data: Record<string, unknown>;
    }>;
    expect(row).toEqual({
      status: 'submitted',
      data: { bien: { voie: '3 rue des Tanneurs', commune: 'Orléans', batiment: 'B, 2e étage' } },
    });
    await page.close();
  });
});
