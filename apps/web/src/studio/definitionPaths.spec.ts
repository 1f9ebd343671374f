/**
 * Where the studio finds a field's schema and uiSchema: through lists whose
 * items are groups, tuples whose uiSchema's `items` is a list (RJSF's tuple
 * uiSchema), and groups kept once in `$defs` and reused by `$ref`.
 */
import type { ServiceDefinition } from '@guichet/shared';
import {
  childKeys,
  declarationAt,
  existsAt,
  isRequiredAt,
  labelAt,
  nodeAt,
  pageFieldKeys,
  placesOfField,
  pointerOf,
  sharedGroupOf,
  uiAt,
} from './definition';
import { moveField, removeField, renameField, setRequired, updateField } from './fieldEdits';
import { draftSaveProblems } from '../../../../test/support/compat-imported';

type Json = Record<string, unknown>;
const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

function definition(schema: Json, uiSchema: Json, fields: string[]): ServiceDefinition {
  return {
    formatVersion: 1,
    schema: { type: 'object', ...schema },
    uiSchema,
    pages: [{ id: 'etape', title: 'Étape', fields }],
    settings: {},
  } as unknown as ServiceDefinition;
}

describe('a list `a` whose items hold a field `a`', () => {
  const def = definition(
    {
      properties: {
        a: {
          type: 'array',
          title: 'Liste',
          items: { type: 'object', properties: { a: { type: 'string', title: 'Champ' } } },
        },
      },
    },
    { a: { 'ui:options': { orderable: false }, items: { a: { 'ui:title': 'Nom du champ' } } } },
    ['a'],
  );

  it('finds the field’s uiSchema in the items, not the list’s own', () => {
    expect(uiAt(def, ['a', 'a'])).toEqual({ 'ui:title': 'Nom du champ' });
    expect(labelAt(def, ['a', 'a'])).toBe('Nom du champ');
  });

  it('renames it where the form reads it', () => {
    const edited = renameField(def, ['a', 'a'], 'Prénom');
    const expected = copy(def) as unknown as { uiSchema: { a: { items: { a: Json } } } };
    expected.uiSchema.a.items.a['ui:title'] = 'Prénom';
    expect(JSON.stringify(edited)).toBe(JSON.stringify(expected));
  });
});

describe('a tuple whose uiSchema’s `items` is a list', () => {
  const def = definition(
    {
      properties: {
        creneau: {
          type: 'array',
          title: 'Créneau',
          prefixItems: [
            { type: 'string', title: 'Salle', default: 'grande' },
            { type: 'string', title: 'Jour', format: 'date' },
            { type: 'string', title: 'Heure', format: 'time' },
          ],
          items: false,
          minItems: 3,
        },
      },
    },
    { creneau: { items: [{ 'ui:widget': 'hidden' }, { 'ui:title': 'Jour de la réservation' }] } },
    ['creneau'],
  );

  it('lists its places as the fields inside it, named as the form names them', () => {
    expect(childKeys(def, ['creneau'])).toEqual(['0', '1', '2']);
    expect(['0', '1', '2'].map((i) => labelAt(def, ['creneau', i]))).toEqual([
      'Salle',
      'Jour de la réservation',
      'Heure',
    ]);
    expect(nodeAt(def, ['creneau', '2'])).toEqual({ type: 'string', title: 'Heure', format: 'time' });
    expect(pointerOf(def, ['creneau', '1'])).toBe('/creneau/1');
    // The editor keeps a place selected while it exists (a field without `type` too), and only then.
    expect([existsAt(def, ['creneau', '2']), existsAt(def, ['creneau', '3']), existsAt(def, ['creneau', 'x'])]).toEqual(
      [true, false, false],
    );
  });

  it('hands back the place’s own entry of the list, so an edit of it is kept', () => {
    const next = copy(def);
    const entry = uiAt(next, ['creneau', '1'], true);
    entry['ui:help'] = 'Au format jj/mm/aaaa';
    expect((next.uiSchema as { creneau: { items: Json[] } }).creneau.items[1]).toEqual({
      'ui:title': 'Jour de la réservation',
      'ui:help': 'Au format jj/mm/aaaa',
    });
  });

  it('renames a place by its ui:title, and one without entry by its title, the rest as it was', () => {
    const byUi = renameField(def, ['creneau', '1'], 'Date');
    const expectedUi = copy(def) as unknown as { uiSchema: { creneau: { items: Json[] } } };
    expectedUi.uiSchema.creneau.items[1]!['ui:title'] = 'Date';
    expect(JSON.stringify(byUi)).toBe(JSON.stringify(expectedUi));

    const bySchema = renameField(def, ['creneau', '2'], 'Heure d’arrivée');
    const expectedSchema = copy(def) as unknown as { schema: { properties: { creneau: { prefixItems: Json[] } } } };
    expectedSchema.schema.properties.creneau.prefixItems[2]!.title = 'Heure d’arrivée';
    expect(JSON.stringify(bySchema)).toBe(JSON.stringify(expectedSchema));
  });

  it('writes a help on a place the uiSchema’s list does not reach, and nothing when it is emptied again', () => {
    const helped = updateField(def, ['creneau', '2'], (_n, ui) => (ui['ui:help'] = 'Heure d’arrivée'));
    expect((helped.uiSchema as { creneau: { items: Json[] } }).creneau.items).toEqual([
      { 'ui:widget': 'hidden' },
      { 'ui:title': 'Jour de la réservation' },
      { 'ui:help': 'Heure d’arrivée' },
    ]);
    const bare = definition(copy(def.schema) as Json, {}, ['creneau']);
    const untouched = updateField(bare, ['creneau', '1'], () => undefined);
    expect(JSON.stringify(untouched)).toBe(JSON.stringify(bare));
  });
});

