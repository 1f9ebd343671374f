import { DataSource } from 'typeorm';
import type { ServiceDefinition } from '@guichet/shared';
import { expectAccessible } from '../support/browser';
import { openDraft, pressEnterOn, useWebLookupStack } from '../support/lookup-browser';

const SLUG = 'carte-stationnement-pydantic';

/** Written as Pydantic v2 writes `Optional[X]`: `anyOf` of X and null, with or without `= None`. */
function pydanticForm(): ServiceDefinition {
  return {
    formatVersion: 1,
    schema: {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      $defs: { Civilite: { enum: ['Madame', 'Monsieur'], title: 'Civilite', type: 'string' } },
      properties: {
        nom: { type: 'string', title: 'Nom', minLength: 1 },
        numero_voie: {
          anyOf: [{ maxLength: 10, type: 'string' }, { type: 'null' }],
          default: null,
          title: 'Numéro de voie',
        },
        civilite: { anyOf: [{ $ref: '#/$defs/Civilite' }, { type: 'null' }], default: null, title: 'Civilité' },
        // `Optional[int]` without a default: required, and null fits it.
        nombre_enfants: {
          anyOf: [{ type: 'integer', minimum: 0 }, { type: 'null' }],
          title: 'Nombre d’enfants à charge',
        },
      },
      required: ['nom', 'nombre_enfants'],
    },
    uiSchema: {},
    pages: [{ id: 'demandeur', title: 'Le demandeur', fields: ['nom', 'numero_voie', 'civilite', 'nombre_enfants'] }],
    settings: { signIn: 'none', retentionMonths: 12 },
  } as unknown as ServiceDefinition;
}

/**
 * Pydantic's `Optional[X]`: RJSF draws a choice between « Option 1 » and « Option 2 »; a citizen gets the field
 * itself, optional, and an answer left or made empty is stored as null, which the schema accepts whether the key is
 * required or not, and every view reads back as unanswered.
 */
describe('Optional[X] is drawn as the field, optional, null when empty', () => {
  const web = useWebLookupStack(
    {
      service: { slug: SLUG, title: 'Carte de stationnement', definition: pydanticForm() },
    },
    60_000,
  );

  const stored = async (id: string) =>
    (await web.stack.api.get(DataSource).query(`SELECT status, data FROM submission WHERE id = $1`, [id]))[0] as
      { status: string; data: Record<string, unknown> } | undefined;

  it('no « Option 1 / Option 2 »: the field, its checks, and null sent for what is left empty', async () => {
    const page = await web.browser.context.newPage();
    page.setDefaultTimeout(15_000);
    const id = await openDraft(page, `${web.base}/demarches/${SLUG}`);
    await page.getByRole('heading', { level: 2, name: 'Le demandeur' }).waitFor();

    expect(await page.getByText(/^Option [12]$/).count()).toBe(0);
    expect(await page.locator('.alternatives').count()).toBe(0);
    const voie = page.getByRole('textbox', { name: 'Numéro de voie', exact: true });
    const enfants = page.getByLabel('Nombre d’enfants à charge', { exact: true });
    // Optional for the citizen: no asterisk, not announced as required.
    await expect(voie.getAttribute('aria-required')).resolves.toBeNull();
    await expect(enfants.getAttribute('aria-required')).resolves.toBeNull();
    await expect(page.getByRole('radio', { name: 'Madame' }).isChecked()).resolves.toBe(false);
    await expectAccessible(page, 'étape');

    // X's own checks hold.
    await page.getByRole('textbox', { name: /^Nom( \*)?$/ }).fill('Dubois');
    await voie.fill('12 bis, escalier B');
    await pressEnterOn(page, 'Continuer');
    await page.locator('.error-summary').waitFor();
    expect(await page.locator('.error-summary a').allInnerTexts()).toEqual([
      expect.stringMatching(/^Numéro de voie : /),
    ]);
    await expect(voie.getAttribute('aria-invalid')).resolves.toBe('true');
    await expectAccessible(page, 'erreur');
    // Emptied: null, which the schema accepts.
    await voie.fill('');
    await pressEnterOn(page, 'Continuer');
    await page.waitForURL(/etape=verification/);
    await page.getByRole('heading', { level: 2, name: 'Vérifiez vos réponses' }).waitFor();
    const review = await page.locator('.review-page').innerText();
    expect(review).not.toMatch(/Option [12]/);
    expect(review).toContain('Dubois');
    await expectAccessible(page, 'vérification');
    await pressEnterOn(page, /^Envoyer ma demande/);
    await page.getByRole('heading', { level: 1, name: 'Votre demande a bien été envoyée' }).waitFor();
    expect((await stored(id))?.data).toEqual({
      nom: 'Dubois',
      numero_voie: null,
      civilite: null,
      nombre_enfants: null,
    });
    await page.close();
  });
});
