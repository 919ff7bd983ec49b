/**
 * Applies GreenTrack's migrations with Kysely's Migrator. Migrations are TypeScript modules
 * imported statically (no directory scan), so they bundle and run the same from source,
 * from `dist/` and from a host's bundle.
 */
import { type Kysely, sql } from 'kysely';
import { type Migration, type MigrationResultSet, Migrator } from 'kysely/migration';
import { CommonErrorCode, GreenTrackError } from '../errors.js';
import { seedSchemaMigration } from './migrations/0001_seed_schema.js';
import { materializedViewsMigration } from './migrations/0002_materialized_views.js';
import { customerTagsMirrorMigration } from './migrations/0003_customer_tags_mirror.js';
import { customerSearchMigration } from './migrations/0004_customer_search.js';
import { organizationSettingsMigration } from './migrations/0005_organization_settings.js';
import { embeddingQueueMigration } from './migrations/0006_embedding_queue.js';
import { timelineIndexesMigration } from './migrations/0007_timeline_indexes.js';
import { customerPhoneIndexMigration } from './migrations/0008_customer_phone_index.js';
import { setBasedTagMirrorMigration } from './migrations/0009_set_based_tag_mirror.js';
import { rowLevelSecurityMigration } from './migrations/0010_row_level_security.js';
import { outboxMigration } from './migrations/0011_outbox.js';
import { campaignDispatchMigration } from './migrations/0012_campaign_dispatch.js';
import { customerTagsPolicyMigration } from './migrations/0013_customer_tags_policy_via_tags.js';
import { policiesReadSettingOnceMigration } from './migrations/0014_policies_read_setting_once.js';
import { sendingSettingsMigration } from './migrations/0016_sending_settings.js';
import { customerTagsPolicyTagArrayMigration } from './migrations/0017_customer_tags_policy_tag_array.js';
import { organizationProvidersMigration } from './migrations/0018_organization_providers.js';
import { messageBodiesLz4Migration } from './migrations/0019_message_bodies_lz4.js';
import { invoiceLedgerIndexesMigration } from './migrations/0020_invoice_ledger_indexes.js';
import { paymentLedgerIndexesMigration } from './migrations/0021_payment_ledger_indexes.js';
import { invoiceSyncStateMigration } from './migrations/0022_invoice_sync_state.js';
import { tagMirrorByIdMigration } from './migrations/0024_tag_mirror_by_id.js';
import { invoiceMessagesMigration } from './migrations/0025_invoice_messages.js';
import { invoicePaymentLinkMigration } from './migrations/0026_invoice_payment_link.js';
import { deliveryMessageFkDeferredMigration } from './migrations/0027_delivery_message_fk_deferred.js';
import { webhooksMigration } from './migrations/0028_webhooks.js';
import { messageEventIdsMigration } from './migrations/0029_message_event_ids.js';
import { smsHelpReplyMigration } from './migrations/0030_sms_help_reply.js';
import { invoiceSourceVersionsMigration } from './migrations/0031_invoice_source_versions.js';
import { eventsGaClientIndexMigration } from './migrations/0032_events_ga_client_index.js';
import { attributionSettingsMigration } from './migrations/0033_attribution_settings.js';
import { campaignHoldoutsMigration } from './migrations/0036_campaign_holdouts.js';
import { kpiViewsMigration } from './migrations/0037_kpi_views.js';
import type { MigrationContext } from './migrations/context.js';
import type { Database } from './types.js';

export type { MigrationContext } from './migrations/context.js';

/** Name of the table recording applied migrations. */
export const MIGRATION_TABLE = 'greentrack_migration';
/** Name of the lock table that keeps two processes from migrating at once. */
const MIGRATION_LOCK_TABLE = 'greentrack_migration_lock';

