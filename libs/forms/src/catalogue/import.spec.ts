import AjvDraft07 from 'ajv';
import { checkDefinition } from '../check-definition';
import { createAjv } from '../ajv';
import { publishProblems, type ServiceDefinition } from '@guichet/shared';
import { fromBareSchema, readImport, resolveBundle, toDraft2020 } from './import';

type Schema = Record<string, unknown>;

/** ajv's draft-07 verdict on the original and ours on the conversion must agree on every sample. */
function sameVerdicts(draft07: Schema, converted: unknown, samples: unknown[]): void {
  const before = new AjvDraft07({ strict: false }).compile(draft07);
  const after = createAjv().compile(converted as Schema);
  for (const data of samples) expect([data, after(data)]).toEqual([data, before(data)]);
}

/** The imported definition, which must pass every check a save passes. */
function imported(file: Schema, uiSchema?: Schema) {
  const read = readImport(file, uiSchema)!;
  const check = checkDefinition(read.definition);
  if (!check.ok) throw new Error(JSON.stringify(check.errors, null, 2));
  // As ServiceCatalogue.import answers: every pointer into the definition it produced.
  const kept = check.warnings.map((w) => ({ ...w, pointer: `/definition${w.pointer}` }));
  return { definition: check.definition, warnings: [...read.warnings, ...kept] };
}

