import { answerFields, answerRows, rowLabel } from './answer-format';
import { freeEntrySchema, takesFreeEntries } from './free-entries';
import { fieldModel } from './field-model';
import { labelOf, modelAt } from './labels';
import { createSchemaSemantics } from './schema-semantics';

const contact = {
  title: 'Vous joindre',
  oneOf: [
    { title: 'Par courriel', properties: { courriel: { type: 'string', title: 'Courriel' } }, required: ['courriel'] },
    {
      title: 'Par téléphone',
      properties: { telephone: { type: 'string', title: 'Téléphone' } },
      required: ['telephone'],
    },
  ],
};

describe('answerRows', () => {
  it('names the oneOf branch the answers took, even without RJSF semantics loaded', () => {
    const definition = {
      schema: { type: 'object', properties: { contact } },
      pages: [{ id: 'p', title: 'Page', fields: ['contact'] }],
    };
    const rows = answerRows(definition, { contact: { telephone: '06' } });
    expect(rows.map((r) => [r.kind, r.depth, r.title, r.text])).toEqual([
      ['page', -1, 'Page', ''],
      ['group', 0, 'Vous joindre', 'Par téléphone'],
      ['field', 1, 'Téléphone', '06'],
    ]);
  });

  it('reads RJSF 6 uiSchema as the form draws it: per-branch uiSchema, enumNames of yes/no and of checkboxes, item titles', () => {
    const definition = {
      schema: {
        type: 'object',
        properties: {
          urgent: { type: 'boolean', title: 'Urgent' },
          equipements: {
            type: 'array',
            title: 'Équipements',
            uniqueItems: true,
            items: { type: 'string', enum: ['sono', 'tables'] },
          },
          envoi: { ...contact, title: 'Réception' },
          occupants: {
            type: 'array',
            title: 'Occupants',
            items: { type: 'object', title: 'Occupant', properties: { prenom: { type: 'string', title: 'Prénom' } } },
          },
        },
      },
      uiSchema: {
        urgent: { 'ui:widget': 'radio', 'ui:enumNames': ['Oui, sous 48 heures', 'Non'] },
        equipements: { 'ui:widget': 'checkboxes', 'ui:enumNames': ['Sonorisation', 'Tables et chaises'] },
        envoi: {
          oneOf: [
            { 'ui:title': 'Par courriel', courriel: { 'ui:title': 'Adresse électronique' } },
            { 'ui:title': 'Par téléphone', telephone: { 'ui:title': 'Numéro' } },
          ],
        },
        occupants: { items: { 'ui:title': 'Personne' } },
      },
      pages: [{ id: 'p', title: 'Page', fields: ['urgent', 'equipements', 'envoi', 'occupants'] }],
    };
    const data = {
      urgent: true,
      equipements: ['sono', 'tables'],
      envoi: { telephone: '06' },
      occupants: [{ prenom: 'Lina' }],
    };
    const rows = answerRows(definition, data, { semantics: createSchemaSemantics(definition.schema) });
    expect(rows.slice(1).map((r) => [r.title, r.text])).toEqual([
      ['Urgent', 'Oui, sous 48 heures'],
      ['Équipements', 'Sonorisation, Tables et chaises'],
      ['Réception', 'Par téléphone'],
      ['Numéro', '06'],
      ['Occupants', ''],
      ['Personne 1', ''],
      ['Prénom', 'Lina'],
    ]);
  });

  it('keeps every decimal given and names the branch chosen in the root selector after the last own field', () => {
    const definition = {
      schema: {
        type: 'object',
        properties: { lat: { type: 'number', title: 'Latitude' }, age: { type: 'integer', title: 'Âge' } },
        anyOf: [
          { title: 'Par le nom', properties: { nom: { type: 'string', title: 'Nom' } } },
          { title: 'Par le numéro', properties: { numero: { type: 'string', title: 'Numéro' } } },
        ],
      },
      pages: [{ id: 'p', title: 'Page', fields: ['lat', 'age'] }],
    };
    const rows = answerRows(
      definition,
      { lat: 47.9029, age: 12, numero: 'A12' },
      {
        semantics: createSchemaSemantics(definition.schema),
      },
    );
    expect(rows.slice(1).map((r) => [r.pointer, r.title, r.text])).toEqual([
      ['/lat', 'Latitude', '47,9029'],
      ['/age', 'Âge', '12'],
      ['', 'Choisissez une option', 'Par le numéro'],
      ['/numero', 'Numéro', 'A12'],
    ]);
  });

  it('leaves out groups and items with nothing answered inside, unless includeEmpty', () => {
    const definition = {
      schema: {
        type: 'object',
        properties: {
          adresse: { type: 'object', title: 'Adresse', properties: { rue: { type: 'string', title: 'Rue' } } },
          enfants: {
            type: 'array',
            title: 'Enfants',
            items: { type: 'object', title: 'Enfant', properties: { prenom: { type: 'string', title: 'Prénom' } } },
          },
        },
      },
      pages: [{ id: 'p', title: 'Page', fields: ['adresse', 'enfants'] }],
    };
    const data = { adresse: { rue: '' }, enfants: [{}, { prenom: 'Léa' }] };
    const rows = answerRows(definition, data);
    expect(rows.map((r) => [r.depth, r.title, r.text])).toEqual([
      [-1, 'Page', ''],
      [0, 'Enfants', ''],
      [1, 'Enfant 2', ''],
      [2, 'Prénom', 'Léa'],
    ]);
    expect(rowLabel(rows[3]!)).toBe('Enfant 2 — Prénom');
    const all = answerRows(definition, data, { includeEmpty: true }).filter((r) => r.kind === 'field');
    expect(all.map((r) => [r.pointer, r.text])).toEqual([
      ['/adresse/rue', ''],
      ['/enfants/0/prenom', ''],
      ['/enfants/1/prenom', 'Léa'],
    ]);
  });

  it('numbers the items of a list of values and skips hidden pointers', () => {
    const definition = {
      schema: {
        type: 'object',
        properties: {
          prenoms: { type: 'array', title: 'Prénoms', items: { type: 'string', title: 'Prénom' } },
          secret: { type: 'string', title: 'Secret' },
        },
      },
      pages: [{ id: 'p', title: 'Page', fields: ['prenoms', 'secret'] }],
    };
    const rows = answerRows(definition, { prenoms: ['Léa', 'Karim'], secret: 'x' }, { hidden: new Set(['/secret']) });
    expect(rows.map((r) => [r.depth, r.title, r.text])).toEqual([
      [-1, 'Page', ''],
      [0, 'Prénoms', ''],
      [1, 'Prénom 1', 'Léa'],
      [1, 'Prénom 2', 'Karim'],
    ]);
  });

  it('lists a field a condition adds and no page names after the field it follows, only when answered', () => {
    const schema = {
      type: 'object',
      properties: { statut: { type: 'string', title: 'Statut', enum: ['particulier', 'entreprise'] } },
      if: { properties: { statut: { const: 'entreprise' } }, required: ['statut'] },
      then: { properties: { siret: { type: 'string', title: 'SIRET' } } },
    };
    const definition = {
      schema,
      pages: [
        { id: 'a', title: 'A', fields: ['statut'] },
        { id: 'b', title: 'B', fields: [] },
      ],
    };
    const semantics = createSchemaSemantics(schema);
    const titles = (data: object) => answerRows(definition, data, { semantics }).map((r) => r.title);
    expect(titles({ statut: 'entreprise', siret: '123' })).toEqual(['A', 'Statut', 'SIRET']);
    expect(titles({ statut: 'particulier', siret: '123' })).toEqual(['A', 'Statut']);
    // A page without the semantics loaded (the desk) trusts the stored answers: answered, listed.
    const plain = (data: object) => answerRows(definition, data).map((r) => r.title);
    expect(plain({ statut: 'entreprise', siret: '123' })).toEqual(['A', 'Statut', 'SIRET']);
    expect(plain({ statut: 'particulier' })).toEqual(['A', 'Statut']);
    const nested = {
      schema: { type: 'object', properties: { societe: { title: 'Société', ...schema } } },
      pages: [{ id: 'a', title: 'A', fields: ['societe'] }],
    };
    expect(answerRows(nested, { societe: { statut: 'entreprise', siret: '123' } }).map((r) => r.title)).toEqual([
      'A',
      'Société',
      'Statut',
      'SIRET',
    ]);
  });
});

