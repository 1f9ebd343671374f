import { createSchemaSemantics } from './schema-semantics';

describe('withDefaults', () => {
  // Held out: an optional draft-07 tuple left empty (« Période d'absence » of a form that loads RJSF's semantics for a
  // default elsewhere). RJSF starts it as [undefined, undefined], sent as [null, null] and refused: « Valeur attendue :
  // un texte » twice, and the citizen could never send the form.
  const schema = {
    type: 'object',
    properties: {
      nom: { type: 'string', default: 'Durand' },
      periode: {
        type: 'array',
        prefixItems: [
          { type: 'string', format: 'date' },
          { type: 'string', format: 'date' },
        ],
        items: false,
      },
      lieu: {
        type: 'array',
        prefixItems: [{ type: 'string', default: 'Mairie annexe' }, { type: 'string' }],
        items: false,
      },
      rendezVous: { type: 'array', items: { type: 'array', prefixItems: [{ type: 'string' }], items: false } },
    },
  };

  it('leaves an optional tuple nobody answered out, and keeps one a default starts (before: [undefined, undefined])', () => {
    const semantics = createSchemaSemantics(schema);
    const state = semantics.withDefaults(schema, {}) as Record<string, unknown>;
    expect(Object.keys(state)).toEqual(['nom', 'lieu']);
    expect(state.lieu).toEqual(['Mairie annexe', undefined]);
    // What the citizen answered is kept as it is.
    expect(semantics.withDefaults(schema, { periode: ['2027-01-04', '2027-01-08'] })).toMatchObject({
      periode: ['2027-01-04', '2027-01-08'],
    });
  });

  it('still gives a tuple the citizen adds to a list its places, as « Ajouter » does', () => {
    const semantics = createSchemaSemantics(schema);
    const item = schema.properties.rendezVous.items as unknown as Record<string, unknown>;
    expect(semantics.withDefaults(item, undefined)).toEqual([undefined]);
  });
});
