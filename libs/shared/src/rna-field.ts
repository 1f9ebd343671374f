/**
 * The RNA field's contract (issue 23), in one place for the three that must
 * agree on it: the server's check at submit (libs/forms/src/lookups), the
 * citizen's field (apps/web/src/form/rna-field.tsx) and the studio
 * (apps/web/src/studio/rnaField.ts). Same shape as the SIRET field's
 * (siret-field.ts): a value the page fills and the server compares must be
 * written the same way by both.
 */

/** One association of the Répertoire national des associations, as the RNA field fills it in. */
export interface Association {
  /** « W » and 9 characters, e.g. « W751234567 ». */
  rna: string;
  siren: string | null;
  nom: string;
  /** The objet social, as declared at the préfecture. */
  objet: string;
  /** The seat's address, one line. */
  adresse: string;
  codePostal: string | null;
  commune: string | null;
  /** Date of declaration (creation), YYYY-MM-DD. */
  dateDeclaration: string | null;
  /** Date of publication at the Journal officiel (JOAFE), YYYY-MM-DD. */
  datePublicationJo: string | null;
  etat: 'active' | 'dissoute';
  dateDissolution: string | null;
}

/** The values an RNA field fills from the registry, by property name, in the order the page shows them. */
export const RNA_FIELD_VALUES = [
  'nom',
  'objet',
  'adresse',
  'codePostal',
  'commune',
  'dateDeclaration',
  'datePublicationJo',
  'etat',
] as const;
export type RnaFieldValue = (typeof RNA_FIELD_VALUES)[number];

/** What the field stores of an association: the registry's values as the citizen sees them (dates YYYY-MM-DD). */
export function associationValues(association: Association): Record<RnaFieldValue, string> {
  return {
    nom: association.nom,
    objet: association.objet,
    adresse: association.adresse,
    codePostal: association.codePostal ?? '',
    commune: association.commune ?? '',
    dateDeclaration: association.dateDeclaration ?? '',
    datePublicationJo: association.datePublicationJo ?? '',
    etat: association.etat === 'dissoute' ? 'Dissoute' : 'Active',
  };
}

/** « W » then 9 characters: the department (2A / 2B in Corsica) and a sequence number. */
const RNA = /^W(?:\d{9}|2[AB]\d{7})$/;

/** The RNA number without its spaces, in capitals, or null when it is not one (W and 9 digits). */
export function normaliseRna(value: unknown): string | null {
  if (typeof value !== 'string' || value.length > 40) return null;
  const compact = value.replace(/[\s\u00A0\u202F]/g, '').toUpperCase();
  return RNA.test(compact) ? compact : null;
}

type Node = Record<string, unknown>;
const isNode = (v: unknown): v is Node => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Whether a uiSchema node draws its object as an RNA field (`ui:widget`, `ui:field` or `ui:options.widget`). */
export function isRnaUi(ui: unknown): boolean {
  if (!isNode(ui)) return false;
  const options = isNode(ui['ui:options']) ? ui['ui:options'] : {};
  return [ui['ui:widget'], ui['ui:field'], options.widget].includes('rna');
}

/** The values the designer locked: `ui:options.locked` `true` (all the field fills) or a list of names. */
export function rnaLocked(ui: unknown): RnaFieldValue[] {
  const options = isNode(ui) && isNode(ui['ui:options']) ? ui['ui:options'] : {};
  const locked = options.locked;
  if (locked === true) return [...RNA_FIELD_VALUES];
  if (!Array.isArray(locked)) return [];
  return RNA_FIELD_VALUES.filter((name) => locked.includes(name));
}
