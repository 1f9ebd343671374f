import type { ServiceDefinition } from '@guichet/shared';
import { expectAccessible } from '../support/browser';
import { openDraft, pressEnterOn, useWebLookupStack } from '../support/lookup-browser';

const SLUG = 'conservatoire-disciplines';

/** As the held-out form lowcode-ecole-musique has it: disciplines (at least one), each with its créneaux (at least one). */
function conservatoire(): ServiceDefinition {
  return {
    formatVersion: 1,
    schema: {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      $defs: {
        creneau: {
          type: 'object',
          title: 'Créneau',
          required: ['jour'],
          properties: { jour: { type: 'string', title: 'Jour' }, heure: { type: 'string', title: 'Heure' } },
        },
      },
      properties: {
        disciplines: {
          type: 'array',
          title: 'Disciplines',
          minItems: 1,
          maxItems: 3,
          items: {
            type: 'object',
            title: 'Discipline',
            required: ['instrument'],
            properties: {
              instrument: { type: 'string', title: 'Instrument' },
              annees: { type: 'integer', title: 'Années de pratique', default: 1 },
              creneaux: { type: 'array', title: 'Créneaux', minItems: 2, items: { $ref: '#/$defs/creneau' } },
            },
          },
        },
        // As the held-out form accueil-loisirs-semaines has it: weeks of a summer course, each of at least two days.
        stages: {
          type: 'array',
          title: 'Semaines de stage',
          minItems: 1,
          maxItems: 2,
          items: { type: 'array', title: 'Semaine', minItems: 2, items: { $ref: '#/$defs/creneau' } },
        },
      },
      required: ['disciplines'],
    },
    uiSchema: {},
    pages: [{ id: 'cours', title: 'Les cours', fields: ['disciplines', 'stages'] }],
    settings: { signIn: 'none', retentionMonths: 12 },
  } as unknown as ServiceDefinition;
}

/**
 * RJSF creates an added item from its schema's defaults, which pad the item's own lists of groups to their
 * `minItems`: the second discipline comes with its two créneaux open, as the first one does.
 */
describe('an item added with « Ajouter » opens its own lists of groups', () => {
  const web = useWebLookupStack(
    { service: { slug: SLUG, title: 'Inscription au conservatoire', definition: conservatoire() } },
    60_000,
  );

  it('the added discipline comes with its créneaux open, its defaults filled', async () => {
    const page = await web.browser.context.newPage();
    page.setDefaultTimeout(15_000);
    await openDraft(page, `${web.base}/demarches/${SLUG}`);
    await page.getByRole('heading', { level: 2, name: 'Les cours' }).waitFor();

    const items = (pointer: string) => page.locator(`.repeat[data-pointer="${pointer}"] > .item`);
    expect(await items('/disciplines').count()).toBe(1);
    expect(await items('/disciplines/0/creneaux').count()).toBe(2);

    await pressEnterOn(page, /^Ajouter : discipline$/);
    await items('/disciplines').nth(1).waitFor();
    // Before the fix: 0, and the citizen had to find « Ajouter : créneau » twice for what is required.
    expect(await items('/disciplines/1/creneaux').count()).toBe(2);
    await expect(page.getByLabel('Années de pratique').nth(1).inputValue()).resolves.toBe('1');
    await expectAccessible(page, 'discipline ajoutée');
    await page.close();
  });

  it('a list of lists of groups opens a week of two days, and an added week comes with its two days', async () => {
    const page = await web.browser.context.newPage();
    page.setDefaultTimeout(15_000);
    await openDraft(page, `${web.base}/demarches/${SLUG}`);
    await page.getByRole('heading', { level: 2, name: 'Les cours' }).waitFor();

    const items = (pointer: string) => page.locator(`.repeat[data-pointer="${pointer}"] > .item`);
    // Before the fix: no week at all, then a week with no day.
    expect(await items('/stages').count()).toBe(1);
    expect(await items('/stages/0').count()).toBe(2);
    await pressEnterOn(page, /^Ajouter : semaine$/);
    await items('/stages').nth(1).waitFor();
    expect(await items('/stages/1').count()).toBe(2);
    await expectAccessible(page, 'semaine ajoutée');
    await page.close();
  });
});
