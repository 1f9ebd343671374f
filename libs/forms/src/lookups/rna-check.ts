import {
  RNA_FIELD_VALUES,
  associationValues,
  isRnaUi,
  rnaLocked,
  toJsonPointer,
  type ErrorItem,
  type RnaFieldValue,
  type ServiceDefinition,
} from '@guichet/shared';
import { valuesAt, widgetFields } from '../widget-fields';
import { normaliseRna, type Association, type AssociationRegistry } from './associations';
import { LookupUnavailableError } from './provider-client';

type Node = Record<string, unknown>;
const isNode = (v: unknown): v is Node => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The provenance an RNA field records in its `provenance` property, when its schema has one. */
export const RNA_PROVENANCE = {
  verified: 'Répertoire national des associations',
  typed: 'Saisie par l’usager, non vérifiée',
};

export interface RnaField {
  /** Path from the root; `*` stands for every item of a list. */
  path: string[];
  /** The values it fills that its schema has, and of those the locked ones. */
  fills: RnaFieldValue[];
  locked: RnaFieldValue[];
  keepsProvenance: boolean;
}

/** The RNA fields of a definition: objects whose uiSchema says `rna`, lists' items included. */
export function rnaFields(definition: Pick<ServiceDefinition, 'schema' | 'uiSchema'>): RnaField[] {
  return widgetFields(definition, isRnaUi, 50).map(({ path, schema, ui }) => {
    const properties = isNode(schema.properties) ? schema.properties : {};
    const fills = RNA_FIELD_VALUES.filter((name) => name in properties);
    return {
      path,
      fills,
      locked: rnaLocked(ui).filter((name) => fills.includes(name)),
      keepsProvenance: 'provenance' in properties,
    };
  });
}

/** Spaces and case aside, as for the SIRET field's values. */
const same = (a: string, b: string) =>
  a.replace(/\s+/g, ' ').trim().toLocaleLowerCase('fr') === b.replace(/\s+/g, ' ').trim().toLocaleLowerCase('fr');

/**
 * The submit-time check of RNA fields, after the schema's own validation,
 * with the SIRET check's rules (lookups/siret-check.ts): when the registry
 * answers, each locked value must be the registry's (a missing one is
 * filled in), another is refused with its pointer; an RNA number the
 * registry does not know is refused when the field has locked values; when
 * the registry does not answer the values are kept as typed. A `provenance`
 * property records which it was.
 */
export async function checkRnas(
  definition: Pick<ServiceDefinition, 'schema' | 'uiSchema'>,
  data: unknown,
  registry: AssociationRegistry,
): Promise<{ errors: ErrorItem[]; data: unknown }> {
  const fields = rnaFields(definition);
  if (fields.length === 0) return { errors: [], data };
  const errors: ErrorItem[] = [];
  const completed = structuredClone(data);
  for (const field of fields) {
    for (const [path, value] of valuesAt(completed, field.path).slice(0, 20)) {
      if (!isNode(value)) continue;
      const pointer = toJsonPointer(path);
      const rna = normaliseRna(value.rna);
      if (rna === null) {
        if (value.rna !== undefined)
          errors.push({
            pointer: `${pointer}/rna`,
            code: 'rna_invalide',
            message: 'Le numéro RNA commence par la lettre W suivie de 9 chiffres (exemple : W751234567).',
          });
        continue;
      }
      let association: Association | null;
      try {
        association = await registry.findByRna(rna);
      } catch (error) {
        if (!(error instanceof LookupUnavailableError)) throw error;
        if (field.keepsProvenance) value.provenance = RNA_PROVENANCE.typed;
        continue;
      }
      if (association === null) {
        if (field.locked.length > 0)
          errors.push({
            pointer: `${pointer}/rna`,
            code: 'rna_inconnu',
            message: 'Ce numéro RNA n’est pas dans le Répertoire national des associations : vérifiez-le.',
          });
        else if (field.keepsProvenance) value.provenance = RNA_PROVENANCE.typed;
        continue;
      }
      const official = associationValues(association);
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
            message: `Cette valeur est fournie par le Répertoire national des associations pour le numéro ${rna} et ne peut pas être modifiée${official[name] ? ` (« ${official[name].slice(0, 100)} »)` : ''}.`,
          });
        } else value[name] = official[name];
      }
      value.rna = rna;
      if (!altered && field.keepsProvenance) {
        const unlockedChanged = field.fills.some(
          (name) =>
            !field.locked.includes(name) && typeof value[name] === 'string' && !same(value[name], official[name]),
        );
        value.provenance = unlockedChanged
          ? `${RNA_PROVENANCE.verified}, modifiée par l’usager`
          : RNA_PROVENANCE.verified;
      }
    }
  }
  return { errors, data: errors.length ? data : completed };
}