describe('groups kept in `$defs` and reused by `$ref`', () => {
  const def = definition(
    {
      $defs: {
        adresse: {
          type: 'object',
          title: 'Adresse',
          required: ['rue'],
          properties: {
            rue: { type: 'string', title: 'Rue' },
            commune: { $ref: '#/$defs/commune' },
          },
        },
        commune: { type: 'string', title: 'Commune', enum: ['75056', '69123'] },
        pole: {
          type: 'object',
          properties: {
            nom: { type: 'string', title: 'Nom du pôle' },
            sousPoles: { type: 'array', title: 'Sous-pôles', items: { $ref: '#/$defs/pole' } },
          },
        },
        boucle: { $ref: '#/$defs/boucle' },
      },
      properties: {
        domicile: { $ref: '#/$defs/adresse', title: 'Domicile' },
        travail: { $ref: '#/$defs/adresse' },
        anciennes: { type: 'array', title: 'Anciennes adresses', items: { $ref: '#/$defs/adresse' } },
        pole: { $ref: '#/$defs/pole' },
        boucle: { $ref: '#/$defs/boucle' },
      },
    },
    { travail: { rue: { 'ui:title': 'Rue du travail' } } },
    ['domicile', 'travail', 'anciennes', 'pole', 'boucle'],
  );

  it('lists the fields of a `$ref`’d group and of a `$ref`’d list item', () => {
    expect(childKeys(def, ['domicile'])).toEqual(['rue', 'commune']);
    expect(childKeys(def, ['anciennes'])).toEqual(['rue', 'commune']);
    expect(labelAt(def, ['domicile', 'rue'])).toBe('Rue');
    expect(labelAt(def, ['travail', 'rue'])).toBe('Rue du travail');
    expect(labelAt(def, ['anciennes', 'commune'])).toBe('Commune');
    expect(pointerOf(def, ['anciennes', 'rue'])).toBe('/anciennes/*/rue');
  });

  it('renames a field of the group in its definition, every $ref left as written', () => {
    const edited = renameField(def, ['domicile', 'rue'], 'Voie');
    const expected = copy(def) as unknown as { schema: { $defs: { adresse: { properties: { rue: Json } } } } };
    expected.schema.$defs.adresse.properties.rue.title = 'Voie';
    expect(JSON.stringify(edited)).toBe(JSON.stringify(expected));
    // Where the uiSchema renames it, the name is this place's alone.
    const local = renameField(def, ['travail', 'rue'], 'Lieu de travail');
    const expectedLocal = copy(def) as unknown as { uiSchema: { travail: { rue: Json } } };
    expectedLocal.uiSchema.travail.rue['ui:title'] = 'Lieu de travail';
    expect(JSON.stringify(local)).toBe(JSON.stringify(expectedLocal));
  });

  it('follows a recursive group one level at a time, and a $ref to itself without looping', () => {
    expect(childKeys(def, ['pole', 'sousPoles', 'sousPoles'])).toEqual(['nom', 'sousPoles']);
    expect(labelAt(def, ['pole', 'sousPoles', 'nom'])).toBe('Nom du pôle');
    expect(childKeys(def, ['boucle'])).toEqual([]);
    expect(existsAt(def, ['pole', 'sousPoles', 'sousPoles', 'nom'])).toBe(true);
    expect(existsAt(def, ['boucle', 'x'])).toBe(false);
    expect(nodeAt(def, ['boucle', 'x'])).toEqual({});
  });

  it('says which group a field belongs to and how many places draw it', () => {
    expect(sharedGroupOf(def, ['domicile', 'rue'])).toEqual({ name: 'Adresse', uses: 3, recursive: false });
    expect(sharedGroupOf(def, ['anciennes', 'commune'])).toEqual({ name: 'Adresse', uses: 3, recursive: false });
    expect(sharedGroupOf(def, ['pole', 'sousPoles', 'nom'])).toEqual({ name: 'pole', uses: 2, recursive: true });
    // The field itself a `$ref`, or a field of the form's own: edited at its place only.
    expect(sharedGroupOf(def, ['domicile'])).toBeUndefined();
    expect(sharedGroupOf(def, ['boucle'])).toBeUndefined();
  });

  it('finds every place a field of the group is drawn, a recursive one once per place', () => {
    expect(placesOfField(def, ['travail', 'rue'])).toEqual([
      ['domicile', 'rue'],
      ['travail', 'rue'],
      ['anciennes', 'rue'],
    ]);
    expect(placesOfField(def, ['pole', 'sousPoles', 'nom'])).toEqual([['pole', 'nom']]);
    expect(placesOfField(def, ['domicile'])).toEqual([['domicile']]);
  });

  it('removes a field of the group from the group, with the rules, prefill and uiSchema of every place', () => {
    const withRules = copy(def);
    withRules.rules = {
      visibility: [
        { target: '/travail/rue', when: { eq: [{ field: '/domicile/commune' }, '75056'] } },
        { target: '/domicile/commune', when: { eq: [{ field: '/anciennes/*/rue' }, 'x'] } },
        { target: '/pole', when: { eq: [{ field: '/domicile/commune' }, '69123'] } },
      ],
    } as ServiceDefinition['rules'];
    withRules.settings = { prefill: [{ claim: 'email', pointer: '/domicile/rue' }] } as ServiceDefinition['settings'];
    const removed = removeField(withRules, ['domicile', 'rue']);
    const expected = copy(withRules) as unknown as Json & {
      schema: { $defs: { adresse: Json & { properties: Json } } };
      uiSchema: Json;
      rules: { visibility: Json[] };
      settings: Json;
    };
    delete expected.schema.$defs.adresse.required;
    delete expected.schema.$defs.adresse.properties.rue;
    expected.uiSchema = { travail: {} };
    expected.rules.visibility.splice(0, 2);
    expected.settings = { prefill: [] };
    expect(JSON.stringify(removed)).toBe(JSON.stringify(expected));
  });

  it('counts a group used inside another shared group once per place of the outer one', () => {
    const nested = definition(
      {
        $defs: {
          commune: { type: 'object', title: 'Commune', properties: { code: { type: 'string', title: 'Code' } } },
          adresse: {
            type: 'object',
            title: 'Adresse',
            properties: { rue: { type: 'string' }, commune: { $ref: '#/$defs/commune' } },
          },
          // A group written in place inside a shared group is drawn wherever that group is.
          foyer: {
            type: 'object',
            properties: {
              logement: { $ref: '#/$defs/adresse' },
              secours: { type: 'object', title: 'Secours', properties: { nom: { type: 'string' } } },
            },
          },
          inutilise: { type: 'object', properties: { lieu: { $ref: '#/$defs/commune' } } },
        },
        properties: {
          domicile: { $ref: '#/$defs/adresse' },
          travail: { $ref: '#/$defs/adresse' },
          naissance: { $ref: '#/$defs/commune' },
          foyers: { type: 'array', items: { $ref: '#/$defs/foyer' } },
          autre: { $ref: '#/$defs/foyer' },
          copie: { $ref: '#/$defs/foyer/properties/secours' },
        },
      },
      {},
      ['domicile', 'travail', 'naissance', 'foyers', 'autre', 'copie'],
    );
    // commune: twice through adresse's own places (domicile, travail), twice more through foyer's (adresse inside
    // foyer, drawn in foyers and autre), once at naissance; the $ref of a group no place uses counts nothing.
    expect(sharedGroupOf(nested, ['domicile', 'commune', 'code'])).toEqual({
      name: 'Commune',
      uses: 5,
      recursive: false,
    });
    expect(sharedGroupOf(nested, ['domicile', 'rue'])).toEqual({ name: 'Adresse', uses: 4, recursive: false });
    // Secours: written inside foyer (2 places) and used once more by its own pointer.
    expect(sharedGroupOf(nested, ['copie', 'nom'])).toEqual({ name: 'Secours', uses: 3, recursive: false });
  });

  it('counts a group reused from where it is written as one more place', () => {
    const inPlace = definition(
      {
        properties: {
          siege: { type: 'object', title: 'Siège', properties: { rue: { type: 'string' } } },
          correspondance: { $ref: '#/properties/siege' },
        },
      },
      {},
      ['siege', 'correspondance'],
    );
    expect(sharedGroupOf(inPlace, ['correspondance', 'rue'])).toEqual({ name: 'Siège', uses: 2, recursive: false });
  });
});

