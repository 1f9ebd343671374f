import {
  QUOTIENT_CONSENT,
  QUOTIENT_FIELD_VALUES,
  isQuotientUi,
  quotientLocked,
  quotientProvenance,
  quotientValues,
  toJsonPointer,
  type ErrorItem,
  type FamilyQuotient,
  type QuotientFieldValue,
  type ServiceDefinition,
} from '@guichet/shared';
import { valuesAt, widgetFields } from '../widget-fields';
import type { FamilyQuotientProvider, QuotientIdentity } from './family-quotient';
import { LookupUnavailableError } from './provider-client';

type Node = Record<string, unknown>;
const isNode = (v: unknown): v is Node => v !== null && typeof v === 'object' && !Array.isArray(v);

export interface QuotientField {
  /** Path from the root; `*` stands for every item of a list. */
  path: string[];
  fills: QuotientFieldValue[];
  locked: QuotientFieldValue[];
  keepsProvenance: boolean;
}

/** The family quotient fields of a definition: objects whose uiSchema says `quotient-familial`. */
export function quotientFields(definition: Pick<ServiceDefinition, 'schema' | 'uiSchema'>): QuotientField[] {
  return widgetFields(definition, isQuotientUi, 10).map(({ path, schema, ui }) => {
    const properties = isNode(schema.properties) ? schema.properties : {};
    const fills = QUOTIENT_FIELD_VALUES.filter((name) => name in properties);
    return {
      path,
      fills,
      locked: quotientLocked(ui).filter((name) => fills.includes(name)),
      keepsProvenance: 'provenance' in properties,
    };
  });
}

/** Whether any answer of `data` asks for the API: a quotient field whose consent is ticked. */
export function quotientConsented(definition: Pick<ServiceDefinition, 'schema' | 'uiSchema'>, data: unknown): boolean {
  return quotientFields(definition).some((field) =>
    valuesAt(data, field.path).some(([, value]) => isNode(value) && value[QUOTIENT_CONSENT] === true),
  );
}

const same = (a: unknown, b: string | number) =>
  typeof b === 'number'
    ? a === b
    : typeof a === 'string' &&
      a.replace(/\s+/g, ' ').trim().toLocaleLowerCase('fr') === b.replace(/\s+/g, ' ').trim().toLocaleLowerCase('fr');

/**
 * The submit-time check of family quotient fields. The API is asked only for
 * a citizen signed in with FranceConnect (`identity`) whose consent is ticked
 * in the field. When it answers, each locked value must be the API's (a
 * missing one is filled in), another is refused with its pointer, and the
 * provenance says « Fourni par la CAF via API Particulier ». Otherwise (not
 * signed in with FranceConnect, no consent, unknown to the CAF and the MSA,
 * the API down) the values are kept as typed and the provenance says
 * « Déclaré par l’usager »: the request is never blocked by the API.
 */
export async function checkQuotients(
  definition: Pick<ServiceDefinition, 'schema' | 'uiSchema'>,
  data: unknown,
  provider: FamilyQuotientProvider | undefined,
  identity: QuotientIdentity | null,
): Promise<{ errors: ErrorItem[]; data: unknown }> {
  const fields = quotientFields(definition);
  if (fields.length === 0) return { errors: [], data };
  const errors: ErrorItem[] = [];
  const completed = structuredClone(data);
  for (const field of fields) {
    for (const [path, value] of valuesAt(completed, field.path).slice(0, 5)) {
      if (!isNode(value)) continue;
      const pointer = toJsonPointer(path);
      let quotient: FamilyQuotient | null = null;
      if (provider && identity && value[QUOTIENT_CONSENT] === true) {
        try {
          quotient = await provider.findByIdentity(identity);
        } catch (error) {
          if (!(error instanceof LookupUnavailableError)) throw error;
        }
      }
      if (quotient === null) {
        if (field.keepsProvenance) value.provenance = quotientProvenance(null);
        continue;
      }
      const official = quotientValues(quotient);
      let altered = false;
      for (const name of field.locked) {
        const given = value[name];
        if (given === undefined || given === '') value[name] = official[name];
        else if (!same(given, official[name])) {
          altered = true;
          errors.push({
            pointer: `${pointer}/${name}`,
            code: 'valeur_verrouillee',
            message: `Cette valeur est fournie par la ${quotient.regime} via API Particulier et ne peut pas être modifiée (« ${official[name]} »).`,
          });
        } else value[name] = official[name];
      }
      if (!altered && field.keepsProvenance) {
        const unlockedChanged = field.fills.some(
          (name) => !field.locked.includes(name) && value[name] !== undefined && !same(value[name], official[name]),
        );
        value.provenance = unlockedChanged
          ? `${quotientProvenance(quotient.regime)}, modifié par l’usager`
          : quotientProvenance(quotient.regime);
      }
    }
  }
  return { errors, data: errors.length ? data : completed };
}
