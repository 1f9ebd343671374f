import {
  CUSTOM_FORMATS,
  SIRET_FIELD_VALUES,
  companyValues,
  isSiretUi,
  siretLocked,
  type Company,
  type SiretFieldValue,
} from '@guichet/shared';
import { tr } from '../lib/i18n';
import { registryField } from './registry-field';

export { isSiretUi };

const compact = (siret: string) => siret.replace(/[ \u00A0\u202F]/g, '');

/**
 * The SIRET field (issue 23): the citizen types a SIRET; once it is valid (14
 * digits and its key) the establishment is looked up in the répertoire Sirene
 * and the block fills (raison sociale, forme juridique, adresse, code NAF,
 * état), its provenance shown and a closed establishment flagged. The values
 * the designer locked (`ui:options.locked`) cannot be changed once found;
 * when the directory does not answer every value is typed by hand and the
 * request is never blocked — the server checks the locked ones at submit.
 * The field itself is registry-field.tsx's.
 */
export const SiretField = registryField<SiretFieldValue, Company>({
  name: 'SiretField',
  // The values the field fills, in order: the server checks the same ones (@guichet/shared's siret-field).
  parts: SIRET_FIELD_VALUES,
  labels: {
    raisonSociale: () => tr('Raison sociale', 'Company name'),
    formeJuridique: () => tr('Forme juridique', 'Legal form'),
    adresse: () => tr('Adresse', 'Address'),
    codePostal: () => tr('Code postal', 'Postcode'),
    commune: () => tr('Commune', 'Town'),
    codeNaf: () => tr('Code NAF (APE)', 'NAF (APE) code'),
    etat: () => tr('État administratif', 'Administrative state'),
  },
  lockedIn: siretLocked,
  idProperty: 'siret',
  idLabel: 'Numéro SIRET',
  idHint: () => tr('14 chiffres, par exemple 732 829 320 00074.', '14 digits, for example 732 829 320 00074.'),
  idInput: { inputMode: 'numeric' },
  normalise: (typed) => compact(typed.trim()),
  complete: (siret): siret is string => siret !== null && siret.length === 14 && /^\d+$/.test(siret),
  invalid: {
    test: (siret) => CUSTOM_FORMATS.siret(siret),
    message: () =>
      tr(
        'Ce numéro SIRET n’est pas valide : vérifiez les 14 chiffres.',
        'This SIRET is not valid: check the 14 digits.',
      ),
  },
  idOf: (company) => company.siret,
  valuesOf: companyValues,
  storesFoundId: false,
  url: (siret) => `/api/v1/public/entreprises/${siret}`,
  asking: () => tr('Recherche de l’établissement…', 'Looking the establishment up…'),
  found: (company) =>
    company.etat === 'ferme'
      ? tr(
          `Établissement trouvé : ${company.raisonSociale}. Attention : cet établissement est fermé.`,
          `Establishment found: ${company.raisonSociale}. Note: this establishment is closed.`,
        )
      : tr(
          `Établissement trouvé : ${company.raisonSociale}. Les informations ci-dessous ont été remplies.`,
          `Establishment found: ${company.raisonSociale}. The details below have been filled in.`,
        ),
  unknown: () =>
    tr(
      'Aucun établissement n’a ce numéro SIRET dans le répertoire Sirene : vérifiez-le, ou complétez les informations ci-dessous vous-même.',
      'No establishment has this SIRET in the Sirene directory: check it, or fill in the details below yourself.',
    ),
  failed: () =>
    tr(
      'Le répertoire des entreprises ne répond pas pour le moment : complétez les informations ci-dessous vous-même, elles seront acceptées.',
      'The company directory does not answer at the moment: fill in the details below yourself, they will be accepted.',
    ),
  source: () => tr('Fourni par le répertoire Sirene de l’INSEE', 'Provided by INSEE’s Sirene directory'),
  closed: (company) => company.etat === 'ferme',
  closedTitle: () => tr('Établissement fermé', 'Closed establishment'),
  closedText: () =>
    tr(
      ' : le répertoire Sirene indique que cet établissement a cessé son activité.',
      ': the Sirene directory says this establishment has ceased trading.',
    ),
});
