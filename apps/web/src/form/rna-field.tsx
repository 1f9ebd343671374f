import {
  RNA_FIELD_VALUES,
  associationValues,
  isRnaUi,
  normaliseRna,
  rnaLocked,
  type Association,
  type RnaFieldValue,
} from '@guichet/shared';
import { tr } from '../lib/i18n';
import { registryField } from './registry-field';

export { isRnaUi };

const DATES: ReadonlySet<RnaFieldValue> = new Set(['dateDeclaration', 'datePublicationJo']);

/**
 * The RNA field (issue 23), as the SIRET field: the citizen types the
 * association's RNA number; once it is well formed (W and 9 digits) the
 * association is looked up in the Répertoire national des associations and
 * the block fills (nom, objet, siège, dates of declaration and publication,
 * état), its provenance shown and a dissolved association flagged. Locked
 * values (`ui:options.locked`) cannot be changed once found; when the
 * registry does not answer every value is typed by hand and the request is
 * never blocked — the server checks the locked ones at submit. The field
 * itself is registry-field.tsx's.
 */
export const RnaField = registryField<RnaFieldValue, Association>({
  name: 'RnaField',
  // The values the field fills, in order: the server checks the same ones (@guichet/shared's rna-field).
  parts: RNA_FIELD_VALUES,
  labels: {
    nom: () => tr('Nom de l’association', 'Name of the association'),
    objet: () => tr('Objet social', 'Purpose'),
    adresse: () => tr('Adresse du siège', 'Address of the seat'),
    codePostal: () => tr('Code postal', 'Postcode'),
    commune: () => tr('Commune', 'Town'),
    dateDeclaration: () => tr('Date de déclaration', 'Date of declaration'),
    datePublicationJo: () =>
      tr('Date de publication au Journal officiel', 'Date of publication in the Journal officiel'),
    etat: () => tr('État', 'State'),
  },
  partKind: (part) => (part === 'objet' ? 'long' : DATES.has(part) ? 'date' : 'text'),
  lockedIn: rnaLocked,
  idProperty: 'rna',
  idLabel: 'Numéro RNA',
  idHint: () =>
    tr(
      'La lettre W suivie de 9 chiffres, par exemple W751234567. Il figure sur le récépissé de la préfecture.',
      'The letter W and 9 digits, for example W751234567. It is on the préfecture’s receipt.',
    ),
  idInput: { autoCapitalize: 'characters' },
  normalise: normaliseRna,
  complete: (rna): rna is string => rna !== null,
  idOf: (association) => association.rna,
  valuesOf: associationValues,
  storesFoundId: true,
  url: (rna) => `/api/v1/public/associations/${rna}`,
  asking: () => tr('Recherche de l’association…', 'Looking the association up…'),
  found: (association) =>
    association.etat === 'dissoute'
      ? tr(
          `Association trouvée : ${association.nom}. Attention : cette association est dissoute.`,
          `Association found: ${association.nom}. Note: this association has been dissolved.`,
        )
      : tr(
          `Association trouvée : ${association.nom}. Les informations ci-dessous ont été remplies.`,
          `Association found: ${association.nom}. The details below have been filled in.`,
        ),
  unknown: () =>
    tr(
      'Aucune association n’a ce numéro dans le Répertoire national des associations : vérifiez-le, ou complétez les informations ci-dessous vous-même.',
      'No association has this number in the national register of associations: check it, or fill in the details below yourself.',
    ),
  failed: () =>
    tr(
      'Le Répertoire national des associations ne répond pas pour le moment : complétez les informations ci-dessous vous-même, elles seront acceptées.',
      'The national register of associations does not answer at the moment: fill in the details below yourself, they will be accepted.',
    ),
  source: () =>
    tr('Fourni par le Répertoire national des associations', 'Provided by the national register of associations'),
  closed: (association) => association.etat === 'dissoute',
  closedTitle: () => tr('Association dissoute', 'Dissolved association'),
  closedText: (found) =>
    tr(
      ` : le Répertoire national des associations indique qu’elle a été dissoute${found.dateDissolution ? ` le ${found.dateDissolution.split('-').reverse().join('/')}` : ''}.`,
      `: the national register of associations says it has been dissolved${found.dateDissolution ? ` on ${found.dateDissolution}` : ''}.`,
    ),
});
