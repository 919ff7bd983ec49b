export type { DatabaseAccess } from './access.js';
export { seedColumns, seedTableNames } from './columns.js';
export type { DatabaseConnection, DatabaseOptions, DialectName } from './connect.js';
export { connectDatabase, DEFAULT_DATA_DIR } from './connect.js';
export type { MigrateResult, MigrationStatusEntry } from './migrator.js';
export {
  MIGRATION_TABLE,
  migrateToLatest,
  migrationStatus,
  readEmbeddingDimensions,
  refreshMaterializedViews,
} from './migrator.js';
export type * from './types.js';
export { fromVector, toJson, toVector } from './values.js';
export {
  createViewRefresher,
  readRefreshedAt,
  type ViewRefresher,
  type ViewRefreshResult,
} from './view-refresh.js';
