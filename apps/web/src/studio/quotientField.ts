/**
 * The studio's side of the family quotient field (docs/definition-format.md, « Quotient familial »): the object the
 * palette inserts, how the panel recognises it and which of its values it fills (locked as the SIRET field's).
 */
import { isQuotientUi } from '@guichet/shared';
import { tr } from '../lib/i18n';
import { type Node } from './definitionPaths';
import { valuesOf, type LookupValues, type ValuesOf } from './lookupField';

/** The values the field fills from API Particulier, in order, with their labels (@guichet/shared's QUOTIENT_FIELD_VALUES). */
export const QUOTIENT_VALUES: LookupValues = [
  ['quotient', () => tr('Quotient familial (en euros)', 'Family quotient (in euros)')],
  ['periode', () => tr('Mois de référence', 'Month it refers to')],
  ['regime', () => tr('Organisme', 'Body')],
  ['allocataire', () => tr('Allocataire(s)', 'Beneficiary (or beneficiaries)')],
];

/** The object the palette inserts: the properties of the documentation's example, drawn by the family quotient field. */
export function quotientSchema(title: string): Node {
  return {
    type: 'object',
    title,
    additionalProperties: false,
    required: ['quotient'],
    properties: {
      // Ticked by the citizen signed in with FranceConnect: only then is the quotient asked of the CAF or the MSA.
      consentement: { type: 'boolean', title: tr('Accord pour obtenir le quotient familial', 'Consent') },
      quotient: {
        type: 'integer',
        title: tr('Quotient familial (en euros)', 'Family quotient (in euros)'),
        minimum: 0,
        maximum: 100000,
      },
      periode: {
        type: 'string',
        title: tr('Mois de référence', 'Month it refers to'),
        pattern: '^[0-9]{4}-(0[1-9]|1[0-2])$',
      },
      regime: { type: 'string', title: tr('Organisme', 'Body'), enum: ['CAF', 'MSA'] },
      allocataire: { type: 'string', title: tr('Allocataire(s)', 'Beneficiary (or beneficiaries)'), maxLength: 300 },
      // Set by the server at submit: « Fourni par la CAF via API Particulier » or « Déclaré par l’usager ».
      provenance: { type: 'string', title: tr('Provenance', 'Provenance'), maxLength: 200 },
    },
  };
}

export { isQuotientUi };

/** The values this field fills (those its schema has), each with its label: its own title when it has one. */
export const quotientValuesOf: ValuesOf = valuesOf(QUOTIENT_VALUES);
