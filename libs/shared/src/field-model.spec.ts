import { answerRows, answerText } from './answer-format';
import {
  fieldModel,
  needsSemantics,
  optionsOf,
  orderedKeys,
  resolve,
  usesFileFields,
  type Schema,
} from './field-model';
import { plainText } from './markdown-text';
import { fieldPointers } from './schema-fields';
import { createSchemaSemantics } from './schema-semantics';

describe('field model', () => {
  it('reads ui:enumNames as a list or a map, ui:enumOrder and ui:enumDisabled', () => {
    const schema = { type: 'string', enum: ['lundi', 'mardi-matin', 'mercredi'] };
    expect(optionsOf(schema, { 'ui:enumNames': ['Lundi', 'Mardi (matin)', 'Mercredi'] }).map((o) => o.label)).toEqual([
      'Lundi',
      'Mardi (matin)',
      'Mercredi',
    ]);
    const options = optionsOf(schema, {
      'ui:enumNames': { 'mardi-matin': 'Mardi (matin)' },
      'ui:enumOrder': ['mercredi', '*'],
      'ui:enumDisabled': ['lundi'],
    });
    expect(options).toEqual([
      { value: 'mercredi', label: 'mercredi' },
      { value: 'lundi', label: 'lundi', disabled: true },
      { value: 'mardi-matin', label: 'Mardi (matin)' },
    ]);
  });

  it('draws a tuple of choices as its items, never as checkboxes nor files, as RJSF does (marche-forain-draft07-tuples: « Jours de marché » came as boxes refused with « valeur attendue : un texte »)', () => {
    const jour = { type: 'string', enum: ['mardi', 'jeudi', 'samedi'] };
    const jours = {
      type: 'array',
      uniqueItems: true,
      prefixItems: [{ ...jour, title: 'Jour principal' }],
      items: jour,
    };
    expect(fieldModel(jours, jours, {}, '/jours', 'jours', false, []).kind).toBe('array');
    const pieces = { type: 'array', prefixItems: [{ type: 'string' }], items: { type: 'string', format: 'data-url' } };
    expect(fieldModel(pieces, pieces, {}, '/pieces', 'pieces', false, []).kind).toBe('array');
    // Not a tuple: RJSF's multiple choice, as before.
    const libre = { type: 'array', uniqueItems: true, items: jour };
    expect(fieldModel(libre, libre, {}, '/libre', 'libre', false, []).kind).toBe('checkboxes');
  });

  it('disables the boxes the list’s own ui:enumDisabled names when its items carry the labels, as RJSF 6’s ArrayAsMultiSelect does (before: only the items’ uiSchema was read, and « Piscine » could be ticked)', () => {
    const schema = {
      type: 'array',
      uniqueItems: true,
      items: { type: 'string', enum: ['cantine', 'piscine', 'conservatoire'] },
    };
    const ui = {
      'ui:widget': 'checkboxes',
      'ui:enumDisabled': ['piscine'],
      items: { 'ui:enumNames': ['Cantine', 'Piscine (fermée)', 'Conservatoire'], 'ui:enumDisabled': ['cantine'] },
    };
    const model = fieldModel(schema, schema, ui, '/activites', 'activites', false, []);
    expect(model.kind).toBe('checkboxes');
    // RJSF takes the labels from items and the disabled choices from the list's options (never from items).
    expect(model.options).toEqual([
      { value: 'cantine', label: 'Cantine' },
      { value: 'piscine', label: 'Piscine (fermée)', disabled: true },
      { value: 'conservatoire', label: 'Conservatoire' },
    ]);
    // Without items' uiSchema, the list's own says both, as before.
    const own = fieldModel(schema, schema, { 'ui:enumDisabled': ['conservatoire'] }, '/a', 'a', false, []);
    expect(own.options.filter((o) => o.disabled).map((o) => o.value)).toEqual(['conservatoire']);
  });

  it('reads anyOf of one-value enums with titles as choices, not free text', () => {
    const schema = {
      type: 'string',
      anyOf: [
        { enum: ['a'], title: 'Choix A' },
        { enum: ['b'], title: 'Choix B' },
      ],
    };
    const model = fieldModel(schema, schema, {}, '/x', 'x', false, []);
    expect(model.kind).toBe('radio');
    expect(model.options.map((o) => o.label)).toEqual(['Choix A', 'Choix B']);
  });

  it('draws RJSF’s widget class names and per-type aliases as the widgets they name (RJSF’s getWidget)', () => {
    const model = (schema: Schema, ui: Record<string, unknown>) => fieldModel(schema, schema, ui, '/x', 'x', false, []);
    const text = { type: 'string', title: 'Texte' };
    expect(model(text, { 'ui:widget': 'TextareaWidget' }).kind).toBe('textarea');
    expect(model(text, { 'ui:widget': 'PasswordWidget' }).inputType).toBe('password');
    expect(model(text, { 'ui:options': { widget: 'ColorWidget' } }).inputType).toBe('color');
    expect(model(text, { 'ui:widget': 'date-time' }).inputType).toBe('datetime-local');
    expect(model({ type: 'integer', minimum: 0, maximum: 5 }, { 'ui:widget': 'RangeWidget' }).inputType).toBe('range');
    expect(model({ type: 'integer', enum: [1, 2] }, { 'ui:widget': 'SelectWidget' }).kind).toBe('select');
    expect(model({ type: 'integer', enum: [1, 2, 3, 4, 5, 6, 7, 8] }, { 'ui:widget': 'RadioWidget' }).kind).toBe(
      'radio',
    );
    expect(model({ type: 'boolean' }, { 'ui:widget': 'RadioWidget' }).kind).toBe('radio');
    // A hidden field is never read back, whichever way the uiSchema names the widget.
    const definition = {
      schema: {
        type: 'object',
        properties: { a: { type: 'boolean', title: 'Caché', default: true }, b: { type: 'string', title: 'Vu' } },
      },
      uiSchema: { a: { 'ui:widget': 'HiddenWidget' } },
      pages: [{ id: 'p', title: 'Page', fields: ['a', 'b'] }],
    };
    expect(answerRows(definition, { a: true, b: 'oui' }).map((r) => r.pointer)).not.toContain('/a');
  });

  it('names untitled const alternatives (zod literals) by their branch uiSchema, as RJSF 6 optionsList does', () => {
    const schema = {
      anyOf: [
        { type: 'integer', const: 2, description: 'Deux mètres' },
        { type: 'integer', const: 4 },
        { type: 'integer', const: 6, title: 'Six' },
      ],
    };
    const ui = { anyOf: [{ 'ui:title': '2 mètres' }, { 'ui:options': { title: '4 mètres' } }, {}] };
    expect(optionsOf(schema, ui)).toEqual([
      { value: 2, label: '2 mètres' },
      { value: 4, label: '4 mètres' },
      { value: 6, label: 'Six' },
    ]);
    // Read back with the same words: the desk and the receipt showed « 4 ».
    const definition = {
      schema: { type: 'object', properties: { lineaire: { title: 'Longueur', ...schema } } },
      uiSchema: { lineaire: ui },
      pages: [{ id: 'p', title: 'Page', fields: ['lineaire'] }],
    };
    expect(answerRows(definition, { lineaire: 4 }).find((r) => r.pointer === '/lineaire')?.text).toBe('4 mètres');
  });

  it('draws oneOf of object schemas as alternatives, and date-time as a date and time input', () => {
    const alt = {
      oneOf: [
        { title: 'A', properties: { a: { type: 'string' } } },
        { title: 'B', properties: { b: { type: 'string' } } },
      ],
    };
    expect(fieldModel({}, alt, {}, '/x', 'x', false, []).kind).toBe('alternatives');
    const dt = fieldModel({}, { type: 'string', format: 'date-time' }, {}, '/d', 'd', false, []);
    expect(dt.inputType).toBe('datetime-local');
    const pw = fieldModel(
      {},
      { type: 'string' },
      { 'ui:widget': 'password', 'ui:autofocus': true },
      '/p',
      'p',
      false,
      [],
    );
    expect([pw.inputType, pw.autofocus]).toEqual(['password', true]);
  });

  it('draws a schema made only of allOf parts (OpenAPI inheritance) as the parts’ type, as RJSF merges them', () => {
    const root = {
      type: 'object',
      properties: {
        foyer: {
          type: 'array',
          items: {
            allOf: [
              { $ref: '#/$defs/Personne' },
              { properties: { lien: { type: 'string', title: 'Lien' } }, required: ['lien'] },
            ],
            unevaluatedProperties: false,
          },
        },
      },
      $defs: { Personne: { type: 'object', properties: { nom: { type: 'string', title: 'Nom' } } } },
    };
    const items = (root.properties.foyer as { items: Record<string, unknown> }).items;
    expect(fieldModel(root, items, {}, '/foyer/0', '0', false, []).kind).toBe('object');
    // Without a type anywhere, still nothing to draw.
    expect(fieldModel(root, { allOf: [{ description: 'x' }] }, {}, '/a', 'a', false, []).kind).toBe('unsupported');
  });

  it('adds the properties and required beside a $ref to the referred group’s, as 2019-09 and 2020-12 apply both (a definition sent whole; RJSF drew only the added fields and the citizen could not answer the required ones)', () => {
    const root: Schema = {
      type: 'object',
      $defs: {
        adresse: {
          type: 'object',
          title: 'Adresse',
          required: ['voie', 'commune'],
          properties: { voie: { type: 'string' }, commune: { type: 'string' } },
        },
      },
      properties: {
        bien: {
          $ref: '#/$defs/adresse',
          title: 'Adresse du bien',
          properties: { batiment: { type: 'string' }, voie: { type: 'string', maxLength: 80 } },
          required: ['batiment', 'voie'],
        },
      },
    };
    const bien = resolve(root, (root.properties as Record<string, Schema>).bien!);
    expect(Object.keys(bien.properties as object)).toEqual(['voie', 'commune', 'batiment']);
    // The sibling's own schema of a field both name is the one drawn (its bounds apply with the referred one's).
    expect((bien.properties as Record<string, Schema>).voie).toEqual({ type: 'string', maxLength: 80 });
    expect(bien.required).toEqual(['voie', 'commune', 'batiment']);
    expect(bien.title).toBe('Adresse du bien');
    // Beside words that only name it, the referred group as it is.
    expect(resolve(root, { $ref: '#/$defs/adresse', title: 'Adresse postale' }).required).toEqual(['voie', 'commune']);
  });

  it('keeps ui:order with * for the rest', () => {
    const schema = { properties: { b: {}, a: {}, c: {} } };
    expect(orderedKeys(schema, { 'ui:order': ['c', '*'] })).toEqual(['c', 'b', 'a']);
  });

  it('knows which schemas need RJSF semantics', () => {
    expect(
      needsSemantics({ type: 'object', properties: { a: { type: 'string', oneOf: [{ const: 'x', title: 'X' }] } } }),
    ).toBe(false);
    expect(needsSemantics({ type: 'object', if: { properties: { a: { const: 'x' } } }, then: {} })).toBe(true);
    expect(needsSemantics({ type: 'object', properties: { a: { type: 'string', default: 'x' } } })).toBe(true);
  });

  it('knows which schemas may draw a file field, wherever it is', () => {
    const plain = { type: 'object', properties: { a: { type: 'string', format: 'email' }, b: { enum: ['data-url'] } } };
    expect(usesFileFields(plain)).toBe(false);
    expect(usesFileFields({ type: 'object', properties: { a: { type: 'string', format: 'data-url' } } })).toBe(true);
    expect(usesFileFields({ $defs: { piece: { type: 'string', 'x-file': {} } }, properties: {} })).toBe(true);
    const branch = { oneOf: [{ properties: {} }, { properties: { p: { type: 'array', items: { 'x-file': {} } } } }] };
    expect(usesFileFields({ type: 'object', properties: { c: branch } })).toBe(true);
    // Where a file field would be drawn: the model agrees.
    expect(fieldModel({}, { type: 'string', 'x-file': {} }, {}, '/f', 'f', false, []).kind).toBe('file');
  });
});

