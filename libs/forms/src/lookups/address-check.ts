import {
  ADDRESS_PROVENANCE,
  addressValues,
  isAddressUi,
  normaliseAddressLabel,
  toJsonPointer,
  type ErrorItem,
  type ServiceDefinition,
} from '@guichet/shared';
import { valuesAt, widgetFields } from '../widget-fields';
import { LookupUnavailableError, normaliseAddressQuery, type Address, type AddressDirectory } from './addresses';

type Node = Record<string, unknown>;
const isNode = (v: unknown): v is Node => v !== null && typeof v === 'object' && !Array.isArray(v);

export interface AddressField {
  /** Path from the root; `*` stands for every item of a list. */
  path: string[];
  /** The properties of the schema the BAN's answer fills. */
  fills: string[];
  keepsProvenance: boolean;
}

/** The address fields of a definition: objects whose uiSchema says `address`, lists' items included. */
export function addressFields(definition: Pick<ServiceDefinition, 'schema' | 'uiSchema'>): AddressField[] {
  return widgetFields(definition, isAddressUi, 50).map(({ path, schema }) => {
    const properties = isNode(schema.properties) ? schema.properties : {};
    return {
      path,
      fills: Object.keys(properties).filter((name) => name !== 'provenance'),
      keepsProvenance: 'provenance' in properties,
    };
  });
}

/** How far (in degrees, about 1 m) coordinates may be from the BAN's: a browser may round them. */
const NEAR = 1e-5;

/** The BAN entry with `banId` among the answers to its own label, or null. */
export async function findBanAddress(
  directory: AddressDirectory,
  banId: string,
  label: string,
): Promise<Address | null> {
  const answers = await directory.search(label, 10);
  return answers.find((a) => a.banId === banId) ?? null;
}

/**
 * The submit-time check of address fields, after the schema's validation.
 *
 * - An address that claims a BAN id (`banId`, chosen among the suggestions)
 *   is asked again by its label: the BAN must know that id for that label,
 *   and the coordinates sent must be its own. Anything else was altered on
 *   the way and is refused with its pointer, as a commune whose code and
 *   name disagree is (libs/forms/src/communes/check.ts). The parts the BAN
 *   derives (number, street, postcode, commune, INSEE code) are written as
 *   it writes them; the provenance says « Base Adresse Nationale ».
 * - An address without a BAN id was typed by hand: kept as typed.
 * - When the BAN does not answer (down, slow, garbage), the address is kept
 *   as typed, its provenance « saisie par l’usager, non vérifiée »: the
 *   request is never blocked by a provider.
 */
export async function checkAddresses(
  definition: Pick<ServiceDefinition, 'schema' | 'uiSchema'>,
  data: unknown,
  directory: AddressDirectory,
): Promise<{ errors: ErrorItem[]; data: unknown }> {
  const fields = addressFields(definition);
  if (fields.length === 0) return { errors: [], data };
  const errors: ErrorItem[] = [];
  const completed = structuredClone(data);
  for (const field of fields) {
    for (const [path, value] of valuesAt(completed, field.path).slice(0, 20)) {
      if (!isNode(value)) continue;
      const pointer = toJsonPointer(path);
      const typed = () => {
        if (field.keepsProvenance) value.provenance = ADDRESS_PROVENANCE.typed;
      };
      const banId = typeof value.banId === 'string' ? value.banId.trim() : '';
      const label = typeof value.label === 'string' ? value.label : '';
      if (banId === '') {
        // Typed by hand: no coordinates can be claimed without the BAN.
        delete value.lon;
        delete value.lat;
        if (value.banId !== undefined) delete value.banId;
        typed();
        continue;
      }
      if (normaliseAddressQuery(label) === null) {
        errors.push({
          pointer: `${pointer}/label`,
          code: 'adresse_modifiee',
          message:
            'Cette adresse ne correspond pas à celle choisie dans la Base Adresse Nationale : choisissez-la de nouveau.',
        });
        continue;
      }
      let official: Address | null;
      try {
        official = await findBanAddress(directory, banId, label);
      } catch (error) {
        if (!(error instanceof LookupUnavailableError)) throw error;
        typed();
        continue;
      }
      if (official === null || normaliseAddressLabel(official.label) !== normaliseAddressLabel(label)) {
        errors.push({
          pointer: `${pointer}/label`,
          code: 'adresse_modifiee',
          message:
            'Cette adresse ne correspond pas à celle choisie dans la Base Adresse Nationale : choisissez-la de nouveau.',
        });
        continue;
      }
      const near = (given: unknown, expected: number) =>
        given === undefined || (typeof given === 'number' && Math.abs(given - expected) <= NEAR);
      if (!near(value.lon, official.lon) || !near(value.lat, official.lat)) {
        errors.push({
          pointer: `${pointer}/${near(value.lon, official.lon) ? 'lat' : 'lon'}`,
          code: 'adresse_modifiee',
          message: 'Ces coordonnées ne sont pas celles de l’adresse choisie dans la Base Adresse Nationale.',
        });
        continue;
      }
      const values = addressValues(official);
      for (const name of field.fills) if (name in values) value[name] = values[name as keyof typeof values];
      if (field.keepsProvenance) value.provenance = ADDRESS_PROVENANCE.verified;
    }
  }
  return { errors, data: errors.length ? data : completed };
}