describe('removing a field that a `$ref` elsewhere names', () => {
  const def = definition(
    {
      required: ['siege'],
      properties: {
        siege: {
          type: 'object',
          title: 'Siège',
          properties: { rue: { type: 'string', title: 'Rue' }, 'code postal': { type: 'string' } },
        },
        correspondance: { $ref: '#/properties/siege', title: 'Correspondance' },
        code: { $ref: '#/properties/siege/properties/code%20postal' },
        nom: { type: 'string', title: 'Nom' },
      },
    },
    { siege: { rue: { 'ui:help': 'Numéro et voie' } } },
    ['siege', 'correspondance', 'code', 'nom'],
  );
  def.settings = { signIn: 'none' } as ServiceDefinition['settings'];

  it('moves what it names to `$defs` and repoints the `$ref`s, so the definition still saves', () => {
    const removed = removeField(def, ['siege']);
    const expected = copy(def) as unknown as { schema: Json & { properties: Json }; uiSchema: Json };
    const siege = expected.schema.properties.siege as Json;
    delete expected.schema.properties.siege;
    delete expected.schema.required;
    (expected.schema.properties.correspondance as Json).$ref = '#/$defs/siege';
    (expected.schema.properties.code as Json).$ref = '#/$defs/siege/properties/code%20postal';
    expected.schema.$defs = { siege };
    expected.uiSchema = {};
    (expected as unknown as { pages: Array<{ fields: string[] }> }).pages[0]!.fields = [
      'correspondance',
      'code',
      'nom',
    ];
    expect(JSON.stringify(removed)).toBe(JSON.stringify(expected));
    expect(draftSaveProblems(removed)).toEqual([]);
    expect(labelAt(removed, ['correspondance', 'rue'])).toBe('Rue');
  });

  it('removes a field nothing names as before, and a field whose `$ref`s are all inside it with them', () => {
    const removed = removeField(def, ['nom']);
    expect(removed.schema.$defs).toBeUndefined();
    const alone = definition(
      {
        properties: {
          arbre: { type: 'object', properties: { sous: { type: 'array', items: { $ref: '#/properties/arbre' } } } },
        },
      },
      {},
      ['arbre'],
    );
    expect(removeField(alone, ['arbre']).schema).toEqual({ type: 'object', properties: {} });
  });
});

