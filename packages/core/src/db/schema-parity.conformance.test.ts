/**
 * The migrated schema must equal the spec's own DDL. The spec's DDL is applied into a
 * scratch schema of the same database, then the catalogs of both are compared row by row:
 * columns (type, NOT NULL, default), constraints (CHECK, UNIQUE, PK, FK with ON DELETE) and
 * indexes. The DDL is read from ../shared/spec at test time, never from a copy, so this
 * file is part of `pnpm test:conformance`, not `npm test`.
 */
import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, databaseKind, type TestDatabase } from '../../test/harness.js';
import { seedDdlFromSpec } from '../../test/seed-ddl.conformance.js';
import { seedTableNames } from './columns.js';
import { connectDatabase, type DatabaseConnection } from './connect.js';
import type { Database } from './types.js';

const REFERENCE_SCHEMA = 'seed_reference';

/**
 * Indexes later migrations add on seed tables, beyond the seed's own. Adding one here is a
 * deliberate act: migration 0001 must stay exactly the seed.
 */
const EXTRA_INDEXES_ON_SEED_TABLES: string[] = [
  // 0035_attribution_progress: one credit per conversion, model and touch; the attribution
  // list; the events written since the attribution worker last looked; a UTM visit's run.
  'attributions_conversion_touch_uidx',
  'attributions_org_created_idx',
  'events_org_created_customer_idx',
  'campaigns_org_utm_idx',
  'campaign_runs_campaign_started_idx',
  // 0028_webhooks: an organization's webhooks newest first (the list's keyset), the
  // pending rows the worker claims, the processed rows retention deletes.
  'webhooks_inbound_org_received_idx',
  'webhooks_inbound_pending_idx',
  'webhooks_inbound_processed_idx',
  // 0004_customer_search
  'customers_search_trgm_idx',
  'customers_org_created_idx',
  'customers_org_updated_idx',
  'customers_org_name_idx',
  'customer_tags_tag_idx',
  // 0005_organization_settings: the audience snapshot's "subscribed / any status on this
  // channel" sets, per organization, as index-only scans (consentAllowsSql).
  'subscriptions_org_channel_status_idx',
  // 0007_timeline_indexes: one customer's history (timeline branches, export, erase) and
  // the foreign-key checks erase triggers when it deletes a customer's messages and events.
  'messages_customer_timeline_idx',
  'events_customer_occurred_idx',
  'attributions_customer_created_idx',
  'attributions_message_idx',
  'attributions_event_idx',
  'zeroinvoice_invoices_cache_customer_idx',
  'payments_org_invoice_idx',
  // 0012_campaign_dispatch: one message per (run, customer, channel), enforced.
  'messages_run_customer_channel_uidx',
  'ga_sessions_customer_idx',
  'campaign_audience_customer_idx',
  // 0008_customer_phone_index: the CSV import's upsert lookup by phone within the org.
  'customers_org_phone_idx',
  // 0016_sending_settings: a customer's sent messages of a channel in the frequency cap's
  // window (the snapshot and the send-time re-check).
  'messages_customer_sent_idx',
  // 0020_invoice_ledger_indexes / 0021_payment_ledger_indexes: invoice and payment lists,
  // the open invoices the status pass and aging read, linking by ZeroInvoice client id.
  'zeroinvoice_invoices_cache_org_created_idx',
  'zeroinvoice_invoices_cache_open_due_idx',
  'zeroinvoice_invoices_cache_unlinked_idx',
  'customers_org_zeroinvoice_idx',
  'payments_org_created_idx',
  // 0022_invoice_sync_state: an invoice's items by invoice (the sync replaces them; invoice
  // messages and reminders read them in order).
  'zeroinvoice_invoice_items_cache_invoice_idx',
  // 0029_message_event_ids: a provider's event (its id in metadata) is stored once.
  'message_events_provider_event_uidx',
  // 0032_events_ga_client_index: the newest event naming a customer per GA client id
  // (which customer a `ga_sessions` row links, whatever the events' order).
  'events_org_ga_client_customer_idx',
  // 0034_conversion_event_keys: one conversion event per payment and per paid invoice.
  'events_payment_conversion_uidx',
  'events_invoice_paid_uidx',
];

async function columns(db: Kysely<Database>, schema: string) {
  const { rows } = await sql<{
    table: string;
    column: string;
    type: string;
    not_null: boolean;
    default: string | null;
  }>`
    SELECT c.relname AS table, a.attname AS column, format_type(a.atttypid, a.atttypmod) AS type,
           a.attnotnull AS not_null, pg_get_expr(d.adbin, d.adrelid) AS default
    FROM pg_attribute a
    JOIN pg_class c ON c.oid = a.attrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
    WHERE n.nspname = ${schema} AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
      AND c.relname = ANY(${seedTableNames})
    ORDER BY 1, a.attnum`.execute(db);
  return rows;
}