describe('texts written under ui:options (formio-collecte-encombrants: a converter writes them there, RJSF reads them with getUiOptions)', () => {
  const schema = {
    type: 'object',
    properties: {
      panel: {
        type: 'object',
        title: 'Panel',
        properties: {
          textField: { type: 'string', title: 'Text Field' },
          radio: { type: 'string', title: 'Radio', enum: ['matin', 'soir'] },
        },
      },
      objets: {
        type: 'array',
        title: 'Data Grid',
        items: { type: 'object', title: 'Row', properties: { nom: { type: 'string', title: 'Text Field' } } },
      },
    },
  };
  const uiSchema = {
    panel: {
      'ui:options': { title: 'Vos coordonnées' },
      textField: {
        'ui:options': {
          autocomplete: 'name',
          title: 'Nom et prénom',
          description: 'Tel qu’écrit sur votre pièce',
          help: 'Aide',
          placeholder: 'Claire Martin',
        },
      },
      radio: { 'ui:title': 'Créneau', 'ui:options': { title: 'ignoré : ui:title l’emporte', widget: 'radio' } },
    },
    objets: {
      'ui:options': { title: 'Objets' },
      items: { 'ui:options': { title: 'Objet' }, nom: { 'ui:options': { title: 'Désignation' } } },
    },
  };

  it('names fields and groups by ui:options.title, ui:title first, as RJSF does', () => {
    const model = fieldModel(
      schema,
      schema.properties.panel.properties.textField,
      uiSchema.panel.textField,
      '/panel/textField',
      'textField',
      false,
      [],
    );
    expect([model.title, model.description, model.help, model.placeholder, model.autoComplete]).toEqual([
      'Nom et prénom',
      'Tel qu’écrit sur votre pièce',
      'Aide',
      'Claire Martin',
      'name',
    ]);
    expect(labelOf(schema, uiSchema, '/panel/radio')).toBe('Créneau');
    // The error summary names an item as its legend does (« Objet 1 »), not by the schema's « Row ».
    expect(labelOf(schema, uiSchema, '/objets/0/nom')).toBe('Objets — Objet 1 — Désignation');
  });

  it('reads them back on the review page and the receipt', () => {
    const definition = { schema, uiSchema, pages: [{ id: 'p', title: 'Page', fields: ['panel', 'objets'] }] };
    const rows = answerRows(definition, {
      panel: { textField: 'Claire', radio: 'soir' },
      objets: [{ nom: 'Matelas' }],
    });
    expect(rows.map((r) => [r.kind, r.title, r.text])).toEqual([
      ['page', 'Page', ''],
      ['group', 'Vos coordonnées', ''],
      ['field', 'Nom et prénom', 'Claire'],
      ['field', 'Créneau', 'soir'],
      ['group', 'Objets', ''],
      ['group', 'Objet 1', ''],
      ['field', 'Désignation', 'Matelas'],
    ]);
  });
});