/** Every migration, in order. Names sort lexically; never rename or reorder one. */
export function allMigrations(context: MigrationContext): Record<string, Migration> {
  return {
    '0001_seed_schema': seedSchemaMigration(context),
    '0002_materialized_views': materializedViewsMigration,
    '0003_customer_tags_mirror': customerTagsMirrorMigration,
    '0004_customer_search': customerSearchMigration,
    '0005_organization_settings': organizationSettingsMigration,
    '0006_embedding_queue': embeddingQueueMigration,
    '0007_timeline_indexes': timelineIndexesMigration,
    '0008_customer_phone_index': customerPhoneIndexMigration,
    '0009_set_based_tag_mirror': setBasedTagMirrorMigration,
    '0010_row_level_security': rowLevelSecurityMigration(context),
    '0011_outbox': outboxMigration(context),
    '0012_campaign_dispatch': campaignDispatchMigration(context),
    '0013_customer_tags_policy_via_tags': customerTagsPolicyMigration(context),
    '0014_policies_read_setting_once': policiesReadSettingOnceMigration(context),
    '0016_sending_settings': sendingSettingsMigration,
    '0017_customer_tags_policy_tag_array': customerTagsPolicyTagArrayMigration(context),
    '0018_organization_providers': organizationProvidersMigration,
    '0019_message_bodies_lz4': messageBodiesLz4Migration,
    '0020_invoice_ledger_indexes': invoiceLedgerIndexesMigration,
    '0021_payment_ledger_indexes': paymentLedgerIndexesMigration,
    '0022_invoice_sync_state': invoiceSyncStateMigration(context),
    '0024_tag_mirror_by_id': tagMirrorByIdMigration,
    '0025_invoice_messages': invoiceMessagesMigration(context),
    '0026_invoice_payment_link': invoicePaymentLinkMigration(context),
    '0027_delivery_message_fk_deferred': deliveryMessageFkDeferredMigration,
    '0028_webhooks': webhooksMigration(context),
    '0029_message_event_ids': messageEventIdsMigration,
    '0030_sms_help_reply': smsHelpReplyMigration,
    '0031_invoice_source_versions': invoiceSourceVersionsMigration(context),
    '0032_events_ga_client_index': eventsGaClientIndexMigration,
    '0033_attribution_settings': attributionSettingsMigration,
    '0036_campaign_holdouts': campaignHoldoutsMigration(context),
    '0037_kpi_views': kpiViewsMigration(context),
  };
}

function createMigrator(db: Kysely<Database>, context: MigrationContext): Migrator {
  return new Migrator({
    db: db as Kysely<unknown>,
    provider: { getMigrations: async () => allMigrations(context) },
    migrationTableName: MIGRATION_TABLE,
    migrationLockTableName: MIGRATION_LOCK_TABLE,
  });
}

/** Outcome of `migrateToLatest`. */
export interface MigrateResult {
  /** Names applied by this call, in order; empty when already up to date. */
  applied: string[];
}

/**
 * Applies every pending migration. Kysely runs the pending batch in one transaction under
 * an advisory lock (Postgres has transactional DDL), so a failure applies nothing and two
 * processes migrating at once apply each migration once.
 * @throws GreenTrackError `MIGRATION_FAILED` naming the migration and the database's message.
 */
export async function migrateToLatest(
  db: Kysely<Database>,
  context: MigrationContext,
): Promise<MigrateResult> {
  const { error, results }: MigrationResultSet = await createMigrator(
    db,
    context,
  ).migrateToLatest();
  const applied = (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
  if (error !== undefined) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? '(setup)';
    throw new GreenTrackError({
      code: CommonErrorCode.MIGRATION_FAILED,
      message: `Migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`,
      details: { migration: failed, applied },
      cause: error,
    });
  }
  return { applied };
}

/** One migration and whether it has been applied. */
export interface MigrationStatusEntry {
  name: string;
  /** When it was applied, or `null` if pending. */
  appliedAt: Date | null;
}

/** Lists every migration with its applied time (or `null` when pending). */
export async function migrationStatus(
  db: Kysely<Database>,
  context: MigrationContext,
): Promise<MigrationStatusEntry[]> {
  const infos = await createMigrator(db, context).getMigrations();
  return infos.map((info) => ({ name: info.name, appliedAt: info.executedAt ?? null }));
}

/**
 * The dimension of `customers.embedding` in an existing database, or `null` before the
 * first migration. The column type is the truth; configuration only matters at creation.
 */
export async function readEmbeddingDimensions(db: Kysely<Database>): Promise<number | null> {
  const { rows } = await sql<{ type: string }>`
    SELECT format_type(a.atttypid, a.atttypmod) AS type
    FROM pg_attribute a
    WHERE a.attrelid = to_regclass('customers') AND a.attname = 'embedding' AND NOT a.attisdropped
  `.execute(db);
  const match = rows[0] && /^vector\((\d+)\)$/.exec(rows[0].type);
  return match ? Number(match[1]) : null;
}

/**
 * Refreshes both materialized views. `concurrently` keeps them readable during the refresh
 * (it needs the unique indexes migration 0002 creates). `asRole` names the views' owner
 * when it is not the login (`greentrack_system` under row-level security): the refresh runs
 * as that role, set for the session of one reserved connection and reset afterwards,
 * because `REFRESH … CONCURRENTLY` cannot run inside a transaction.
 */
export async function refreshMaterializedViews(
  db: Kysely<Database>,
  options: { concurrently?: boolean; asRole?: string } = {},
): Promise<void> {
  const mode = options.concurrently ? sql.raw('CONCURRENTLY ') : sql.raw('');
  const role = options.asRole;
  await db.connection().execute(async (connection) => {
    if (role !== undefined) await sql`SET ROLE ${sql.id(role)}`.execute(connection);
    try {
      await sql`REFRESH MATERIALIZED VIEW ${mode}mv_campaign_performance`.execute(connection);
      await sql`REFRESH MATERIALIZED VIEW ${mode}mv_revenue_by_campaign`.execute(connection);
    } finally {
      if (role !== undefined) await sql`RESET ROLE`.execute(connection);
    }
  });
}