async function constraints(db: Kysely<Database>, schema: string) {
  const { rows } = await sql<{ table: string; name: string; type: string; definition: string }>`
    SELECT c.relname AS table, con.conname AS name, con.contype AS type,
           pg_get_constraintdef(con.oid) AS definition
    FROM pg_constraint con
    JOIN pg_class c ON c.oid = con.conrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = ${schema} AND c.relname = ANY(${seedTableNames})
    ORDER BY 1, 2`.execute(db);
  return rows.map((r) => ({ ...r, definition: r.definition.replaceAll(`${schema}.`, '') }));
}

async function indexes(db: Kysely<Database>, schema: string) {
  const { rows } = await sql<{ table: string; name: string; definition: string }>`
    SELECT tablename AS table, indexname AS name, indexdef AS definition
    FROM pg_indexes
    WHERE schemaname = ${schema} AND tablename = ANY(${seedTableNames})
    ORDER BY 1, 2`.execute(db);
  return rows.map((r) => ({ ...r, definition: r.definition.replaceAll(`${schema}.`, '') }));
}

describe(`migrated schema equals the seed DDL [${databaseKind}]`, () => {
  let database: TestDatabase;
  let connection: DatabaseConnection;
  let db: Kysely<Database>;

  beforeAll(async () => {
    database = await createTestDatabase();
    connection = await connectDatabase(database.options);
    db = connection.db;
    const ddl = seedDdlFromSpec();
    await db.transaction().execute(async (trx) => {
      await sql.raw(`CREATE SCHEMA ${REFERENCE_SCHEMA}`).execute(trx);
      await sql.raw(`SET LOCAL search_path TO ${REFERENCE_SCHEMA}, public`).execute(trx);
      await sql.raw(ddl).execute(trx);
    });
  });

  afterAll(async () => {
    await connection?.close();
    await database?.drop();
  });

  it('has the 23 seed tables in both', async () => {
    const reference = new Set((await columns(db, REFERENCE_SCHEMA)).map((c) => c.table));
    const migrated = new Set((await columns(db, 'public')).map((c) => c.table));
    expect(reference.size).toBe(23);
    expect([...migrated].sort()).toEqual([...reference].sort());
  });

  it('has identical columns: names, order, types, NOT NULL and defaults', async () => {
    const reference = await columns(db, REFERENCE_SCHEMA);
    expect(reference.length).toBeGreaterThan(200);
    expect(await columns(db, 'public')).toEqual(reference);
  });

  it('has identical constraints: PK, UNIQUE, CHECK, and FKs with their ON DELETE actions', async () => {
    const reference = await constraints(db, REFERENCE_SCHEMA);
    expect(reference.filter((c) => c.type === 'f').length).toBeGreaterThanOrEqual(30);
    expect(await constraints(db, 'public')).toEqual(reference);
  });

  it('has the seed indexes (including HNSW cosine and events by time), plus only declared extras', async () => {
    const reference = await indexes(db, REFERENCE_SCHEMA);
    expect(reference.map((i) => i.name)).toEqual(
      expect.arrayContaining([
        'customers_org_idx',
        'customers_email_idx',
        'customers_embedding_hnsw',
        'events_org_occurred_idx',
      ]),
    );
    const migrated = await indexes(db, 'public');
    expect(migrated.filter((i) => !EXTRA_INDEXES_ON_SEED_TABLES.includes(i.name))).toEqual(
      reference,
    );
  });

  it('has both materialized views, each with a unique index for CONCURRENTLY refresh', async () => {
    const { rows } = await sql<{ matviewname: string; unique_indexes: number }>`
      SELECT m.matviewname,
             (SELECT count(*)::int FROM pg_index i WHERE i.indrelid = (quote_ident(m.matviewname))::regclass AND i.indisunique) AS unique_indexes
      FROM pg_matviews m WHERE m.schemaname = 'public' ORDER BY 1`.execute(db);
    expect(rows).toEqual([
      { matviewname: 'mv_campaign_performance', unique_indexes: 1 },
      { matviewname: 'mv_revenue_by_campaign', unique_indexes: 1 },
    ]);
    await sql`REFRESH MATERIALIZED VIEW CONCURRENTLY mv_campaign_performance`.execute(db);
    await sql`REFRESH MATERIALIZED VIEW CONCURRENTLY mv_revenue_by_campaign`.execute(db);
  });

  it('has the vector and citext extensions', async () => {
    const { rows } = await sql<{ extname: string }>`
      SELECT extname FROM pg_extension WHERE extname IN ('vector', 'citext') ORDER BY 1`.execute(
      db,
    );
    expect(rows.map((r) => r.extname)).toEqual(['citext', 'vector']);
  });
});
