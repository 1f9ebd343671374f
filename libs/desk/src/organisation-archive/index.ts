export {
  ARCHIVE_FORMAT_VERSION,
  ARCHIVE_KIND,
  DEFAULT_ARCHIVE_LIMITS,
  MANIFEST,
  OrganisationArchiveError,
  layoutJson,
  safeEntryName,
  type ArchiveCounts,
  type ArchiveLimits,
  type ArchiveRefusal,
  type Manifest,
  type ManifestFile,
} from './format';
export { exportOrganisation, findOrganisation, type ExportOrganisationOptions } from './export';
export { importOrganisation, type ImportOrganisationOptions, type ImportedOrganisation } from './import';
export { OrganisationArchives, archiveFilename, type OrganisationArchivesOptions } from './archives';
export { ArchiveExportRepository, type Queryable } from './export-repository';
export { ArchiveImportRepository } from './import-repository';