describe('field names and models by pointer', () => {
  const root = {
    type: 'object',
    properties: {
      annees: { type: 'object', title: 'Années', properties: { '2024': { type: 'number', title: 'Revenu 2024' } } },
      enfants: {
        type: 'array',
        title: 'Enfants',
        items: { type: 'object', title: 'Enfant', properties: { prenom: { type: 'string', title: 'Prénom' } } },
      },
    },
    if: { properties: { x: { const: 1 } } },
    then: { properties: { siret: { type: 'string', title: 'N° **SIRET**' } } },
  };
  const ui = { enfants: { items: { prenom: { 'ui:title': 'Prénom usuel' } } } };

  it('reads a numeric key as a property where the schema is no list, ui:title and Markdown included', () => {
    expect(labelOf(root, ui, '/annees/2024')).toBe('Revenu 2024');
    expect(labelOf(root, ui, '/enfants/1/prenom')).toBe('Enfants — Enfant 2 — Prénom usuel');
    expect(labelOf(root, ui, '/enfants/*/prenom')).toBe('Enfants — Enfant — Prénom usuel');
    expect(labelOf(root, ui, '/siret')).toBe('N° SIRET');
    expect(modelAt(root, ui, '/annees/2024')?.kind).toBe('number');
    expect(modelAt(root, ui, '/inconnu')).toBeUndefined();
  });

  it('lists every answer field in display order, branch fields after their object, lists as one field', () => {
    const fields = answerFields({
      schema: {
        type: 'object',
        properties: {
          enfants: root.properties.enfants,
          identite: {
            type: 'object',
            title: 'Identité',
            properties: { nomDeNaissance: { type: 'string', title: 'Nom de naissance' }, nom: { type: 'string' } },
          },
          contact,
        },
        then: { properties: { siret: { type: 'string', title: 'SIRET' } } },
      },
      uiSchema: { identite: { 'ui:order': ['nom', '*'] } },
      pages: [{ id: 'p', title: 'Page', fields: ['identite', 'contact', 'enfants'] }],
    });
    expect(fields.map((f) => [f.pointer, f.label, f.list])).toEqual([
      ['/identite/nom', 'Identité — nom', false],
      ['/identite/nomDeNaissance', 'Identité — Nom de naissance', false],
      ['/contact/courriel', 'Vous joindre — Courriel', false],
      ['/contact/telephone', 'Vous joindre — Téléphone', false],
      ['/enfants', 'Enfants', true],
      ['/siret', 'SIRET', false],
    ]);
  });
});

