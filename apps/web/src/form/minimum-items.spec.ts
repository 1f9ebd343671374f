import { withMinimumItems } from './minimum-items';
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
});
