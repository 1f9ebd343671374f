import {
  SIRET_FIELD_VALUES,
  companyValues,
  isSiretUi,
  siretLocked,
  type ErrorItem,
  type ServiceDefinition,
  type SiretFieldValue,
} from '@guichet/shared';
import { normaliseSiret, type Company, type CompanyDirectory } from './companies';
import {
  checkRegistryFields,
  officialSuffix,
  registryFields,
  type RegistryField,
  type RegistryFieldKind,
} from './registry-check';

/** The provenance a SIRET field records in its `provenance` property, when its schema has one. */
export const PROVENANCE = { verified: 'Répertoire Sirene (INSEE)', typed: 'Saisie par l’usager, non vérifiée' };

export type SiretField = RegistryField<SiretFieldValue>;

/** The SIRET field: an object whose uiSchema says `siret`, filled from the Sirene directory. */
const SIRET_KIND: RegistryFieldKind<SiretFieldValue, Company> = {
  isUi: isSiretUi,
  lockedIn: siretLocked,
  values: SIRET_FIELD_VALUES,
  idProperty: 'siret',
  normalise: normaliseSiret,
  valuesOf: companyValues,
  provenance: PROVENANCE,
  invalid: {
    code: 'siret_invalide',
    message: 'Le numéro SIRET comporte 14 chiffres et une clé valide (exemple : 732 829 320 00074).',
  },
  unknown: {
    code: 'siret_inconnu',
    message: 'Ce numéro SIRET n’est pas dans le répertoire Sirene de l’INSEE : vérifiez-le.',
  },
  lockedMessage: (siret, official) =>
    `Cette valeur est fournie par le répertoire Sirene de l’INSEE pour le SIRET ${siret} et ne peut pas être modifiée${officialSuffix(official)}.`,
};

/** The SIRET fields of a definition: objects whose uiSchema says `siret`, lists' items included. */
export function siretFields(definition: Pick<ServiceDefinition, 'schema' | 'uiSchema'>): SiretField[] {
  return registryFields(SIRET_KIND, definition);
}

/**
 * The submit-time check of SIRET fields, after the schema's own validation
 * (the rules of lookups/registry-check.ts, with the Sirene directory).
 * Returns the errors (pointer and French message) and the answers, completed.
 */
export async function checkSirets(
  definition: Pick<ServiceDefinition, 'schema' | 'uiSchema'>,
  data: unknown,
  directory: CompanyDirectory,
): Promise<{ errors: ErrorItem[]; data: unknown }> {
  return checkRegistryFields(SIRET_KIND, definition, data, (siret) => directory.findBySiret(siret));
}
