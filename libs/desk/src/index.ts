export { AgentPreferences } from './agent-preferences';
export { AgentPreferenceRepository } from './agent-preference-repository';
export {
  ExportRepository,
  type ClaimedRun,
  type ExpiredFile,
  type NewDeskExport,
  type PartsTable,
} from './export-repository';
export { CaseActions, type NoteView } from './case-actions';
export {
  EXPORT_FORMATS,
  answerColumns,
  chosenColumns,
  countRequests,
  csvCell,
  exportRequests,
  pointerReader,
  type ExportFormat,
} from './export';
export {
  DeskExports,
  EXPORT_MAX_RUNS,
  EXPORT_MEDIA_TYPES,
  EXPORT_PART_BYTES,
  EXPORT_TTL_MS,
  parseExportRequest,
  type ExportRequest,
  type ExportView,
} from './export-jobs';
export {
  XLSX_MEDIA_TYPE,
  XlsxWriter,
  ZoneOffsets,
  cellText,
  columnName,
  xmlText,
  type XlsxCell,
  type XlsxColumn,
} from './xlsx';
export { ZipWriter, crc32 } from './xlsx-zip';
export { InboxRepository, type ExportRow, type InboxRow, type ServiceRow, type SharedCounts } from './inbox-repository';
export { filterSql, inboxPageSql, keyset } from './inbox-sql';
export {
  Inbox,
  type WorkedService,
  type DeskService,
  type DeskServiceView,
  type InboxItem,
  type InboxPage,
} from './inbox';
export {
  MAX_COLUMNS,
  MAX_LIMIT,
  TABS,
  encodeCursor,
  parseInboxQuery,
  readNumber,
  type AnswerFilter,
  type Cursor,
  type InboxFilter,
  type SortOrder,
  type Tab,
} from './inbox-query';
export {
  DeskAccess,
  deskActorOf,
  locate,
  scopeFor,
  type DeskActor,
  type DeskGrant,
  type Located,
  type Scope,
} from './access';
export * from './organisation-archive';
export { ServiceWebhooks, type WebhookView } from './service-webhooks';