describe('fields of branches with their own uiSchema (RJSF 6: uiSchema.oneOf / anyOf, one per branch)', () => {
  const definition = {
    schema: {
      type: 'object',
      properties: {
        demandeur: {
          type: 'object',
          title: 'Demandeur',
          oneOf: [
            { title: 'Particulier', properties: { nomUsage: { type: 'string', title: 'Nom' } } },
            { title: 'Entreprise', properties: { raison: { type: 'string', title: 'Raison' } } },
          ],
        },
      },
      anyOf: [{ properties: { courriel: { type: 'string', title: 'Courriel' } } }],
    },
    uiSchema: {
      demandeur: {
        oneOf: [{ nomUsage: { 'ui:title': 'Nom d’usage' } }, { raison: { 'ui:title': 'Raison sociale' } }],
      },
      anyOf: [{ courriel: { 'ui:title': 'Adresse électronique' } }],
    },
    pages: [{ id: 'p', title: 'Page', fields: ['demandeur'] }],
  };

  it('name the desk’s columns and the exports’ headers as the review page names the answers', () => {
    const columns = answerFields(definition).map((f) => [f.pointer, f.label]);
    expect(columns).toEqual([
      ['/demandeur/nomUsage', 'Demandeur — Nom d’usage'],
      ['/demandeur/raison', 'Demandeur — Raison sociale'],
      ['/courriel', 'Adresse électronique'],
    ]);
    const { schema, uiSchema } = definition;
    expect(labelOf(schema, uiSchema, '/demandeur/raison')).toBe('Raison sociale');
    expect(labelOf(schema, uiSchema, '/courriel')).toBe('Adresse électronique');
    expect(modelAt(schema, uiSchema, '/demandeur/nomUsage')?.title).toBe('Nom d’usage');
    // The review page, for an answer that took the second branch: the same words.
    const rows = answerRows(
      definition,
      { demandeur: { raison: 'Boulangerie du Mail' } },
      {
        semantics: createSchemaSemantics(definition.schema),
      },
    );
    expect(rows.find((r) => r.pointer === '/demandeur/raison')?.title).toBe('Raison sociale');
  });
});

describe('free entries', () => {
  it('lists additionalProperties answers under the names the citizen gave them', () => {
    const rows = answerRows(
      {
        schema: {
          type: 'object',
          additionalProperties: { type: 'string' },
          properties: { nom: { type: 'string', title: 'Nom' } },
        },
        pages: [{ id: 'p', title: 'Page', fields: ['nom'] }],
      },
      { nom: 'Fontaine', reseauSocial: '@elodie' },
    );
    expect(rows.filter((r) => r.kind === 'field').map((r) => [r.title, r.text])).toEqual([
      ['Nom', 'Fontaine'],
      ['reseauSocial', '@elodie'],
    ]);
  });

  it('lists patternProperties answers (additionalProperties false) with their pattern’s schema, in a group too', () => {
    const rows = answerRows(
      {
        schema: {
          type: 'object',
          properties: {
            effectifs: {
              type: 'object',
              title: 'Effectifs par site',
              patternProperties: { '^site-[0-9]{1,2}$': { type: 'integer', title: 'Nombre d’enfants' } },
              additionalProperties: false,
            },
          },
        },
        pages: [{ id: 'p', title: 'Page', fields: ['effectifs'] }],
      },
      { effectifs: { 'site-1': 48, 'site-12': 20 } },
    );
    expect(rows.filter((r) => r.kind === 'field').map((r) => [r.title, r.text])).toEqual([
      ['site-1', '48'],
      ['site-12', '20'],
    ]);
  });
});