describe('schema semantics', () => {
  const root = {
    type: 'object',
    properties: { statut: { type: 'string', enum: ['particulier', 'entreprise'] } },
    required: ['statut'],
    if: { properties: { statut: { const: 'entreprise' } }, required: ['statut'] },
    then: { properties: { siret: { type: 'string', title: 'SIRET' } }, required: ['siret'] },
    dependentSchemas: { statut: { properties: { note: { type: 'string', default: 'rien' } } } },
  };
  const semantics = createSchemaSemantics(root);

  it('draws the then branch only when the condition holds, in the order RJSF draws it', () => {
    expect(Object.keys(semantics.retrieve(root, { statut: 'particulier' }).properties as object)).toEqual([
      'statut',
      'note',
    ]);
    expect(Object.keys(semantics.retrieve(root, { statut: 'entreprise' }).properties as object)).toEqual([
      'statut',
      'note',
      'siret',
    ]);
  });

  it('fills defaults and picks the closest branch', () => {
    expect(semantics.withDefaults({ type: 'object', properties: { n: { type: 'number', default: 3 } } }, {})).toEqual({
      n: 3,
    });
    const branches = [
      { properties: { courriel: { type: 'string' } }, required: ['courriel'] },
      { properties: { telephone: { type: 'string' } }, required: ['telephone'] },
    ];
    expect(semantics.matchOption(branches, { telephone: '06' })).toBe(1);
  });
});

