import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ServiceDefinition } from '@guichet/shared';
import { publishProblems } from './publish-check';

const base = (schema: Record<string, unknown>, extra: Partial<ServiceDefinition> = {}): ServiceDefinition =>
  ({
    schema: { type: 'object', ...schema },
    uiSchema: {},
    pages: [{ id: 'p', title: 'Votre demande', fields: Object.keys((schema.properties as object) ?? {}) }],
    settings: { signIn: 'none' },
    ...extra,
  }) as unknown as ServiceDefinition;

describe('publishProblems', () => {
  it('finds nothing in a form a citizen can fill', () => {
    const d = base({
      $defs: { school: { type: 'string', title: 'École', enum: ['a', 'b'] } },
      properties: {
        texteCourt: { type: 'string', title: 'Votre nom' },
        viaUi: { type: 'string' },
        school: { $ref: '#/$defs/school' },
        hidden: { type: 'string', default: 'x' },
        children: {
          type: 'array',
          title: 'Enfants',
          items: { type: 'object', properties: { name: { type: 'string', title: 'Prénom' } } },
        },
      },
    });
    d.uiSchema = { viaUi: { 'ui:title': 'Titre par le uiSchema' }, hidden: { 'ui:widget': 'hidden' } };
    expect(publishProblems(d)).toEqual([]);
  });

  it('takes a label written under ui:options as RJSF does (getUiOptions), as converters of Form.io forms write it', () => {
    const d = base({ properties: { textField1: { type: 'string' } } });
    d.uiSchema = { textField1: { 'ui:options': { title: 'Nom et prénom' } } };
    expect(publishProblems(d)).toEqual([]);
  });

  it('refuses fields, groups, blocks, choices and pages without a label, each where the studio shows it', () => {
    const d = base({
      properties: {
        texteCourt: { type: 'string', title: '  ' },
        groupe1: { type: 'object', properties: { champ_interne: { type: 'string' } } },
        listeEnfants: {
          type: 'array',
          items: { type: 'object', properties: { age: { type: 'integer', title: 'Âge' } } },
        },
        // A key that reads as words is what RJSF shows, and a label for forms written for it.
        'Avez-vous des chiens ?': { type: 'boolean' },
        profession: { type: 'string' },
        pick: {
          type: 'string',
          title: 'Choix',
          oneOf: [
            { const: 'a', title: 'A' },
            { const: 'b', title: '' },
          ],
        },
        none: { type: 'string', title: 'Aucun', enum: [] },
        boxes: { type: 'array', title: 'Cases', items: { type: 'string', enum: [] } },
      },
    });
    d.pages[0]!.title = '';
    expect(publishProblems(d).map((p) => `${p.code} ${p.pointer}`)).toEqual([
      'missing_label /schema/properties/texteCourt/title',
      'missing_label /schema/properties/groupe1/title',
      'missing_label /schema/properties/groupe1/properties/champ_interne/title',
      'missing_label /schema/properties/listeEnfants/title',
      'missing_label /schema/properties/pick/oneOf/1/title',
      'choice_without_options /schema/properties/none/enum',
      'choice_without_options /schema/properties/boxes/items/enum',
      'missing_label /pages/0/title',
    ]);
    const [first] = publishProblems(d);
    expect(first!.message).toBe(
      'Le champ « texteCourt » n’a pas de libellé : les usagers liraient « texteCourt ». Donnez-lui un libellé avant de publier.',
    );
  });

  it('looks inside anyOf/oneOf branches and their items, with the uiSchema each branch is drawn with', () => {
    const d = base({
      $defs: {
        Etablissement: {
          type: 'object',
          title: 'Établissement',
          properties: { raison_sociale: { type: 'string', title: 'Raison sociale' }, siret14: { type: 'string' } },
        },
      },
      properties: {
        demandeur: {
          title: 'Demandeur',
          oneOf: [
            {
              title: 'Particulier',
              type: 'object',
              properties: { nom_naissance: { type: 'string' }, prenom: { type: 'string', title: 'Prénom' } },
            },
            { $ref: '#/$defs/Etablissement' },
          ],
        },
        vehicules: {
          title: 'Véhicules',
          anyOf: [
            {
              type: 'array',
              items: {
                type: 'object',
                properties: { no_immat: { type: 'string' }, marque_vehicule: { type: 'string' } },
              },
            },
            { type: 'null' },
          ],
        },
        // A root-level choice of branches: its fields are top-level answers.
        contact: { type: 'string', title: 'Contact' },
      },
      anyOf: [{ properties: { tel_fixe: { type: 'string' } } }, { properties: { courriel_perso: { type: 'string' } } }],
    });
    // RJSF 6: one uiSchema per branch; a field labelled there is labelled.
    d.uiSchema = {
      vehicules: { anyOf: [{ items: { marque_vehicule: { 'ui:title': 'Marque' } } }, {}] },
      'ui:order': ['*'],
      anyOf: [{}, { courriel_perso: { 'ui:title': 'Adresse électronique' } }],
    };
    const problems = publishProblems(d);
    expect(problems.map((p) => `${p.code} ${p.pointer}`)).toEqual([
      'missing_label /schema/properties/demandeur/oneOf/0/properties/nom_naissance/title',
      'missing_label /schema/properties/demandeur/oneOf/1/properties/siret14/title',
      'missing_label /schema/properties/vehicules/anyOf/0/items/properties/no_immat/title',
      'missing_label /schema/anyOf/0/properties/tel_fixe/title',
    ]);
    expect(problems[0]!.message).toBe(
      'Le champ « nom_naissance » n’a pas de libellé : les usagers liraient « nom_naissance ». Donnez-lui un libellé avant de publier.',
    );
  });

  it('refuses a required field no citizen is shown: hidden without a default, or a schema that says no type', () => {
    const d = base(
      {
        properties: {
          nom: { type: 'string', title: 'Nom' },
          cle: { type: 'string', title: 'Clé technique' },
          origine: { type: 'string', title: 'Origine', default: 'portail' },
          email: { type: 'string', title: 'Courriel' },
          libre: { title: 'Commentaire libre' },
          choix: { title: 'Choix', anyOf: [{ type: 'string' }, { type: 'integer' }] },
          groupe: {
            type: 'object',
            title: 'Groupe',
            properties: { interne: { type: 'string', title: 'Interne' } },
            required: ['interne'],
          },
        },
        required: ['nom', 'cle', 'origine', 'email', 'libre', 'choix', 'groupe'],
      },
      {
        uiSchema: {
          cle: { 'ui:widget': 'hidden' },
          origine: { 'ui:widget': 'HiddenWidget' },
          email: { 'ui:widget': 'hidden' },
          groupe: { interne: { 'ui:options': { widget: 'HiddenWidget' } } },
        },
        settings: { signIn: 'required', prefill: [{ claim: 'email', pointer: '/email' }] },
      },
    );
    expect(publishProblems(d).map((p) => `${p.code} ${p.pointer}`)).toEqual([
      'required_not_drawn /schema/properties/cle',
      'required_not_drawn /schema/properties/libre/type',
      'required_not_drawn /schema/properties/groupe/properties/interne',
    ]);
  });

  it('the example services can all be published', () => {
    const dir = join(__dirname, '../../../forms');
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
      const json = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { definition?: ServiceDefinition };
      const definition = json.definition ?? (json as unknown as ServiceDefinition);
      expect({ file, problems: publishProblems(definition) }).toEqual({ file, problems: [] });
    }
  });
});