describe('toDraft2020', () => {
  it('renames definitions to $defs and makes every reference follow, nested ones included (before: only a leading #/definitions/ moved, a nested one was refused)', () => {
    const draft07 = {
      type: 'object',
      definitions: {
        address: { type: 'object', properties: { city: { type: 'string', minLength: 2 } }, required: ['city'] },
      },
      properties: {
        home: { $ref: '#/definitions/address' },
        city: { $ref: '#/definitions/address/properties/city' },
      },
    };
    const converted = toDraft2020(draft07) as Schema;
    expect(converted).toEqual({
      type: 'object',
      $defs: draft07.definitions,
      properties: { home: { $ref: '#/$defs/address' }, city: { $ref: '#/$defs/address/properties/city' } },
    });
    sameVerdicts(draft07, converted, [{ home: { city: 'Orléans' }, city: 'Tours' }, { home: {} }, { city: 'x' }]);
  });

  it('splits dependencies into dependentRequired and dependentSchemas (before: refused as an unknown keyword)', () => {
    const draft07 = {
      type: 'object',
      properties: { card: { type: 'string' }, billing: { type: 'string' }, pet: { type: 'string' } },
      dependencies: {
        card: ['billing'],
        pet: { properties: { petName: { type: 'string', minLength: 1 } }, required: ['petName'] },
      },
    };
    const converted = toDraft2020(draft07) as Schema;
    expect(converted).toEqual({
      type: 'object',
      properties: draft07.properties,
      dependentRequired: { card: ['billing'] },
      dependentSchemas: { pet: draft07.dependencies.pet },
    });
    sameVerdicts(draft07, converted, [
      {},
      { card: '1' },
      { card: '1', billing: 'x' },
      { pet: 'chat' },
      { pet: 'chat', petName: 'Félix' },
    ]);
  });

  it('turns a draft-07 tuple into prefixItems, additionalItems into items, and references into the tuple follow (before: refused)', () => {
    const draft07 = {
      type: 'object',
      properties: {
        pair: { type: 'array', items: [{ type: 'string' }, { type: 'boolean' }], additionalItems: { type: 'number' } },
        first: { $ref: '#/properties/pair/items/0' },
        list: { type: 'array', items: { type: 'string' }, additionalItems: false },
      },
    };
    const converted = toDraft2020(draft07) as { properties: Record<string, unknown> };
    expect(converted.properties).toEqual({
      pair: { type: 'array', prefixItems: [{ type: 'string' }, { type: 'boolean' }], items: { type: 'number' } },
      first: { $ref: '#/properties/pair/prefixItems/0' },
      // Without a tuple, draft-07 ignores additionalItems: it goes, rather than forbid every item.
      list: { type: 'array', items: { type: 'string' } },
    });
    sameVerdicts(draft07, converted, [
      { pair: ['a', true, 1, 2] },
      { pair: ['a', true, 'x'] },
      { pair: [1] },
      { first: 3 },
      { list: ['a', 'b'] },
    ]);
  });

  it('gives draft-04’s boolean exclusiveMinimum/Maximum their numeric form (before: refused by ajv, in English)', () => {
    expect(
      toDraft2020({ type: 'number', minimum: 0, exclusiveMinimum: true, maximum: 10, exclusiveMaximum: false }),
    ).toEqual({ type: 'number', exclusiveMinimum: 0, maximum: 10 });
  });

  it('turns enumNames into oneOf of const + title where enum was, keeping the labels', () => {
    expect(
      toDraft2020({
        type: 'string',
        title: 'Jour',
        enum: ['lun', 'mar'],
        enumNames: ['Lundi', 'Mardi'],
        default: 'lun',
      }),
    ).toEqual({
      type: 'string',
      title: 'Jour',
      oneOf: [
        { const: 'lun', title: 'Lundi' },
        { const: 'mar', title: 'Mardi' },
      ],
      default: 'lun',
    });
  });

  it('writes a $ref beside properties or required as allOf of both, its title beside it, as 2019-09 means it (before: the referred group’s fields were lost to RJSF’s reading and the citizen could not answer what ajv required)', () => {
    const converted = toDraft2020({
      $schema: 'https://json-schema.org/draft/2019-09/schema',
      type: 'object',
      $defs: {
        adresse: { type: 'object', required: ['voie'], properties: { voie: { type: 'string' } } },
      },
      properties: {
        bien: {
          $ref: '#/$defs/adresse',
          title: 'Adresse du bien',
          properties: { complement: { type: 'string' }, renvoi: { $ref: '#/properties/bien/properties/complement' } },
          required: ['voie', 'complement'],
        },
        postale: { $ref: '#/$defs/adresse', title: 'Adresse postale' },
      },
    }) as Schema;
    expect((converted.properties as Schema).bien).toEqual({
      title: 'Adresse du bien',
      allOf: [
        { $ref: '#/$defs/adresse' },
        {
          properties: {
            complement: { type: 'string' },
            renvoi: { $ref: '#/properties/bien/allOf/1/properties/complement' },
          },
          required: ['voie', 'complement'],
        },
      ],
    });
    // A $ref beside words that only name or describe it stays as it is.
    expect((converted.properties as Schema).postale).toEqual({ $ref: '#/$defs/adresse', title: 'Adresse postale' });
  });

  it('keeps the authored key order and every annotation as written', () => {
    const converted = toDraft2020({
      title: 'T',
      type: 'object',
      errorMessage: { required: 'x' },
      properties: { zeta: { type: 'string', 'x-vendor': 1 }, alpha: { type: 'string' } },
      required: ['zeta'],
    }) as Schema;
    expect(Object.keys(converted)).toEqual(['title', 'type', 'errorMessage', 'properties', 'required']);
    expect(Object.keys(converted.properties as Schema)).toEqual(['zeta', 'alpha']);
    expect(converted.errorMessage).toEqual({ required: 'x' });
  });

  it('turns an OpenAPI document’s components.schemas into $defs, its references following (before: refused, ref_unresolved into an annotation, where RJSF follows any local pointer)', () => {
    const openapi = {
      $ref: '#/components/schemas/Demande',
      components: {
        schemas: {
          Categorie: { enum: ['sport', 'culture'], type: 'string' },
          Demande: {
            type: 'object',
            properties: {
              categorie: { oneOf: [{ $ref: '#/components/schemas/Categorie' }, { enum: [null] }] },
              projets: { type: 'array', items: { $ref: '#/components/schemas/Projet' } },
            },
            required: ['projets'],
          },
          Projet: { type: 'object', properties: { budget: { type: 'string' } }, required: ['budget'] },
        },
        securitySchemes: { jwt: { type: 'http' } },
      },
    };
    const converted = toDraft2020(openapi) as Schema;
    expect(converted).toEqual({
      $ref: '#/$defs/Demande',
      $defs: {
        Categorie: openapi.components.schemas.Categorie,
        Demande: {
          type: 'object',
          properties: {
            categorie: { oneOf: [{ $ref: '#/$defs/Categorie' }, { enum: [null] }] },
            projets: { type: 'array', items: { $ref: '#/$defs/Projet' } },
          },
          required: ['projets'],
        },
        Projet: openapi.components.schemas.Projet,
      },
      // What is not a schema stays, an annotation.
      components: { securitySchemes: { jwt: { type: 'http' } } },
    });
    sameVerdicts(openapi, converted, [
      { categorie: 'sport', projets: [{ budget: '10' }] },
      { categorie: null, projets: [] },
      { categorie: 'autre', projets: [] },
      { projets: [{}] },
    ]);
    // Imported whole: the root reference is wrapped like any other, and the definition passes every check.
    const { definition, warnings } = imported(openapi);
    expect(Object.keys(definition.schema.properties as Schema)).toEqual(['Demande']);
    expect(warnings).toContainEqual(
      expect.objectContaining({ code: 'converted', message: expect.stringContaining('components.schemas') }),
    );
  });

  it('leaves a components.schemas entry whose name $defs already holds where it was, with its references', () => {
    const converted = toDraft2020({
      $defs: { A: { type: 'string' } },
      components: { schemas: { A: { type: 'number' }, B: { type: 'boolean' } } },
      properties: { a: { $ref: '#/components/schemas/A' }, b: { $ref: '#/components/schemas/B' } },
    }) as Schema;
    expect(converted.$defs).toEqual({ B: { type: 'boolean' }, A: { type: 'string' } });
    expect(converted.components).toEqual({ schemas: { A: { type: 'number' } } });
    expect(converted.properties).toEqual({ a: { $ref: '#/components/schemas/A' }, b: { $ref: '#/$defs/B' } });
  });
});