describe('fields declared in branches and parts (`oneOf`/`anyOf`, `allOf`, `if`/`then`)', () => {
  const def = definition(
    {
      $defs: { personne: { type: 'object', title: 'Personne', properties: { nom: { type: 'string', title: 'Nom' } } } },
      properties: {
        motif: { type: 'string', title: 'Motif', enum: ['travaux', 'autre'] },
        demandeur: {
          type: 'object',
          title: 'Demandeur',
          allOf: [{ $ref: '#/$defs/personne' }, { properties: { lien: { type: 'string', title: 'Lien' } } }],
        },
        envoi: {
          type: 'object',
          title: 'Envoi',
          oneOf: [
            { title: 'Par courrier', properties: { adresse: { type: 'string', title: 'Adresse' } } },
            {
              title: 'Par courriel',
              properties: { courriel: { type: 'string', title: 'Courriel' }, adresse: { type: 'string' } },
              required: ['courriel'],
            },
          ],
        },
        fin: { type: 'string', title: 'Fin' },
      },
      allOf: [
        {
          if: { properties: { motif: { const: 'autre' } } },
          then: { properties: { precision: { type: 'string', title: 'Précision' } }, required: ['precision'] },
        },
      ],
    },
    {
      demandeur: { lien: { 'ui:help': 'Votre lien' } },
      envoi: { oneOf: [{ adresse: { 'ui:title': 'Adresse postale' } }, {}] },
      precision: { 'ui:placeholder': 'Précisez' },
    },
    ['motif', 'demandeur', 'envoi', 'fin'],
  );

  it('lists them where the form draws them, named by their key at the group’s level', () => {
    expect(childKeys(def, ['demandeur'])).toEqual(['nom', 'lien']);
    expect(childKeys(def, ['envoi'])).toEqual(['adresse', 'courriel']);
    // A field only a condition brings, on no page: after the field it follows, on that field's page.
    expect(pageFieldKeys(def, 'etape')).toEqual(['motif', 'demandeur', 'envoi', 'fin', 'precision']);
    expect(existsAt(def, ['precision'])).toBe(true);
    expect(pointerOf(def, ['envoi', 'courriel'])).toBe('/envoi/courriel');
  });

  it('reads a branch field’s uiSchema where the form reads it: its branch’s in `uiSchema.oneOf`, else the group’s', () => {
    expect(labelAt(def, ['envoi', 'adresse'])).toBe('Adresse postale');
    expect(uiAt(def, ['envoi', 'adresse'])).toEqual({ 'ui:title': 'Adresse postale' });
    expect(uiAt(def, ['demandeur', 'lien'])).toEqual({ 'ui:help': 'Votre lien' });
    expect(uiAt(def, ['precision'])).toEqual({ 'ui:placeholder': 'Précisez' });
    expect(isRequiredAt(def, ['precision'])).toBe(true);
    expect(isRequiredAt(def, ['envoi', 'courriel'])).toBe(true);
  });

  it('edits each where it is declared, the rest of the schema as written', () => {
    const renamed = renameField(renameField(def, ['precision'], 'Précision du motif'), ['envoi', 'courriel'], 'Mél');
    const expected = copy(def) as unknown as {
      schema: { allOf: Array<{ then: { properties: { precision: Json } } }>; properties: { envoi: { oneOf: Json[] } } };
    };
    expected.schema.allOf[0]!.then.properties.precision.title = 'Précision du motif';
    (expected.schema.properties.envoi.oneOf[1] as { properties: { courriel: Json } }).properties.courriel.title = 'Mél';
    expect(JSON.stringify(renamed)).toBe(JSON.stringify(expected));
    // The uiSchema's label of a branch field is its branch's.
    const local = renameField(def, ['envoi', 'adresse'], 'Votre adresse');
    expect((local.uiSchema as { envoi: { oneOf: Json[] } }).envoi.oneOf[0]).toEqual({
      adresse: { 'ui:title': 'Votre adresse' },
    });
    // Required or not: the branch's own list.
    const optional = setRequired(def, ['precision'], false);
    expect((optional.schema as { allOf: Array<{ then: Json }> }).allOf[0]!.then).toEqual({
      properties: { precision: { type: 'string', title: 'Précision' } },
    });
    expect((optional.schema as Json).required).toBeUndefined();
  });

  it('removes one from its branch, with its uiSchema, and moves none out of it', () => {
    const removed = removeField(def, ['envoi', 'courriel']);
    const branch = (removed.schema as { properties: { envoi: { oneOf: Json[] } } }).properties.envoi.oneOf[1];
    expect(branch).toEqual({ title: 'Par courriel', properties: { adresse: { type: 'string' } } });
    const gone = removeField(def, ['precision']);
    expect((gone.schema as { allOf: Array<{ then: Json }> }).allOf[0]!.then).toEqual({ properties: {} });
    expect(gone.uiSchema).not.toHaveProperty('precision');
    // A branch's field keeps its place among the branch's: moving it, or before it, changes nothing.
    expect(moveField(def, 'etape', ['envoi', 'courriel'], -1)).toBe(def);
    expect(moveField(def, 'etape', ['demandeur', 'lien'], -1)).toBe(def);
  });

  it('says where a field is declared, and when it is a shared group’s through a `$ref`’d part', () => {
    expect(declarationAt(def, ['envoi', 'adresse'])).toMatchObject({ route: [{ keyword: 'oneOf', at: 0 }], others: 1 });
    expect(declarationAt(def, ['precision'])?.route.map((s) => s.keyword)).toEqual(['allOf', 'then']);
    expect(declarationAt(def, ['motif'])?.route).toEqual([]);
    expect(sharedGroupOf(def, ['demandeur', 'nom'])).toEqual({ name: 'Personne', uses: 1, recursive: false });
    expect(sharedGroupOf(def, ['demandeur', 'lien'])).toBeUndefined();
  });
});