describe('answer rows', () => {
  const definition = {
    schema: {
      type: 'object',
      properties: {
        periode: {
          type: 'object',
          title: 'Période',
          properties: {
            debut: { type: 'string', format: 'date', title: 'Date de début' },
            fin: { type: 'string', format: 'date', title: 'Date de fin' },
          },
        },
        jours: {
          type: 'array',
          title: 'Jours',
          uniqueItems: true,
          items: { type: 'string', enum: ['lundi', 'mardi-matin'] },
        },
      },
    },
    uiSchema: { jours: { items: { 'ui:enumNames': ['Lundi', 'Mardi (matin)'] } } },
    pages: [{ id: 'p', title: 'Page', fields: ['periode', 'jours'] }],
  };

  it('reads back a list chosen in a selector (anyOf of a list and null) with the branch chosen, then its items', () => {
    const optional = {
      schema: {
        type: 'object',
        properties: {
          allergies: { anyOf: [{ type: 'array', items: { type: 'string' } }, { type: 'null' }], title: 'Allergies' },
        },
      },
      uiSchema: {},
      pages: [{ id: 'p', title: 'Page', fields: ['allergies'] }],
    };
    const rows = answerRows(
      optional,
      { allergies: ['arachide'] },
      { semantics: createSchemaSemantics(optional.schema) },
    ).filter((r) => r.kind !== 'page');
    expect(rows.map((r) => [r.pointer, r.kind, r.text])).toEqual([
      ['/allergies', 'group', 'Option 1'],
      ['/allergies/0', 'field', 'arachide'],
    ]);
  });

  it('reads free entries back by name, whatever order the answer (or its storage) gives them', () => {
    const free = {
      schema: {
        type: 'object',
        properties: { usage: { type: 'object', title: 'Usage', additionalProperties: { type: 'integer' } } },
        additionalProperties: { type: 'string' },
      },
      uiSchema: {},
      pages: [{ id: 'p', title: 'Page', fields: ['usage'] }],
    };
    const pointers = (data: Record<string, unknown>) =>
      answerRows(free, data)
        .filter((r) => r.kind === 'field')
        .map((r) => r.pointer);
    const written = { usage: { lundi: 2, jeudi: 4, Éveil: 1 }, zoé: 'a', aline: 'b' };
    expect(pointers(written)).toEqual(['/usage/Éveil', '/usage/jeudi', '/usage/lundi', '/aline', '/zoé']);
    // jsonb's order (shorter keys first) gives the same rows.
    expect(pointers({ aline: 'b', zoé: 'a', usage: { jeudi: 4, lundi: 2, Éveil: 1 } })).toEqual(pointers(written));
    // With RJSF's semantics, which stub the entries into `properties` in the answer's order: the same.
    const semantics = createSchemaSemantics(free.schema);
    expect(
      answerRows(free, written, { semantics })
        .filter((r) => r.kind === 'field')
        .map((r) => r.pointer),
    ).toEqual(pointers(written));
  });

  it('lists answers in the authored order with the labels the citizen chose', () => {
    const rows = answerRows(definition, {
      jours: ['lundi', 'mardi-matin'],
      periode: { fin: '2026-02-01', debut: '2026-01-01' },
    });
    expect(rows.map((r) => [r.kind, r.title, r.text])).toEqual([
      ['page', 'Page', ''],
      ['group', 'Période', ''],
      ['field', 'Date de début', '01/01/2026'],
      ['field', 'Date de fin', '01/02/2026'],
      ['field', 'Jours', 'Lundi, Mardi (matin)'],
    ]);
  });

  it('formats booleans and numbers in French', () => {
    const model = fieldModel({}, { type: 'number' }, {}, '/n', 'n', false, []);
    expect(answerText(model, 1234.5)).toBe('1\u202f234,5');
    expect(answerText(fieldModel({}, { type: 'boolean' }, {}, '/b', 'b', false, []), true)).toBe('Oui');
  });
});

