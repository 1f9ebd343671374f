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
export {
  HttpAssociationRegistry,
  associationRegistry,
  normaliseRna,
  parseAssociationAnswer,
  type Association,
  type AssociationRegistry,
  type HttpAssociationRegistryOptions,
} from './associations';
export { RNA_PROVENANCE, checkRnas, rnaFields, type RnaField } from './rna-check';
export {
  HttpFamilyQuotientProvider,
  familyQuotientProvider,
  parseQuotientAnswer,
  quotientIdentity,
  type FamilyQuotient,
  type FamilyQuotientProvider,
  type HttpFamilyQuotientProviderOptions,
  type QuotientIdentity,
} from './family-quotient';
export { checkQuotients, quotientConsented, quotientFields, type QuotientField } from './quotient-check';
export {
  HttpAddressDirectory,
  addressDirectory,
  normaliseAddressQuery,
  parseAddressAnswer,
  type Address,
  type AddressDirectory,
  type HttpAddressDirectoryOptions,
} from './addresses';
export { addressFields, checkAddresses, findBanAddress, type AddressField } from './address-check';
