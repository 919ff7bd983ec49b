export { seedColumns, seedTableNames } from './columns.js';
export type { DatabaseConnection, DatabaseOptions, DialectName } from './connect.js';
export { connectDatabase, DEFAULT_DATA_DIR } from './connect.js';
export type { MigrateResult, MigrationContext, MigrationStatusEntry } from './migrator.js';
export {
  allMigrations,
  MIGRATION_LOCK_TABLE,
  MIGRATION_TABLE,
  migrateToLatest,
  migrationStatus,
  readEmbeddingDimensions,
  refreshMaterializedViews,
} from './migrator.js';
export type * from './types.js';
export { fromVector, toJson, toVector } from './values.js';
