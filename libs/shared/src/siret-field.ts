/**
 * The SIRET field's contract (issue 23), in one place for the three that must
 * agree on it: the server's check at submit (libs/forms/src/lookups), the
 * citizen's field (apps/web/src/form/siret-field.tsx) and the studio
 * (apps/web/src/studio/siretField.ts). A value the page fills and the server
 * compares must be written the same way by both, or an honest answer would be
 * refused as altered.
 */

/** One establishment of the répertoire Sirene, as the SIRET field fills it in. */
export interface Company {
  siret: string;
  siren: string;
  /** `nom_complet` (« nom_raison_sociale » when there is one). */
  raisonSociale: string;
  /** The legal form's label (from the nature juridique's code). */
  formeJuridique: string;
  /** The INSEE code of the legal form, e.g. « 5710 » (SAS), « 9220 » (association déclarée). */
  natureJuridique: string | null;
  /** The establishment's address, one line, as the directory writes it. */
  adresse: string;
  codePostal: string | null;
  commune: string | null;
  /** NAF / APE code of the establishment (of the company when the establishment has none), e.g. « 62.01Z ». */
  codeNaf: string | null;
  etat: 'actif' | 'ferme';
}

/** The values a SIRET field fills from the directory, by property name, in the order the page shows them. */
export const SIRET_FIELD_VALUES = [
  'raisonSociale',
  'formeJuridique',
  'adresse',
  'codePostal',
  'commune',
  'codeNaf',
  'etat',
] as const;
export type SiretFieldValue = (typeof SIRET_FIELD_VALUES)[number];

/** What the field stores of a company: the directory's values as the citizen sees them. */
export function companyValues(company: Company): Record<SiretFieldValue, string> {
  return {
    raisonSociale: company.raisonSociale,
    formeJuridique: company.formeJuridique,
    adresse: company.adresse,
    codePostal: company.codePostal ?? '',
    commune: company.commune ?? '',
    codeNaf: company.codeNaf ?? '',
    etat: company.etat === 'ferme' ? 'Fermé' : 'Actif',
  };
}

type Node = Record<string, unknown>;
const isNode = (v: unknown): v is Node => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Whether a uiSchema node draws its object as a SIRET field (`ui:widget`, `ui:field` or `ui:options.widget`). */
export function isSiretUi(ui: unknown): boolean {
  if (!isNode(ui)) return false;
  const options = isNode(ui['ui:options']) ? ui['ui:options'] : {};
  return [ui['ui:widget'], ui['ui:field'], options.widget].includes('siret');
}

/** The values the designer locked: `ui:options.locked` `true` (all the field fills) or a list of names. */
export function siretLocked(ui: unknown): SiretFieldValue[] {
  const options = isNode(ui) && isNode(ui['ui:options']) ? ui['ui:options'] : {};
  const locked = options.locked;
  if (locked === true) return [...SIRET_FIELD_VALUES];
  if (!Array.isArray(locked)) return [];
  return SIRET_FIELD_VALUES.filter((name) => locked.includes(name));
}
