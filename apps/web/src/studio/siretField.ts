/**
 * The studio's side of the SIRET field (docs/definition-format.md, « SIRET »): the object the palette inserts, how
 * the panel recognises it and which of its values the designer locks (`ui:options.locked`).
 */
import { isSiretUi } from '@guichet/shared';
import { tr } from '../lib/i18n';
import { type Node } from './definitionPaths';
import {
  lockedValues as lockedOf,
  setLocked as setLockedOf,
  valuesOf,
  type LookupValues,
  type ValuesOf,
} from './lookupField';

/**
 * The values the field fills from the répertoire Sirene, in order, with their labels; the same names as
 * libs/forms/src/lookups/siret-check.ts (SIRET_FIELD_VALUES) and apps/web/src/form/siret-field.tsx.
 */
export const SIRET_VALUES: LookupValues = [
  ['raisonSociale', () => tr('Raison sociale', 'Company name')],
  ['formeJuridique', () => tr('Forme juridique', 'Legal form')],
  ['adresse', () => tr('Adresse', 'Address')],
  ['codePostal', () => tr('Code postal', 'Postcode')],
  ['commune', () => tr('Commune', 'Town')],
  ['codeNaf', () => tr('Code NAF (APE)', 'NAF (APE) code')],
  ['etat', () => tr('État administratif', 'Administrative state')],
];

const value = (title: string): Node => ({ type: 'string', title, maxLength: 300 });

/** The object the palette inserts: the properties of the documentation's example, drawn by the SIRET field. */
export function siretSchema(title: string): Node {
  return {
    type: 'object',
    title,
    additionalProperties: false,
    required: ['siret', 'raisonSociale'],
    properties: {
      siret: { type: 'string', title: tr('Numéro SIRET', 'SIRET number'), format: 'siret' },
      raisonSociale: { ...value(tr('Raison sociale', 'Company name')), minLength: 1 },
      formeJuridique: value(tr('Forme juridique', 'Legal form')),
      adresse: value(tr('Adresse', 'Address')),
      codeNaf: value(tr('Code NAF (APE)', 'NAF (APE) code')),
      etat: value(tr('État administratif', 'Administrative state')),
      // Set by the server at submit: « Répertoire Sirene (INSEE) » or « Saisie par l’usager, non vérifiée ».
      provenance: value(tr('Provenance', 'Provenance')),
    },
  };
}

/** Whether a uiSchema node draws its object as a SIRET field: the rule the citizen's form and the server apply. */
export { isSiretUi };

/** The values this field fills (those its schema has), each with its label: its own title when it has one. */
export const siretValuesOf: ValuesOf = valuesOf(SIRET_VALUES);

/** The locked values: `ui:options.locked` `true` (every value the field fills) or a list of names. */
export function lockedValues(node: Node, ui: Node, fills: ValuesOf = siretValuesOf): string[] {
  return lockedOf(node, ui, fills);
}

/** Locks or unlocks one value; always written as a list (none locked: no `locked`, no empty `ui:options`). */
export function setLocked(node: Node, ui: Node, name: string, on: boolean, fills: ValuesOf = siretValuesOf): void {
  setLockedOf(node, ui, name, on, fills);
}
