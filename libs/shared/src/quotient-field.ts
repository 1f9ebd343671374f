/**
 * The family quotient field's contract (issue 23), in one place for the three
 * that must agree on it: the server's check at submit (libs/forms/src/lookups),
 * the citizen's field (apps/web/src/form/quotient-field.tsx) and the studio
 * (apps/web/src/studio/quotientField.ts). The quotient comes from API
 * Particulier (CAF or MSA) for a citizen signed in with FranceConnect who
 * ticked the consent; otherwise the citizen types it.
 */

/** A family quotient as API Particulier gives it. */
export interface FamilyQuotient {
  /** The quotient, in euros (an integer). */
  quotient: number;
  /** The month it refers to. */
  annee: number;
  mois: number;
  /** Which body computed it: CAF (the API's « CNAF ») or MSA. */
  regime: 'CAF' | 'MSA';
  /** The allocataires, « Prénoms NOM » each. */
  allocataires: string[];
}

/** The values a family quotient field fills from the API, by property name, in the order the page shows them. */
export const QUOTIENT_FIELD_VALUES = ['quotient', 'periode', 'regime', 'allocataire'] as const;
export type QuotientFieldValue = (typeof QUOTIENT_FIELD_VALUES)[number];

/** The property holding the citizen's consent (a boolean): without it ticked, nothing is asked of the API. */
export const QUOTIENT_CONSENT = 'consentement';

/** What the field stores of a quotient: `periode` as YYYY-MM, the allocataires joined by « , ». */
export function quotientValues(q: FamilyQuotient): {
  quotient: number;
  periode: string;
  regime: string;
  allocataire: string;
} {
  return {
    quotient: q.quotient,
    periode: `${q.annee}-${String(q.mois).padStart(2, '0')}`,
    regime: q.regime,
    allocataire: q.allocataires.join(', '),
  };
}

/** The provenance recorded in the field's `provenance` property. */
export function quotientProvenance(regime: 'CAF' | 'MSA' | null): string {
  return regime ? `Fourni par la ${regime} via API Particulier` : 'Déclaré par l’usager';
}

type Node = Record<string, unknown>;
const isNode = (v: unknown): v is Node => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Whether a uiSchema node draws its object as a family quotient field (`ui:widget`, `ui:field` or `ui:options.widget`). */
export function isQuotientUi(ui: unknown): boolean {
  if (!isNode(ui)) return false;
  const options = isNode(ui['ui:options']) ? ui['ui:options'] : {};
  return [ui['ui:widget'], ui['ui:field'], options.widget].includes('quotient-familial');
}

/** The values the designer locked: `ui:options.locked` `true` (all the field fills) or a list of names. */
export function quotientLocked(ui: unknown): QuotientFieldValue[] {
  const options = isNode(ui) && isNode(ui['ui:options']) ? ui['ui:options'] : {};
  const locked = options.locked;
  if (locked === true) return [...QUOTIENT_FIELD_VALUES];
  if (!Array.isArray(locked)) return [];
  return QUOTIENT_FIELD_VALUES.filter((name) => locked.includes(name));
}