describe('resolveBundle', () => {
  it('resolves $ref by $id, by a relative $id, by $anchor and by plain-name fragments into local pointers (before: remote_ref)', () => {
    const bundle = {
      $id: 'https://example.fr/schemas/demande.json',
      type: 'object',
      definitions: {
        address: {
          $id: 'adresse.json',
          type: 'object',
          properties: { postcode: { $ref: '#/definitions/postcode' } },
          definitions: { postcode: { type: 'string', pattern: '^\\d{5}$' } },
        },
        phone: { $id: '#phone', type: 'string' },
        email: { $anchor: 'email', type: 'string', format: 'email' },
        legacy: { id: '#legacy', type: 'string' },
      },
      properties: {
        home: { $ref: 'adresse.json' },
        work: { $ref: 'https://example.fr/schemas/adresse.json' },
        postcode: { $ref: 'adresse.json#/definitions/postcode' },
        phone: { $ref: '#phone' },
        email: { $ref: '#email' },
        legacy: { $ref: '#legacy' },
        remote: { $ref: 'https://ailleurs.example/schema.json' },
      },
    };
    const resolved = resolveBundle(bundle) as { properties: Record<string, { $ref: string }>; definitions: Schema };
    expect(Object.fromEntries(Object.entries(resolved.properties).map(([k, v]) => [k, v.$ref]))).toEqual({
      home: '#/definitions/address',
      work: '#/definitions/address',
      postcode: '#/definitions/address/definitions/postcode',
      phone: '#/definitions/phone',
      email: '#/definitions/email',
      legacy: '#/definitions/legacy',
      remote: 'https://ailleurs.example/schema.json',
    });
    // A pointer inside a subschema with its own $id is relative to that subschema.
    expect(
      (resolved.definitions.address as { properties: { postcode: { $ref: string } } }).properties.postcode.$ref,
    ).toBe('#/definitions/address/definitions/postcode');
  });

  it('imports the bundle as one self-contained definition; a remote reference is still refused', () => {
    const bundle = {
      $id: 'https://example.fr/s.json',
      type: 'object',
      $defs: { code: { $id: 'code.json', type: 'string', pattern: '^[A-Z]{2}$' } },
      properties: { pays: { $ref: 'code.json' } },
    };
    const { definition } = imported(bundle);
    expect(definition.schema).toEqual({
      type: 'object',
      $defs: { code: { type: 'string', pattern: '^[A-Z]{2}$' } },
      properties: { pays: { $ref: '#/$defs/code' } },
    });
    const remote = readImport({ type: 'object', properties: { a: { $ref: 'https://evil.example/s.json' } } })!;
    expect(checkDefinition(remote.definition)).toMatchObject({
      ok: false,
      errors: [expect.objectContaining({ code: 'remote_ref', pointer: '/schema/properties/a/$ref' })],
    });
  });
});

