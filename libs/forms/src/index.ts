export { ALLOWED_FORMATS, createAjv } from './ajv';
export { canonicalJson, checkDefinition, definitionHash, type DefinitionCheck } from './check-definition';
export { DEFINITION_SCHEMA } from './definition-schema';
export { toErrorItems } from '@guichet/shared';
export { POLICY_LIMITS, checkSchemaPolicy } from './policy';
export {
  FormValidator,
  ValidatorCache,
  applyPrefill,
  type ValidateOptions,
  type ValidationMode,
  type ValidationOutcome,
} from './validator';
export { diffDefinitions, type DefinitionDiff, type FieldChange } from './catalogue/diff';
export { EXPORT_KIND, fromBareSchema, readImport, toDraft2020, type ServiceExport } from './catalogue/import';
export {
  SLUG,
  ServiceCatalogue,
  starterDefinition,
  type PublishPreview,
  type ServiceSummary,
  type ServiceView,
  type VersionSummary,
} from './catalogue/service-catalogue';
export { importExamples, operatorActor } from './catalogue/examples';
export { listExamples, readExample, type ExampleSummary } from './catalogue/example-files';
export { PublicCatalogue, type PublicService, type PublicServiceSummary } from './catalogue/public-catalogue';
export {
  ServiceRepository,
  type Closing,
  type NewService,
  type NewVersion,
  type VersionRow,
} from './catalogue/service-repository';
export { RUNTIME_HELPERS, browserValidatorModule } from './standalone';
export { DiskValidatorCodeStore, MemoryValidatorCodeStore, type ValidatorCodeStore } from './compiled-validators';
export {
  CommuneDirectory,
  checkCommunes,
  communeDirectory,
  communeFields,
  isCommuneUi,
  type Commune,
  type Territory,
} from './communes';
export {
  HttpCompanyDirectory,
  LookupUnavailableError,
  PROVENANCE,
  checkSirets,
  companyDirectory,
  normaliseSiret,
  parseSearchAnswer,
  siretFields,
  ProviderClient,
  type Company,
  type CompanyDirectory,
  type ProviderClientOptions,
  type ProviderRequest,
  HttpAssociationRegistry,
  RNA_PROVENANCE,
  associationRegistry,
  checkRnas,
  parseAssociationAnswer,
  rnaFields,
  type Association,
  type AssociationRegistry,
  HttpFamilyQuotientProvider,
  checkQuotients,
  familyQuotientProvider,
  parseQuotientAnswer,
  quotientConsented,
  quotientFields,
  quotientIdentity,
  type FamilyQuotient,
  type FamilyQuotientProvider,
  type QuotientIdentity,
  HttpAddressDirectory,
  addressDirectory,
  addressFields,
  checkAddresses,
  normaliseAddressQuery,
  parseAddressAnswer,
  type Address,
  type AddressDirectory,
} from './lookups';
export { LOOKUP_WIDGETS, provenanceComment, provenanceLines, type ProvenanceLine } from './provenance';
