import {
  RNA_FIELD_VALUES,
  associationValues,
  isRnaUi,
  rnaLocked,
  type ErrorItem,
  type RnaFieldValue,
  type ServiceDefinition,
} from '@guichet/shared';
import { normaliseRna, type Association, type AssociationRegistry } from './associations';
import {
  checkRegistryFields,
  officialSuffix,
  registryFields,
  type RegistryField,
  type RegistryFieldKind,
} from './registry-check';

/** The provenance an RNA field records in its `provenance` property, when its schema has one. */
export const RNA_PROVENANCE = {
  verified: 'Répertoire national des associations',
  typed: 'Saisie par l’usager, non vérifiée',
};

export type RnaField = RegistryField<RnaFieldValue>;

/** The RNA field: an object whose uiSchema says `rna`, filled from the associations' registry. */
const RNA_KIND: RegistryFieldKind<RnaFieldValue, Association> = {
  isUi: isRnaUi,
  lockedIn: rnaLocked,
  values: RNA_FIELD_VALUES,
  idProperty: 'rna',
  normalise: normaliseRna,
  valuesOf: associationValues,
  provenance: RNA_PROVENANCE,
  invalid: {
    code: 'rna_invalide',
    message: 'Le numéro RNA commence par la lettre W suivie de 9 chiffres (exemple : W751234567).',
  },
  unknown: {
    code: 'rna_inconnu',
    message: 'Ce numéro RNA n’est pas dans le Répertoire national des associations : vérifiez-le.',
  },
  lockedMessage: (rna, official) =>
    `Cette valeur est fournie par le Répertoire national des associations pour le numéro ${rna} et ne peut pas être modifiée${officialSuffix(official)}.`,
};

/** The RNA fields of a definition: objects whose uiSchema says `rna`, lists' items included. */
export function rnaFields(definition: Pick<ServiceDefinition, 'schema' | 'uiSchema'>): RnaField[] {
  return registryFields(RNA_KIND, definition);
}

/**
 * The submit-time check of RNA fields, after the schema's own validation,
 * with the SIRET check's rules (lookups/registry-check.ts) and the
 * associations' registry.
 */
export async function checkRnas(
  definition: Pick<ServiceDefinition, 'schema' | 'uiSchema'>,
  data: unknown,
  registry: AssociationRegistry,
): Promise<{ errors: ErrorItem[]; data: unknown }> {
  return checkRegistryFields(RNA_KIND, definition, data, (rna) => registry.findByRna(rna));
}