describe('root shapes', () => {
  it('wraps a root $ref to definitions in a field named after it, with a page and a French warning (before: "n’existe pas" errors on an empty form)', () => {
    const { definition, warnings } = imported({
      $schema: 'http://json-schema.org/draft-07/schema#',
      $ref: '#/definitions/demande',
      definitions: {
        demande: { type: 'object', title: 'Demande', properties: { objet: { type: 'string' } } },
        self: { type: 'object', properties: { child: { $ref: '#' } } },
      },
    });
    expect(definition.schema).toEqual({
      type: 'object',
      $defs: {
        demande: { type: 'object', title: 'Demande', properties: { objet: { type: 'string' } } },
        // A reference to the old root follows it into the field.
        self: { type: 'object', properties: { child: { $ref: '#/properties/demande' } } },
      },
      properties: { demande: { $ref: '#/$defs/demande' } },
      required: ['demande'],
    });
    // The wrapped group is a group: its own page, named after it.
    expect(definition.pages).toEqual([{ id: 'demande', title: 'Demande', fields: ['demande'] }]);
    expect(warnings).toContainEqual(
      expect.objectContaining({
        code: 'root_wrapped',
        pointer: '/definition/schema/properties/demande',
        message: expect.stringContaining('une référence « #/$defs/demande »'),
      }),
    );
  });

  it('titles a wrapped root $ref to an untitled type with the service’s title, as RJSF draws that root without a legend (before: the group and its page were « DeclarationPrealable », and publishing refused it, missing_label)', () => {
    const file = {
      $ref: '#/definitions/DeclarationPrealable',
      $schema: 'http://json-schema.org/draft-07/schema#',
      definitions: {
        DeclarationPrealable: {
          additionalProperties: false,
          properties: { surface: { title: 'Surface', type: 'number' } },
          type: 'object',
        },
      },
    };
    const read = readImport({ schema: file }, undefined, 'Déclaration préalable de travaux')!;
    const check = checkDefinition(read.definition);
    if (!check.ok) throw new Error(JSON.stringify(check.errors));
    expect(check.definition.schema.properties).toEqual({
      DeclarationPrealable: { $ref: '#/$defs/DeclarationPrealable', title: 'Déclaration préalable de travaux' },
    });
    expect(check.definition.pages).toEqual([
      expect.objectContaining({ title: 'Déclaration préalable de travaux', fields: ['DeclarationPrealable'] }),
    ]);
    expect(publishProblems(check.definition)).toEqual([]);
    // A title of the type's own, or a ui:title, stays the words: nothing is added.
    const titled = structuredClone(file);
    (titled.definitions.DeclarationPrealable as Schema).title = 'Déclaration';
    expect(
      (readImport({ schema: titled }, undefined, 'Autre')!.definition as ServiceDefinition).schema.properties,
    ).toEqual({ DeclarationPrealable: { $ref: '#/$defs/DeclarationPrealable' } });
    expect(
      (
        readImport({ schema: file, uiSchema: { 'ui:title': 'Déclaration' } }, undefined, 'Autre')!
          .definition as ServiceDefinition
      ).schema.properties,
    ).toEqual({ DeclarationPrealable: { $ref: '#/$defs/DeclarationPrealable' } });
  });

  it.each<[string, Schema, string]>([
    ['a scalar root', { type: 'string', title: 'Votre message', maxLength: 200 }, 'une valeur de type « string »'],
    [
      'a root array',
      { type: 'array', title: 'Vos enfants', items: { type: 'object', properties: { nom: { type: 'string' } } } },
      'une liste',
    ],
    [
      'a root made of allOf',
      {
        allOf: [{ $ref: '#/$defs/base' }, { properties: { b: { type: 'string' } } }],
        $defs: { base: { type: 'object', properties: { a: { type: 'string' } } } },
      },
      'une composition « allOf »',
    ],
    ['a root oneOf', { oneOf: [{ type: 'string' }, { type: 'number' }] }, 'une composition « oneOf »'],
  ])('wraps %s in « reponse » (before: refused with a misleading message, or not recognised)', (_name, root, says) => {
    const { definition, warnings } = imported(root, { 'ui:placeholder': 'x' });
    const { $defs, ...inner } = root;
    expect(definition.schema.properties).toEqual({ reponse: inner });
    expect((definition.schema as Schema).$defs).toEqual($defs);
    expect(definition.schema.required).toEqual(['reponse']);
    expect(definition.pages.flatMap((p) => p.fields)).toEqual(['reponse']);
    expect(definition.uiSchema).toEqual({ reponse: { 'ui:placeholder': 'x' } });
    expect(warnings).toContainEqual(
      expect.objectContaining({ code: 'root_wrapped', message: expect.stringContaining(says) }),
    );
    // The wrapped schema means what the root meant, one level down.
    const validate = createAjv().compile(definition.schema);
    const answer =
      root.type === 'string'
        ? 'Bonjour'
        : root.type === 'array'
          ? [{ nom: 'Léo' }]
          : root.oneOf
            ? 3
            : { a: 'x', b: 'y' };
    expect(validate({ reponse: answer })).toBe(true);
  });

  it('keeps a root object whose anyOf says « at least one of »', () => {
    const root = {
      type: 'object',
      properties: { email: { type: 'string' }, phone: { type: 'string' } },
      anyOf: [{ required: ['email'] }, { required: ['phone'] }],
    };
    const { definition, warnings } = imported(root);
    expect(definition.schema).toEqual(root);
    expect(warnings).toEqual([]);
  });
});