describe('plain text of Markdown', () => {
  it('keeps the words and drops the marks, but not underscores inside words', () => {
    expect(plainText('**Important** : voir [le site](https://example.org) et `mon_champ`')).toBe(
      'Important : voir le site et mon_champ',
    );
    expect(plainText('_en italique_ et nom_de_champ')).toBe('en italique et nom_de_champ');
  });

  it('keeps HTML-like text as written: RJSF shows a title « Une lettre <u>seule</u> » as text, and so does the page', () => {
    expect(plainText('Une lettre <u>seule</u>')).toBe('Une lettre <u>seule</u>');
    expect(plainText('**Branchement** <16A> & <script>alert(1)</script>')).toBe(
      'Branchement <16A> & <script>alert(1)</script>',
    );
  });
});

describe('defaults', () => {
  it('fills default and const, but never answers a choice of values in advance', () => {
    const schema = {
      type: 'object',
      properties: {
        type: {
          type: 'string',
          oneOf: [
            { const: 'naissance', title: 'Naissance' },
            { const: 'mariage', title: 'Mariage' },
          ],
        },
        copies: { type: 'integer', default: 1 },
        pays: { type: 'string', const: 'France' },
      },
    };
    expect(createSchemaSemantics(schema).withDefaults(schema, {})).toEqual({ copies: 1, pays: 'France' });
  });
});

