export * from './entities';
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
export { namedStatement, runNamed, type NamedStatement } from './named-statement';
