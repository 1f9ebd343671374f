import {
  SIRET_FIELD_VALUES,
  companyValues,
  isSiretUi,
  siretLocked,
  toJsonPointer,
  type ErrorItem,
  type ServiceDefinition,
  type SiretFieldValue,
} from '@guichet/shared';
import { valuesAt, widgetFields } from '../widget-fields';
import { LookupUnavailableError, normaliseSiret, type Company, type CompanyDirectory } from './companies';

type Node = Record<string, unknown>;
const isNode = (v: unknown): v is Node => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The provenance a SIRET field records in its `provenance` property, when its schema has one. */
export const PROVENANCE = { verified: 'Répertoire Sirene (INSEE)', typed: 'Saisie par l’usager, non vérifiée' };

export interface SiretField {
  /** Path from the root; `*` stands for every item of a list. */
  path: string[];
  /** The values it fills that its schema has, and of those the locked ones. */
  fills: SiretFieldValue[];
  locked: SiretFieldValue[];
  keepsProvenance: boolean;
}

/** The SIRET fields of a definition: objects whose uiSchema says `siret`, lists' items included. */
export function siretFields(definition: Pick<ServiceDefinition, 'schema' | 'uiSchema'>): SiretField[] {
  return widgetFields(definition, isSiretUi, 50).map(({ path, schema, ui }) => {
    const properties = isNode(schema.properties) ? schema.properties : {};
    const fills = SIRET_FIELD_VALUES.filter((name) => name in properties);
    return {
      path,
      fills,
      locked: siretLocked(ui).filter((name) => fills.includes(name)),
      keepsProvenance: 'provenance' in properties,
    };
  });
}

/** Spaces and case aside: the directory writes « 12 RUE DE LA PAIX », a browser may send it trimmed. */
const same = (a: string, b: string) =>
  a.replace(/\s+/g, ' ').trim().toLocaleLowerCase('fr') === b.replace(/\s+/g, ' ').trim().toLocaleLowerCase('fr');

/**
 * The submit-time check of SIRET fields, after the schema's own validation.
 *
 * - When the directory answers, each value the designer locked must be the
 *   directory's (a missing one is filled in): another was altered on the
 *   way, and is refused with its pointer. A SIRET the directory does not
 *   know is refused when the field has locked values (they cannot come from
 *   anywhere else), kept as typed otherwise.
 * - When the directory does not answer (down, slow, garbage), the values are
 *   kept as typed: the request is never blocked by a provider.
 * - A `provenance` property, when the schema has one, records which it was.
 *
 * Returns the errors (pointer and French message) and the answers, completed.
 */
export async function checkSirets(
  definition: Pick<ServiceDefinition, 'schema' | 'uiSchema'>,
  data: unknown,
  directory: CompanyDirectory,
): Promise<{ errors: ErrorItem[]; data: unknown }> {
  const fields = siretFields(definition);
  if (fields.length === 0) return { errors: [], data };
  const errors: ErrorItem[] = [];
  const completed = structuredClone(data);
  for (const field of fields) {
    for (const [path, value] of valuesAt(completed, field.path).slice(0, 20)) {
      if (!isNode(value)) continue;
      const pointer = toJsonPointer(path);
      const siret = normaliseSiret(value.siret);
      if (siret === null) {
        if (value.siret !== undefined)
          errors.push({
            pointer: `${pointer}/siret`,
            code: 'siret_invalide',
            message: 'Le numéro SIRET comporte 14 chiffres et une clé valide (exemple : 732 829 320 00074).',
          });
        continue;
      }
      let company: Company | null;
      try {
        company = await directory.findBySiret(siret);
      } catch (error) {
        if (!(error instanceof LookupUnavailableError)) throw error;
        if (field.keepsProvenance) value.provenance = PROVENANCE.typed;
        continue;
      }
      if (company === null) {
        if (field.locked.length > 0)
          errors.push({
            pointer: `${pointer}/siret`,
            code: 'siret_inconnu',
            message: 'Ce numéro SIRET n’est pas dans le répertoire Sirene de l’INSEE : vérifiez-le.',
          });
        else if (field.keepsProvenance) value.provenance = PROVENANCE.typed;
        continue;
      }
      const official = companyValues(company);
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
            message: `Cette valeur est fournie par le répertoire Sirene de l’INSEE pour le SIRET ${siret} et ne peut pas être modifiée${official[name] ? ` (« ${official[name].slice(0, 100)} »)` : ''}.`,
          });
        } else value[name] = official[name];
      }
      value.siret = siret;
      if (!altered && field.keepsProvenance) {
        const unlockedChanged = field.fills.some(
          (name) =>
            !field.locked.includes(name) && typeof value[name] === 'string' && !same(value[name], official[name]),
        );
        value.provenance = unlockedChanged ? `${PROVENANCE.verified}, modifiée par l’usager` : PROVENANCE.verified;
      }
    }
  }
  return { errors, data: errors.length ? data : completed };
}
