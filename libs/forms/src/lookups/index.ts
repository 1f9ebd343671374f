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
export { PROVENANCE, checkSirets, siretFields, type SiretField } from './siret-check';
export { ProviderClient, type ProviderClientOptions, type ProviderRequest } from './provider-client';
