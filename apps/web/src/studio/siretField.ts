/**
 * The studio's side of the SIRET field (docs/definition-format.md, « SIRET »): the object the palette inserts, how
 * the panel recognises it and which of its values the designer locks (`ui:options.locked`).
 */
import { isSiretUi } from '@guichet/shared';
import { tr } from '../lib/i18n';
import { obj, type Node } from './definitionPaths';

/**
 * The values the field fills from the répertoire Sirene, in order, with their labels; the same names as
 * libs/forms/src/lookups/siret-check.ts (SIRET_FIELD_VALUES) and apps/web/src/form/siret-field.tsx.
 */
export const SIRET_VALUES: Array<[name: string, label: () => string]> = [
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
export function siretValuesOf(node: Node): Array<{ name: string; label: string }> {
  const properties = obj(node.properties);
  return SIRET_VALUES.filter(([name]) => name in properties).map(([name, label]) => {
    const title = obj(properties[name]).title;
    return { name, label: typeof title === 'string' && title.trim() ? title : label() };
  });
}

/** The values a lookup field fills (the SIRET field's, the RNA field's: rnaField.ts), locked the same way. */
type ValuesOf = (node: Node) => Array<{ name: string; label: string }>;

/** The locked values: `ui:options.locked` `true` (every value the field fills) or a list of names. */
export function lockedValues(node: Node, ui: Node, valuesOf: ValuesOf = siretValuesOf): string[] {
  const locked = obj(ui['ui:options']).locked;
  const fills = valuesOf(node).map((v) => v.name);
  if (locked === true) return fills;
  return Array.isArray(locked) ? fills.filter((name) => locked.includes(name)) : [];
}

/** Locks or unlocks one value; always written as a list (none locked: no `locked`, no empty `ui:options`). */
export function setLocked(node: Node, ui: Node, name: string, on: boolean, valuesOf: ValuesOf = siretValuesOf): void {
  const list = lockedValues(node, ui, valuesOf).filter((n) => n !== name);
  if (on) list.push(name);
  const order = valuesOf(node).map((v) => v.name);
  const options = { ...obj(ui['ui:options']) };
  if (list.length) options.locked = order.filter((n) => list.includes(n));
  else delete options.locked;
  if (Object.keys(options).length) ui['ui:options'] = options;
  else delete ui['ui:options'];
}