describe('free entries with their own uiSchema', () => {
  // Held-out form prets-materiel-associations-anyof: each article is a group, ordered by the uiSchema's
  // additionalProperties, as RJSF's ObjectField gives it to every entry the citizen adds.
  const definition = {
    schema: {
      type: 'object',
      properties: {
        materiel: {
          type: 'object',
          title: 'Matériel demandé',
          additionalProperties: {
            type: 'object',
            title: 'Article',
            properties: {
              quantite: { type: 'integer', title: 'Quantité' },
              livraison: { type: 'boolean', title: 'Livraison' },
            },
          },
        },
      },
    },
    uiSchema: {
      materiel: { additionalProperties: { 'ui:title': 'Article', 'ui:order': ['livraison', '*'] } },
    },
    pages: [{ id: 'p', title: 'Page', fields: ['materiel'] }],
  };

  it('reads a group entry back in the order the uiSchema’s additionalProperties gives (before: the schema’s)', () => {
    const rows = answerRows(definition, { materiel: { barnum: { quantite: 2, livraison: true } } });
    expect(rows.filter((r) => r.kind === 'field').map((r) => r.pointer)).toEqual([
      '/materiel/barnum/livraison',
      '/materiel/barnum/quantite',
    ]);
    // An entry keeps the name the citizen gave it, whatever ui:title says.
    expect(rows.find((r) => r.pointer === '/materiel/barnum')?.title).toBe('barnum');
  });

  it('does so with RJSF’s semantics loaded too, where the entries come back as properties RJSF stubbed', () => {
    const data = { materiel: { barnum: { quantite: 2, livraison: true } } };
    const rows = answerRows(definition, data, { semantics: createSchemaSemantics(definition.schema) });
    expect(rows.filter((r) => r.kind === 'field').map((r) => r.pointer)).toEqual([
      '/materiel/barnum/livraison',
      '/materiel/barnum/quantite',
    ]);
  });
});

describe('answerRows on list items that are a choice between values', () => {
  // A list item `oneOf` of an integer and a one-value string enum: the answer is the value, not the branch's title.
  const definition = {
    schema: {
      type: 'object',
      properties: {
        cartes: {
          type: 'array',
          title: 'Cartes',
          items: {
            title: 'Prêts',
            oneOf: [
              { type: 'integer', title: 'Un nombre de documents' },
              { type: 'string', title: 'Le maximum autorisé', enum: ['maximum'] },
            ],
          },
        },
      },
    },
    pages: [{ id: 'p', title: 'Page', fields: ['cartes'] }],
  };
  it.each([
    ['without', undefined],
    ['with', createSchemaSemantics(definition.schema)],
  ])('reads each item’s value %s RJSF’s semantics', (_w, semantics) => {
    const rows = answerRows(definition, { cartes: [5, 'maximum'] }, { semantics });
    expect(rows.filter((r) => r.kind === 'field').map((r) => [r.pointer, r.title, r.text])).toEqual([
      ['/cartes/0', 'Prêts 1', '5'],
      ['/cartes/1', 'Prêts 2', 'maximum'],
    ]);
  });
});

describe('freeEntrySchema', () => {
  const schema = {
    type: 'object',
    patternProperties: {
      '^site-': { type: 'integer', title: 'Effectif' },
      '^site-1': { minimum: 1 },
      '^note-': { type: 'string' },
    },
    additionalProperties: { type: 'boolean' },
  };
  it('takes the matching patterns’ schemas, else additionalProperties’', () => {
    expect(takesFreeEntries(schema)).toBe(true);
    expect(freeEntrySchema(schema, 'note-a')).toEqual({ type: 'string' });
    expect(freeEntrySchema(schema, 'site-12')).toEqual({ type: 'integer', title: 'Effectif', minimum: 1 });
    expect(freeEntrySchema(schema, 'autre')).toEqual({ type: 'boolean' });
    expect(freeEntrySchema(schema)).toEqual({ type: 'boolean' });
  });
  it('offers no free entry when neither keyword allows one', () => {
    expect(takesFreeEntries({ type: 'object', additionalProperties: false })).toBe(false);
    expect(takesFreeEntries({ type: 'object', patternProperties: {} })).toBe(false);
    expect(
      freeEntrySchema({ patternProperties: { '^a': { type: 'string' } }, additionalProperties: false }, 'b'),
    ).toEqual({
      type: 'string',
    });
  });
});
