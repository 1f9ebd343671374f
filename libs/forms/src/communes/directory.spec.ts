import { checkCommunes, communeFields, communeWarnings } from './check';
import { communeDirectory, type CommuneDirectory } from './directory';
import { normaliseName } from './normalise';

let directory: CommuneDirectory;
beforeAll(async () => {
  directory = await communeDirectory();
});

const names = (q: string, options = {}) => directory.search(q, options).map((c) => `${c.nom} (${c.departement.code})`);

describe('normaliseName', () => {
  it('drops accents, case, punctuation, and reads « St » / « Ste » as the words', () => {
    expect(normaliseName('  Saint-Étienne-du-Rouvray ')).toBe('saint etienne du rouvray');
    expect(normaliseName('ST ETIENNE')).toBe('saint etienne');
    expect(normaliseName('Ste-Foy-lès-Lyon')).toBe('sainte foy les lyon');
    expect(normaliseName('Œuilly')).toBe('oeuilly');
  });
});

describe('CommuneDirectory', () => {
  it('holds the current communes and the arrondissements of Paris, Lyon and Marseille', () => {
    expect(directory.size).toBeGreaterThan(34_000);
    expect(directory.byInsee('45234')).toMatchObject({
      nom: 'Orléans',
      codesPostaux: ['45000', '45100'],
      departement: { code: '45', nom: 'Loiret' },
      epci: { siren: '244500468' },
    });
    expect(directory.byInsee('75115')).toMatchObject({ nom: 'Paris 15e Arrondissement', codesPostaux: ['75015'] });
    // An arrondissement belongs to its commune's EPCI.
    expect(directory.byInsee('69381')?.epci?.siren).toBe(directory.byInsee('69123')?.epci?.siren);
    expect(directory.byInsee('13201')?.nom).toBe('Marseille 1er Arrondissement');
  });

  it('finds by name without accents or case', () => {
    expect(names('orleans')[0]).toBe('Orléans (45)');
    expect(names('ORLÉANS')[0]).toBe('Orléans (45)');
    expect(names('orl').length).toBeGreaterThan(3);
    expect(names('orl')[0]).toBe('Orléans (45)');
  });

  it('reads « st » as « saint » and lists homonyms with their départements, most populated first', () => {
    const found = names('st denis', { limit: 10 });
    expect(found.slice(0, 5)).toEqual([
      'Saint-Denis (974)',
      'Saint-Denis (93)',
      expect.stringMatching(/^Saint-Denis \((11|30)\)$/),
      expect.stringMatching(/^Saint-Denis \((11|30)\)$/),
      expect.not.stringMatching(/^Saint-Denis \(/),
    ]);
    expect(names('saint-denis')).toEqual(names('St Denis'));
    expect(names('ste foy')).toContain('Sainte-Foy-lès-Lyon (69)');
  });

  it('finds the words inside a name after the names that start so', () => {
    const found = names('denis', { limit: 50 });
    expect(found).toContain('Saint-Denis (93)');
  });

  it('finds by postcode, whole or started, and by name and postcode together', () => {
    expect(names('45000')).toEqual(['Orléans (45)']);
    expect(names('75015')).toEqual(['Paris (75)', 'Paris 15e Arrondissement (75)']);
    expect(names('690').length).toBe(10);
    expect(names('st denis 93200')).toEqual(['Saint-Denis (93)']);
    // One digit is part of a name (« Lyon 3e »), not a postcode.
    expect(names('lyon 3')).toEqual(['Lyon 3e Arrondissement (69)']);
    expect(names('marseille 13001')).toEqual(['Marseille (13)', 'Marseille 1er Arrondissement (13)']);
  });

  it('restricts to a territory: départements, EPCI or listed communes', () => {
    expect(names('saint denis', { territory: { departements: ['93'] } })).toEqual([
      'Saint-Denis (93)',
      "L'Île-Saint-Denis (93)",
    ]);
    const metropole = names('s', { territory: { epci: ['244500468'] }, limit: 50 });
    expect(metropole.length).toBeGreaterThan(3);
    expect(metropole.every((n) => n.endsWith('(45)'))).toBe(true);
    expect(names('orleans', { territory: { communes: ['75056'] } })).toEqual([]);
  });

  it('bounds the answer and finds nothing for nothing', () => {
    expect(names('', {})).toEqual([]);
    expect(names('---', {})).toEqual([]);
    expect(directory.search('a', { limit: 1000 }).length).toBe(50);
    expect(names('zzzzzz')).toEqual([]);
  });
});

describe('checkCommunes', () => {
  const definition = {
    schema: {
      type: 'object',
      properties: {
        commune: {
          type: 'object',
          properties: { codeInsee: { type: 'string' }, nom: { type: 'string' }, codePostal: { type: 'string' } },
        },
        enfants: {
          type: 'array',
          items: {
            type: 'object',
            properties: { naissance: { type: 'object', properties: { nom: { type: 'string' } } } },
          },
        },
      },
    },
    uiSchema: {
      commune: { 'ui:widget': 'commune', 'ui:options': { departements: ['45'] } },
      enfants: { items: { naissance: { 'ui:field': 'commune' } } },
    },
  };

  it('finds commune fields, lists included', () => {
    expect(communeFields(definition).map((f) => f.path.join('/'))).toEqual(['commune', 'enfants/*/naissance']);
  });

  it('accepts a chosen commune and refuses a tampered one with a pointer', () => {
    const ok = { commune: { codeInsee: '45234', nom: 'orleans', codePostal: '45100' } };
    expect(checkCommunes(definition, ok, directory)).toEqual({
      errors: [],
      data: { commune: { codeInsee: '45234', nom: 'Orléans', codePostal: '45100' } },
    });
    const check = (commune: object) => checkCommunes(definition, { commune }, directory).errors;
    expect(check({ codeInsee: '45999', nom: 'Orléans', codePostal: '45000' })).toEqual([
      expect.objectContaining({ pointer: '/commune/codeInsee', code: 'commune_inconnue' }),
    ]);
    expect(check({ codeInsee: '45234', nom: 'Tours', codePostal: '45000' })).toEqual([
      expect.objectContaining({ pointer: '/commune/nom', code: 'commune_incoherente' }),
    ]);
    expect(check({ codeInsee: '45234', nom: 'Orléans', codePostal: '37000' })).toEqual([
      expect.objectContaining({ pointer: '/commune/codePostal', code: 'code_postal_incoherent' }),
    ]);
    expect(check({ codeInsee: '37261', nom: 'Tours', codePostal: '37000' })).toEqual([
      expect.objectContaining({ pointer: '/commune/codeInsee', code: 'commune_hors_territoire' }),
    ]);
  });

  it('completes a value typed by hand when it designates one commune, keeps it unverified otherwise', () => {
    expect(checkCommunes(definition, { commune: { nom: 'ORLEANS', codePostal: '45000' } }, directory)).toEqual({
      errors: [],
      data: { commune: { codeInsee: '45234', nom: 'Orléans', codePostal: '45000' } },
    });
    const unknown = { commune: { nom: 'Orléans-la-Source', codePostal: '45100' } };
    expect(checkCommunes(definition, unknown, directory)).toEqual({ errors: [], data: unknown });
    expect(checkCommunes(definition, { commune: { nom: 'Tours', codePostal: '37000' } }, directory).errors).toEqual([
      expect.objectContaining({ pointer: '/commune/codePostal', code: 'commune_hors_territoire' }),
    ]);
    // Items of a list: their own pointers; a field without a codeInsee property is not given one.
    const items = {
      enfants: [{ naissance: { codeInsee: '99999' } }, { naissance: { nom: 'Lyon', codePostal: '69001' } }],
    };
    expect(checkCommunes(definition, items, directory).errors).toEqual([
      expect.objectContaining({ pointer: '/enfants/0/naissance/codeInsee' }),
    ]);
  });
});

describe('communeWarnings', () => {
  it('tells the designer about a commune field that cannot work as such', () => {
    const warnings = communeWarnings({
      schema: {
        type: 'object',
        properties: {
          a: { type: 'string' },
          b: {
            type: 'object',
            required: ['codeInsee'],
            properties: { codeInsee: { type: 'string' }, nom: { type: 'string' }, codePostal: { type: 'string' } },
          },
          ok: { type: 'object', properties: { nom: { type: 'string' }, codePostal: { type: 'string' } } },
        },
      },
      uiSchema: {
        a: { 'ui:widget': 'commune' },
        b: { 'ui:field': 'commune', 'ui:options': { departements: ['45', 'Loiret'], epci: '244500468' } },
        ok: { 'ui:widget': 'commune', 'ui:options': { departements: ['2A', '974'], communes: ['45234'] } },
      },
    });
    expect(warnings.map((w) => [w.pointer, w.code])).toEqual([
      ['/uiSchema/a', 'commune_shape'],
      ['/uiSchema/b', 'commune_code_required'],
      ['/uiSchema/b/ui:options/departements/1', 'commune_territory'],
      ['/uiSchema/b/ui:options/epci', 'commune_territory'],
    ]);
  });
});
