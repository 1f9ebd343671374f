import { toJsonPointer, type ErrorItem, type ServiceDefinition } from '@guichet/shared';
import { valuesAt, widgetFields } from '../widget-fields';
import { LookupUnavailableError } from './provider-client';

type Node = Record<string, unknown>;
const isNode = (v: unknown): v is Node => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * What tells one registry lookup field (SIRET, RNA…) from another: its
 * widget, its identifier, the values a registry record fills and the French
 * messages and provenance strings it uses. The checks themselves are shared.
 */
export interface RegistryFieldKind<Value extends string, Entry> {
  /** Whether a uiSchema names this field's widget. */
  isUi: (ui: unknown) => boolean;
  /** The values the designer locked, read from the uiSchema. */
  lockedIn: (ui: unknown) => Value[];
  /** Every value the field may fill, in order. */
  values: readonly Value[];
  /** The identifier's property (`siret`, `rna`) and its normaliser (null when malformed). */
  idProperty: string;
  normalise: (value: unknown) => string | null;
  /** The registry record written into the field's values. */
  valuesOf: (record: Entry) => { [name in Value]: string };
  provenance: { verified: string; typed: string };
  invalid: { code: string; message: string };
  unknown: { code: string; message: string };
  /** The refusal of a locked value that is not the registry's (`official` may be empty). */
  lockedMessage: (id: string, official: string) => string;
}

export interface RegistryField<Value extends string> {
  /** Path from the root; `*` stands for every item of a list. */
  path: string[];
  /** The values it fills that its schema has, and of those the locked ones. */
  fills: Value[];
  locked: Value[];
  keepsProvenance: boolean;
}

/** The fields of a kind in a definition: objects whose uiSchema names its widget, lists' items included. */
export function registryFields<Value extends string>(
  kind: Pick<RegistryFieldKind<Value, unknown>, 'isUi' | 'lockedIn' | 'values'>,
  definition: Pick<ServiceDefinition, 'schema' | 'uiSchema'>,
): RegistryField<Value>[] {
  return widgetFields(definition, kind.isUi, 50).map(({ path, schema, ui }) => {
    const properties = isNode(schema.properties) ? schema.properties : {};
    const fills = kind.values.filter((name) => name in properties);
    return {
      path,
      fills,
      locked: kind.lockedIn(ui).filter((name) => fills.includes(name)),
      keepsProvenance: 'provenance' in properties,
    };
  });
}

/** Spaces and case aside: a registry writes « 12 RUE DE LA PAIX », a browser may send it trimmed. */
const same = (a: string, b: string) =>
  a.replace(/\s+/g, ' ').trim().toLocaleLowerCase('fr') === b.replace(/\s+/g, ' ').trim().toLocaleLowerCase('fr');

/**
 * The submit-time check of a kind's fields, after the schema's own validation.
 *
 * - When the registry answers, each value the designer locked must be the
 *   registry's (a missing one is filled in): another was altered on the
 *   way, and is refused with its pointer. An identifier the registry does
 *   not know is refused when the field has locked values (they cannot come
 *   from anywhere else), kept as typed otherwise.
 * - When the registry does not answer (down, slow, garbage), the values are
 *   kept as typed: the request is never blocked by a provider.
 * - A `provenance` property, when the schema has one, records which it was.
 *
 * Returns the errors (pointer and French message) and the answers, completed.
 */
export async function checkRegistryFields<Value extends string, Entry>(
  kind: RegistryFieldKind<Value, Entry>,
  definition: Pick<ServiceDefinition, 'schema' | 'uiSchema'>,
  data: unknown,
  find: (id: string) => Promise<Entry | null>,
): Promise<{ errors: ErrorItem[]; data: unknown }> {
  const fields = registryFields(kind, definition);
  if (fields.length === 0) return { errors: [], data };
  const errors: ErrorItem[] = [];
  const completed = structuredClone(data);
  const idProperty = kind.idProperty;
  for (const field of fields) {
    for (const [path, value] of valuesAt(completed, field.path).slice(0, 20)) {
      if (!isNode(value)) continue;
      const pointer = toJsonPointer(path);
      const id = kind.normalise(value[idProperty]);
      if (id === null) {
        if (value[idProperty] !== undefined) errors.push({ pointer: `${pointer}/${idProperty}`, ...kind.invalid });
        continue;
      }
      let record: Entry | null;
      try {
        record = await find(id);
      } catch (error) {
        if (!(error instanceof LookupUnavailableError)) throw error;
        if (field.keepsProvenance) value.provenance = kind.provenance.typed;
        continue;
      }
      if (record === null) {
        if (field.locked.length > 0) errors.push({ pointer: `${pointer}/${idProperty}`, ...kind.unknown });
        else if (field.keepsProvenance) value.provenance = kind.provenance.typed;
        continue;
      }
      const official = kind.valuesOf(record);
      let altered = false;
      for (const name of field.locked) {
        const given = value[name];
        if (given === undefined || given === '') {
          if (official[name] !== '') value[name] = official[name];
        } else if (typeof given !== 'string' || !same(given, official[name])) {
          altered = true;
          errors.push({
            pointer: `${pointer}/${name}`,
            code: 'valeur_verrouillee',
            message: kind.lockedMessage(id, official[name]),
          });
        } else value[name] = official[name];
      }
      value[idProperty] = id;
      if (!altered && field.keepsProvenance) {
        const unlockedChanged = field.fills.some(
          (name) =>
            !field.locked.includes(name) && typeof value[name] === 'string' && !same(value[name], official[name]),
        );
        value.provenance = unlockedChanged
          ? `${kind.provenance.verified}, modifiée par l’usager`
          : kind.provenance.verified;
      }
    }
  }
  return { errors, data: errors.length ? data : completed };
}

/** « (« … ») » after a locked value's refusal, when the registry has one (100 characters at most). */
export const officialSuffix = (official: string) => (official ? ` (« ${official.slice(0, 100)} »)` : '');
