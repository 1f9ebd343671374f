import { freshItem, withMinimumItems } from './minimum-items';
import type { Schema } from './model';

describe('withMinimumItems', () => {
  it('opens a list of groups to its minItems, as RJSF does, when its items are allOf parts or the list is a $ref (before: only items that said type object, written in place)', () => {
    const root: Schema = {
      type: 'object',
      $defs: {
        enfant: { type: 'object', properties: { prenom: { type: 'string' } } },
        parcelles: { type: 'array', minItems: 2, items: { $ref: '#/$defs/enfant' } },
      },
      properties: {
        enfants: {
          type: 'array',
          minItems: 1,
          items: {
            allOf: [{ $ref: '#/$defs/enfant' }, { properties: { garde: { type: 'boolean', default: false } } }],
          },
        },
        parcelles: { $ref: '#/$defs/parcelles' },
        prenoms: { type: 'array', minItems: 1, items: { type: 'string' } },
      },
    };
    expect(withMinimumItems(root, root, {})).toEqual({ enfants: [{}], parcelles: [{}, {}] });
    // What is already there is kept, and only the missing items are added.
    expect(withMinimumItems(root, root, { enfants: [{ prenom: 'Inès' }], parcelles: [{ prenom: 'x' }] })).toEqual({
      enfants: [{ prenom: 'Inès' }],
      parcelles: [{ prenom: 'x' }, {}],
    });
  });

  // Held-out form lowcode-ecole-musique: « Disciplines » (minItems 1) whose items hold « Créneaux souhaités » (minItems 1).
  const nested: Schema = {
    type: 'object',
    $defs: { creneau: { type: 'object', properties: { jour: { type: 'string' } } } },
    properties: {
      disciplines: {
        type: 'array',
        minItems: 1,
        items: {
          type: 'object',
          properties: {
            instrument: { type: 'string' },
            niveau: { type: 'integer', default: 1 },
            creneaux: { type: 'array', minItems: 2, items: { $ref: '#/$defs/creneau' } },
            morceaux: { type: 'array', items: { type: 'object', properties: { titre: { type: 'string' } } } },
          },
        },
      },
    },
  };
  const itemDefaults = (items: Schema) =>
    Object.keys((items.properties ?? {}) as object).includes('niveau') ? { niveau: 1 } : {};

  it('opens the nested lists of groups of an item it opens, and of the items already there, as RJSF pads every list its defaults meet', () => {
    expect(withMinimumItems(nested, nested, {}, itemDefaults)).toEqual({
      disciplines: [{ niveau: 1, creneaux: [{}, {}] }],
    });
    expect(
      withMinimumItems(nested, nested, { disciplines: [{ instrument: 'violon', creneaux: [{ jour: 'lundi' }] }] }),
    ).toEqual({
      disciplines: [{ instrument: 'violon', creneaux: [{ jour: 'lundi' }, {}] }],
    });
  });

  it('gives the item « Ajouter » adds its own lists of groups opened to their minItems (before: the new item came without them)', () => {
    const items = (nested.properties as Record<string, Schema>).disciplines!.items as Schema;
    expect(freshItem(nested, items, itemDefaults)).toEqual({ niveau: 1, creneaux: [{}, {}] });
    // An optional list of groups is not created.
    expect(freshItem(nested, items)).toEqual({ creneaux: [{}, {}] });
  });

  it('creates no empty group inside an item, as RJSF sends none (subvention-projets-imbriques: an action stored « periode: {} »), and opens the lists of one answered', () => {
    const root: Schema = {
      type: 'object',
      properties: {
        actions: {
          type: 'array',
          minItems: 1,
          items: {
            type: 'object',
            properties: {
              periode: { type: 'object', properties: { debut: { type: 'string' } } },
              lieu: {
                type: 'object',
                properties: { salles: { type: 'array', minItems: 1, items: { type: 'object', properties: {} } } },
              },
            },
          },
        },
      },
    };
    expect(withMinimumItems(root, root, {})).toEqual({ actions: [{ lieu: { salles: [{}] } }] });
    expect(withMinimumItems(root, root, { actions: [{ periode: { debut: 'x' }, lieu: {} }] })).toEqual({
      actions: [{ periode: { debut: 'x' }, lieu: { salles: [{}] } }],
    });
  });

  it('opens a group reached by a $ref as it opens a written one, so that its missing fields are named, not the group', () => {
    const root: Schema = {
      type: 'object',
      $defs: { adresse: { type: 'object', required: ['voie'], properties: { voie: { type: 'string' } } } },
      properties: {
        bien: { $ref: '#/$defs/adresse', title: 'Adresse du bien' },
        // Optional[Adresse]: a choice of its own, not opened.
        postale: { anyOf: [{ $ref: '#/$defs/adresse' }, { type: 'null' }] },
      },
    };
    expect(withMinimumItems(root, root, {})).toEqual({ bien: {} });
  });

  // Held-out form accueil-loisirs-semaines: « Semaines de présence » (minItems 1), each week a list of at least two days.
  const weeks: Schema = {
    type: 'object',
    $defs: { jour: { type: 'object', properties: { jour: { type: 'string' }, repas: { type: 'boolean' } } } },
    properties: {
      semaines: {
        type: 'array',
        minItems: 1,
        items: { type: 'array', minItems: 2, items: { $ref: '#/$defs/jour' } },
      },
      // A list of lists of single answers still starts empty (a documented departure).
      notes: { type: 'array', minItems: 1, items: { type: 'array', minItems: 1, items: { type: 'string' } } },
    },
  };
  const dayDefaults = () => ({ repas: true });

  it('opens a list whose items are lists of groups, each to its own minItems, as RJSF pads them (before: no week at all)', () => {
    expect(withMinimumItems(weeks, weeks, {}, dayDefaults)).toEqual({
      semaines: [[{ repas: true }, { repas: true }]],
    });
    // A week already there with one day gets its second; one with three keeps them.
    expect(
      withMinimumItems(weeks, weeks, {
        semaines: [[{ jour: 'lundi' }], [{ jour: 'a' }, { jour: 'b' }, { jour: 'c' }]],
      }),
    ).toEqual({
      semaines: [
        [{ jour: 'lundi' }, {}],
        [{ jour: 'a' }, { jour: 'b' }, { jour: 'c' }],
      ],
    });
  });

  it('adds a week with « Ajouter » opened to its two days, as RJSF creates it (before: an empty group in place of a list)', () => {
    const week = (weeks.properties as Record<string, Schema>).semaines!.items as Schema;
    expect(freshItem(weeks, week, dayDefaults)).toEqual([{ repas: true }, { repas: true }]);
  });
});
