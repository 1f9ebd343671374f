export {
  Account,
  AgentMembership,
  ApiToken,
  Attachment,
  ENTITIES,
  FormVersion,
  IdempotencyKey,
  Organisation,
  OutboxRow,
  Service,
  Submission,
  SubmissionEvent,
  SubmissionMessage,
  SystemPing,
  type AccountKind,
  type OrganisationRole,
  type ServiceStatus,
} from './entities';
export { MIGRATIONS } from './migrations';
export { createDataSource, dataSourceOptions, runMigrations, type DatabaseSettings } from './data-source';
export { DEMO_AGENTS, DEMO_ORGANISATION, seedDemoAgents, seedDemoOrganisation } from './seed';
export { SystemPingRepository } from './system-ping.repository';
export {
  ensureDatabase,
  startEmbeddedPostgres,
  type EmbeddedPostgresSettings,
  type RunningPostgres,
} from './embedded-postgres';
