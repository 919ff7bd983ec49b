/**
 * The Kysely `Database` type (via its runtime twin `seedColumns`, tied to the type by a
 * `satisfies` clause) must match the live schema: every table, every column, nullability.
 */
import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, databaseKind, type TestDatabase } from '../../test/harness.js';
import { seedColumns, seedTableNames } from './columns.js';
import { connectDatabase, type DatabaseConnection } from './connect.js';
import type { Database, MaterializedViews, SeedTables } from './types.js';

/**
 * Every table of `Database` beyond the seed, with the migration that adds it. Typed as a
 * record over those keys: a table added to `Database` but not here fails to compile, and
 * one created by a migration but not here fails the test below.
 */
const ADDED_TABLE_MIGRATIONS: Record<
  Exclude<keyof Database, keyof SeedTables | keyof MaterializedViews>,
  string
> = {
  organization_settings: '0005_organization_settings',
  embedding_jobs: '0006_embedding_queue',
  outbox_messages: '0011_outbox',
  campaign_deliveries: '0012_campaign_dispatch',
  invoice_sync_state: '0022_invoice_sync_state',
  invoice_messages: '0025_invoice_messages',
  invoice_payment_links: '0026_invoice_payment_link',
  webhook_receipts: '0028_webhooks',
  webhook_verification_failures: '0028_webhooks',
  invoice_source_versions: '0031_invoice_source_versions',
  campaign_holdouts: '0036_campaign_holdouts',
  materialized_view_refreshes: '0037_kpi_views',
};
const TABLES_ADDED_AFTER_SEED = Object.keys(ADDED_TABLE_MIGRATIONS);

describe(`Database types match the live schema [${databaseKind}]`, () => {
  let database: TestDatabase;
  let connection: DatabaseConnection;
  let db: Kysely<Database>;

  beforeAll(async () => {
    database = await createTestDatabase();
    connection = await connectDatabase(database.options);
    db = connection.db;
  });
  afterAll(async () => {
    await connection?.close();
    await database?.drop();
  });

  it('declares exactly the seed tables, plus the tables later migrations add', async () => {
    const { rows } = await sql<{ table_name: string }>`
      SELECT table_name FROM information_schema.tables
      WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name NOT LIKE 'greentrack_migration%'
      ORDER BY 1`.execute(db);
    expect(rows.map((r) => r.table_name)).toEqual(
      [...seedTableNames, ...TABLES_ADDED_AFTER_SEED].sort(),
    );
  });

  it('declares every column with the right nullability', async () => {
    const { rows } = await sql<{
      table_name: string;
      column_name: string;
      is_nullable: 'YES' | 'NO';
    }>`
      SELECT table_name, column_name, is_nullable FROM information_schema.columns
      WHERE table_schema = 'public' AND table_name = ANY(${seedTableNames})`.execute(db);
    const live: Record<string, Record<string, boolean>> = {};
    for (const r of rows) {
      live[r.table_name] ??= {};
      (live[r.table_name] as Record<string, boolean>)[r.column_name] = r.is_nullable === 'YES';
    }
    expect(live).toEqual(seedColumns);
  });

  it('declares the materialized views with their columns', async () => {
    const { rows } = await sql<{ relname: string; attname: string }>`
      SELECT c.relname, a.attname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
      WHERE c.relkind = 'm' AND a.attnum > 0 ORDER BY c.relname, a.attnum`.execute(db);
    const byView = (name: string) => rows.filter((r) => r.relname === name).map((r) => r.attname);
    // A typed select of every declared column compiles and runs against the real views.
    await db
      .selectFrom('mv_campaign_performance')
      .select([
        'organization_id',
        'campaign_id',
        'campaign_run_id',
        'started_at',
        'completed_at',
        'sent',
        'delivered',
        'opened',
        'clicked',
        'bounced',
        'unsubscribed',
        'conversions',
        'revenue_cents',
      ])
      .execute();
    expect(byView('mv_campaign_performance')).toEqual([
      'organization_id',
      'campaign_id',
      'campaign_run_id',
      'started_at',
      'completed_at',
      'sent',
      'delivered',
      'opened',
      'clicked',
      'bounced',
      'unsubscribed',
      'conversions',
      'revenue_cents',
    ]);
    expect(byView('mv_revenue_by_campaign')).toEqual([
      'organization_id',
      'campaign_id',
      'campaign_run_id',
      'attributed_model',
      'conversions',
      'revenue_cents',
    ]);
  });

  it('round-trips the special column types as typed', async () => {
    const org = await db
      .insertInto('organizations')
      .values({ name: 'Types' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const vector = Array.from({ length: 1536 }, (_, i) => (i % 7) / 7);
    const customer = await db
      .insertInto('customers')
      .values({
        organization_id: org.id,
        type: 'customer',
        name: 'T',
        embedding: `[${vector.join(',')}]`,
      })
      .returning(['embedding', 'tags', 'country', 'created_at'])
      .executeTakeFirstOrThrow();
    expect(customer.embedding).toHaveLength(1536);
    expect(customer.embedding?.[1]).toBeCloseTo(1 / 7, 5);
    expect(customer.tags).toEqual([]);
    expect(customer.country).toBe('US');
    expect(customer.created_at).toBeInstanceOf(Date);
    const invoice = await db
      .insertInto('zeroinvoice_invoices_cache')
      .values({
        organization_id: org.id,
        external_invoice_id: 'inv_1',
        due_date: '2026-03-01',
        snapshot: '{"a":[1]}',
        sent_via: ['email', 'sms'],
      })
      .returning(['id', 'due_date', 'snapshot', 'sent_via', 'currency'])
      .executeTakeFirstOrThrow();
    expect(invoice).toMatchObject({
      due_date: '2026-03-01',
      snapshot: { a: [1] },
      sent_via: ['email', 'sms'],
      currency: 'usd',
    });
    const item = await db
      .insertInto('zeroinvoice_invoice_items_cache')
      .values({
        invoice_id: invoice.id,
        name: 'Cake',
        unit_price_cents: 1250,
        total_cents: 3125,
        quantity: '2.50',
      })
      .returning('quantity')
      .executeTakeFirstOrThrow();
    expect(item.quantity).toBe('2.50');
  });
});