describe('readImport warnings', () => {
  it('lists each conversion and each annotation with a pointer into the definition, in French', () => {
    const { definition, warnings } = imported(
      {
        type: 'object',
        definitions: { nom: { type: 'string', errorMessage: 'Nom requis' } },
        properties: { nom: { $ref: '#/definitions/nom' }, carte: { type: 'string', format: 'credit-card' } },
        dependencies: { carte: ['nom'] },
      },
      { carte: { 'ui:widget': 'CreditCardWidget' } },
    );
    expect(warnings.map((w) => [w.code, w.pointer])).toEqual(
      expect.arrayContaining([
        ['converted', '/definition/schema/$defs'],
        ['converted', '/definition/schema'],
        ['annotation', '/definition/schema/$defs/nom/errorMessage'],
        ['unknown_format', '/definition/schema/properties/carte/format'],
        ['unknown_widget', '/definition/uiSchema/carte/ui:widget'],
      ]),
    );
    for (const w of warnings) expect(w.message).toMatch(/[éèàçêô’«]/);
    // Kept as written, to travel back out with the service.
    expect((definition.schema.$defs as Record<string, Schema>).nom!.errorMessage).toBe('Nom requis');
  });

  it('recognises a bare schema by any of its keywords, not only an object root', () => {
    expect(readImport({ $schema: 'http://json-schema.org/draft-07/schema#', type: 'string' })).toBeDefined();
    expect(readImport({ hello: 'world' })).toBeUndefined();
  });

  it('has nothing to say about a 2020-12 object schema', () => {
    expect(fromBareSchema({ type: 'object', properties: { a: { type: 'string' } } })).toMatchObject({
      schema: { type: 'object', properties: { a: { type: 'string' } } },
    });
    expect(readImport({ type: 'object', properties: { a: { type: 'string' } } })!.warnings).toEqual([]);
  });
});

describe('bare schemas keep their authored order', () => {
  it('keeps the root keys where they were and pages in the order of the fields', () => {
    const definition = fromBareSchema({
      title: 'Demande',
      type: 'object',
      properties: {
        nom: { type: 'string' },
        adresse: { type: 'object', title: 'Adresse', properties: { rue: { type: 'string' } } },
        commentaire: { type: 'string' },
      },
    });
    expect(Object.keys(definition.schema)).toEqual(['title', 'type', 'properties']);
    expect(definition.pages.map((p) => p.fields)).toEqual([['nom'], ['adresse'], ['commentaire']]);
  });

  it('orders pages as RJSF draws the fields (root ui:order with *) and titles a group page by its ui:title', () => {
    const definition = fromBareSchema(
      {
        type: 'object',
        properties: {
          demandeur: { type: 'object', title: 'Demandeur', properties: { nom: { type: 'string' } } },
          occupants: { type: 'array', items: { type: 'string' } },
          ressources: { type: 'object', title: 'Ressources', properties: { salaires: { type: 'number' } } },
          motif: { type: 'string' },
        },
      },
      { 'ui:order': ['ressources', 'demandeur', '*'], ressources: { 'ui:title': 'Ressources du foyer' } },
    );
    expect(definition.pages.map((p) => [p.title, p.fields])).toEqual([
      ['Ressources du foyer', ['ressources']],
      ['Demandeur', ['demandeur']],
      ['Informations', ['occupants', 'motif']],
    ]);
    // The schema itself keeps its authored order.
    expect(Object.keys(definition.schema.properties as object)).toEqual([
      'demandeur',
      'occupants',
      'ressources',
      'motif',
    ]);
  });
});