describe('fieldPointers', () => {
  it('knows the fields that dependencies, dependentSchemas and tuples bring', () => {
    const pointers = fieldPointers({
      type: 'object',
      properties: {
        a: { type: 'string' },
        t: { type: 'array', prefixItems: [{ type: 'object', properties: { x: {} } }] },
      },
      dependentSchemas: { a: { properties: { b: { type: 'string' } } } },
      dependencies: { a: { properties: { c: { type: 'string' } } } },
    });
    expect([...pointers]).toEqual(expect.arrayContaining(['/a', '/b', '/c', '/t', '/t/*', '/t/*/x']));
  });
});

describe('consent', () => {
  it('leaves a box that only true satisfies unticked, and fills other consts', () => {
    const schema = {
      type: 'object',
      properties: {
        accord: { type: 'boolean', const: true, title: 'J’accepte' },
        aussi: { type: 'boolean', enum: [true] },
        pays: { type: 'string', const: 'France' },
      },
      if: { properties: { accord: { const: true } } },
      then: { properties: { merci: { type: 'string', default: 'oui' } } },
    };
    const semantics = createSchemaSemantics(schema);
    // An `if` on an absent property holds (JSON Schema): its then-branch defaults apply.
    expect(semantics.withDefaults(schema, {})).toEqual({ pays: 'France', merci: 'oui' });
    expect(semantics.withDefaults(schema, { accord: true })).toEqual({ accord: true, pays: 'France', merci: 'oui' });
    expect(fieldModel(schema, schema.properties.pays, {}, '/pays', 'pays', false, []).readOnly).toBe(true);
    expect(fieldModel(schema, schema.properties.accord, {}, '/accord', 'accord', true, []).readOnly).toBe(false);
  });
});

describe('ui:emptyValue', () => {
  it('keeps a null emptyValue, from ui:emptyValue or ui:options', () => {
    expect(
      fieldModel({}, { type: ['string', 'null'] }, { 'ui:emptyValue': null }, '/a', 'a', false, []).emptyValue,
    ).toBeNull();
    expect(
      fieldModel({}, { type: 'string' }, { 'ui:options': { emptyValue: '' } }, '/a', 'a', false, []).emptyValue,
    ).toBe('');
    expect(fieldModel({}, { type: 'string' }, {}, '/a', 'a', false, []).emptyValue).toBeUndefined();
  });
});

