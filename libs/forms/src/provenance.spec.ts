import { provenanceComment, provenanceLines } from './provenance';

const definition = {
  schema: {
    type: 'object',
    properties: {
      entreprise: {
        type: 'object',
        title: 'Votre entreprise',
        properties: { siret: { type: 'string' }, provenance: { type: 'string' } },
      },
      lieux: {
        type: 'array',
        items: { type: 'object', properties: { label: { type: 'string' }, provenance: { type: 'string' } } },
      },
      autre: { type: 'object', properties: { provenance: { type: 'string' } } },
    },
  },
  uiSchema: {
    entreprise: { 'ui:widget': 'siret' },
    lieux: { items: { 'ui:options': { widget: 'address' } } },
  },
};

describe('provenanceLines', () => {
  it('lists each lookup field answered with its recorded provenance, list items included', () => {
    const data = {
      entreprise: { siret: '73282932000074', provenance: 'Répertoire Sirene (INSEE)' },
      lieux: [{ label: '1 rue A', provenance: 'Base Adresse Nationale' }, { label: 'x' }],
      // Not a lookup widget: a property of the same name says nothing.
      autre: { provenance: 'inventée' },
    };
    const lines = provenanceLines(definition, data);
    expect(lines).toEqual([
      { pointer: '/entreprise', field: 'Votre entreprise', provenance: 'Répertoire Sirene (INSEE)' },
      { pointer: '/lieux/0', field: 'lieux', provenance: 'Base Adresse Nationale' },
    ]);
    expect(provenanceComment(lines)).toBe(
      'Votre entreprise : Répertoire Sirene (INSEE)\nlieux : Base Adresse Nationale',
    );
  });

  it('is empty without answers, and bounds what a hostile answer stores', () => {
    expect(provenanceLines(definition, {})).toEqual([]);
    expect(provenanceComment([])).toBeNull();
    const long = provenanceLines(definition, { entreprise: { provenance: 'x'.repeat(10_000) } });
    expect(long[0]!.provenance).toHaveLength(200);
    const many = provenanceLines(definition, { lieux: Array.from({ length: 500 }, () => ({ provenance: 'p' })) });
    expect(many).toHaveLength(20);
  });
});
