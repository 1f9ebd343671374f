/**
 * The address field's contract (issue 23), shared by the server's check at
 * submit (libs/forms/src/lookups/address-check.ts), the lookup route and the
 * citizen's page: an address chosen among API Adresse's (Base Adresse
 * Nationale) suggestions, or typed by hand when none fits or the API is down.
 */

/** One address of the Base Adresse Nationale, normalised as the field stores it. */
export interface Address {
  /** The BAN's identifier (`properties.id`), e.g. « 45234_1230_00012 ». */
  banId: string;
  /** The whole address on one line (`properties.label`), e.g. « 12 Rue du Mail 45000 Orléans ». */
  label: string;
  /** House number with its suffix (`housenumber`), empty for a street or a locality. */
  numero: string;
  /** The street, or the locality (`street`, else `name`). */
  voie: string;
  codePostal: string;
  commune: string;
  /** The commune's INSEE code (`citycode`). */
  codeInsee: string;
  /** WGS 84 longitude and latitude (`geometry.coordinates`). */
  lon: number;
  lat: number;
  /** What the BAN found: a house number, a street, a locality or a commune. */
  type: 'housenumber' | 'street' | 'locality' | 'municipality';
  /** The BAN's relevance, 0 to 1. */
  score: number;
}

/** The values an address field stores, by property name; `provenance` is added when its schema has one. */
export const ADDRESS_FIELD_VALUES = [
  'label',
  'numero',
  'voie',
  'codePostal',
  'commune',
  'codeInsee',
  'banId',
  'lon',
  'lat',
] as const;
export type AddressFieldValue = (typeof ADDRESS_FIELD_VALUES)[number];

/** The provenance an address field records in its `provenance` property, when its schema has one. */
export const ADDRESS_PROVENANCE = {
  verified: 'Base Adresse Nationale',
  typed: 'saisie par l’usager, non vérifiée',
} as const;

/** A query the lookup accepts: 3 to 200 characters once trimmed (API Adresse refuses shorter ones). */
export const ADDRESS_QUERY = { min: 3, max: 200 } as const;

/** What the field stores of a chosen address. */
export function addressValues(address: Address): Record<AddressFieldValue, string | number> {
  return {
    label: address.label,
    numero: address.numero,
    voie: address.voie,
    codePostal: address.codePostal,
    commune: address.commune,
    codeInsee: address.codeInsee,
    banId: address.banId,
    lon: address.lon,
    lat: address.lat,
  };
}

type Node = Record<string, unknown>;
const isNode = (v: unknown): v is Node => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Whether a uiSchema node draws its object as an address field (`ui:widget`, `ui:field` or `ui:options.widget`). */
export function isAddressUi(ui: unknown): boolean {
  if (!isNode(ui)) return false;
  const options = isNode(ui['ui:options']) ? ui['ui:options'] : {};
  return [ui['ui:widget'], ui['ui:field'], options.widget].includes('address');
}

/** A label as compared: case, accents' absence aside, spaces collapsed (« 12 rue du  Mail » is « 12 Rue du Mail »). */
export function normaliseAddressLabel(value: unknown): string {
  return typeof value === 'string' ? value.replace(/\s+/g, ' ').trim().toLocaleLowerCase('fr') : '';
}
