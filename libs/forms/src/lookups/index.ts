export {
  HttpCompanyDirectory,
  LookupUnavailableError,
  companyDirectory,
  legalFormLabel,
  normaliseSiret,
  parseSearchAnswer,
  type Company,
  type CompanyDirectory,
  type HttpCompanyDirectoryOptions,
} from './companies';
export {
  PROVENANCE,
  SIRET_FIELD_VALUES,
  checkSirets,
  companyValues,
  isSiretUi,
  lockedOf,
  siretFields,
  type SiretField,
  type SiretFieldValue,
} from './siret-check';
