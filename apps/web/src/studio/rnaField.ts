/**
 * The studio's side of the RNA field (docs/definition-format.md, « Numéro RNA »): the object the palette inserts,
 * how the panel recognises it and which of its values it fills (locked as the SIRET field's, siretField.ts).
 */
import { isRnaUi } from '@guichet/shared';
import { tr } from '../lib/i18n';
import { type Node } from './definitionPaths';
import { valuesOf, type LookupValues, type ValuesOf } from './lookupField';

/**
 * The values the field fills from the Répertoire national des associations, in order, with their labels; the same
 * names as @guichet/shared's RNA_FIELD_VALUES and apps/web/src/form/rna-field.tsx.
 */
export const RNA_VALUES: LookupValues = [
  ['nom', () => tr('Nom de l’association', 'Name of the association')],
  ['objet', () => tr('Objet social', 'Purpose')],
  ['adresse', () => tr('Adresse du siège', 'Address of the seat')],
  ['codePostal', () => tr('Code postal', 'Postcode')],
  ['commune', () => tr('Commune', 'Town')],
  ['dateDeclaration', () => tr('Date de déclaration', 'Date of declaration')],
  [
    'datePublicationJo',
    () => tr('Date de publication au Journal officiel', 'Date of publication in the Journal officiel'),
  ],
  ['etat', () => tr('État', 'State')],
];

const value = (title: string, maxLength = 300): Node => ({ type: 'string', title, maxLength });

/** The object the palette inserts: the properties of the documentation's example, drawn by the RNA field. */
export function rnaSchema(title: string): Node {
  return {
    type: 'object',
    title,
    additionalProperties: false,
    required: ['rna', 'nom'],
    properties: {
      rna: {
        type: 'string',
        title: tr('Numéro RNA', 'RNA number'),
        pattern: '^W(?:[0-9]{9}|2[AB][0-9]{7})$',
        'x-hint': tr(
          'Le numéro RNA commence par la lettre W suivie de 9 chiffres (exemple : W751234567).',
          'The RNA number is the letter W and 9 digits (example: W751234567).',
        ),
      },
      nom: { ...value(tr('Nom de l’association', 'Name of the association')), minLength: 1 },
      objet: value(tr('Objet social', 'Purpose'), 2000),
      adresse: value(tr('Adresse du siège', 'Address of the seat')),
      dateDeclaration: { type: 'string', title: tr('Date de déclaration', 'Date of declaration'), format: 'date' },
      datePublicationJo: {
        type: 'string',
        title: tr('Date de publication au Journal officiel', 'Date of publication in the Journal officiel'),
        format: 'date',
      },
      etat: value(tr('État', 'State')),
      // Set by the server at submit: « Répertoire national des associations » or « Saisie par l’usager, non vérifiée ».
      provenance: value(tr('Provenance', 'Provenance')),
    },
  };
}

/** Whether a uiSchema node draws its object as an RNA field: the rule the citizen's form and the server apply. */
export { isRnaUi };

/** The values this field fills (those its schema has), each with its label: its own title when it has one. */
export const rnaValuesOf: ValuesOf = valuesOf(RNA_VALUES);