describe('bounds of a date (formatMinimum and its kin)', () => {
  const model = (schema: Record<string, unknown>) => fieldModel({}, schema, {}, '/jour', 'jour', false, []);

  it('give the date input its min and max, an exclusive bound moving by a day', () => {
    expect(
      model({ type: 'string', format: 'date', formatMinimum: '2024-01-01', formatMaximum: '2024-12-31' }),
    ).toMatchObject({ inputType: 'date', minDate: '2024-01-01', maxDate: '2024-12-31' });
    expect(
      model({
        type: 'string',
        format: 'date',
        formatExclusiveMinimum: '2024-02-28',
        formatExclusiveMaximum: '2024-03-01',
      }),
    ).toMatchObject({ minDate: '2024-02-29', maxDate: '2024-02-29' });
  });

  it('give nothing to other inputs', () => {
    const text = model({ type: 'string', format: 'date-time', formatMinimum: '2024-01-01T00:00:00Z' });
    expect(text.minDate).toBeUndefined();
    expect(model({ type: 'string', format: 'date' }).minDate).toBeUndefined();
  });
});

describe('Optional[X] (anyOf of X and null)', () => {
  const root = {
    type: 'object',
    $defs: { Civilite: { title: 'Civilite', type: 'string', enum: ['Madame', 'Monsieur'] } },
    properties: {
      numero_voie: {
        anyOf: [{ maxLength: 10, type: 'string' }, { type: 'null' }],
        default: null,
        title: 'Numéro de voie',
        description: 'Facultatif',
      },
      civilite: { anyOf: [{ $ref: '#/$defs/Civilite' }, { type: 'null' }], title: 'Civilité' },
      nombre: { oneOf: [{ type: 'null' }, { type: 'integer', minimum: 0, title: 'Nombre d’enfants' }], title: 'N' },
      adresse: {
        anyOf: [{ type: 'object', properties: { rue: { type: 'string', title: 'Rue' } } }, { type: 'null' }],
        title: 'Adresse',
      },
    },
    required: ['civilite'],
  };
  const model = (key: string, required = false) =>
    fieldModel(root, (root.properties as Record<string, Schema>)[key]!, {}, `/${key}`, key, required, []);

  it('draws a single answer as X, optional, null when emptied, titled by the field where X has no title', () => {
    const voie = model('numero_voie');
    expect([voie.kind, voie.title, voie.description, voie.required, voie.emptyValue]).toEqual([
      'text',
      'Numéro de voie',
      'Facultatif',
      false,
      null,
    ]);
    expect(voie.schema.maxLength).toBe(10);
    // Required and nullable (no default): still optional for the citizen; the $ref'd enum's own title (its class
    // name) gives way to the field's.
    const civilite = model('civilite', true);
    expect([civilite.kind, civilite.title, civilite.required, civilite.options.map((o) => o.label)]).toEqual([
      'radio',
      'Civilité',
      false,
      ['Madame', 'Monsieur'],
    ]);
    // Null first, and a branch with its own title.
    expect([model('nombre').kind, model('nombre').title]).toEqual(['integer', 'Nombre d’enfants']);
    // A null branch the designer named is a question of its own (« Connue » / « Inconnue »): RJSF's choice stays.
    const named = {
      anyOf: [
        { type: 'string', enum: ['française', 'autre'], title: 'Connue' },
        { type: 'null', title: 'Inconnue' },
      ],
    };
    expect(fieldModel(root, named, {}, '/n', 'n', false, []).kind).toBe('alternatives');
    const namedByUi = { anyOf: [{ type: 'string' }, { type: 'null' }] };
    const ui = { anyOf: [{ 'ui:title': 'Connue' }, { 'ui:title': 'Inconnue' }] };
    expect(fieldModel(root, namedByUi, ui, '/n', 'n', false, []).kind).toBe('alternatives');
    // A group keeps RJSF's choice: its emptiness is not one value.
    expect(model('adresse').kind).toBe('alternatives');
    expect(model('adresse').optionalNull).toBeUndefined();
  });

  it('reads an unanswered one back as nothing, not as « Option 2 »', () => {
    const definition = {
      schema: root,
      uiSchema: {},
      pages: [{ id: 'p', title: 'Page', fields: ['numero_voie', 'civilite', 'nombre'] }],
    };
    const rows = answerRows(
      definition,
      { numero_voie: null, civilite: 'Madame', nombre: null },
      { semantics: createSchemaSemantics(root), includeEmpty: true },
    ).filter((r) => r.kind !== 'page');
    expect(rows.map((r) => [r.pointer, r.title, r.text])).toEqual([
      ['/numero_voie', 'Numéro de voie', ''],
      ['/civilite', 'Civilité', 'Madame'],
      ['/nombre', 'Nombre d’enfants', ''],
    ]);
  });
});
