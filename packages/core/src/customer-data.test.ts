/**
 * The customer-data registry covers every table that can hold a customer's data, read from
 * the database catalog rather than from a list: a table with a `customer_id` column, or one
 * whose foreign keys lead to `customers` (directly or through other tables). A module that
 * adds such a table without registering it fails here — so erase cannot forget it.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestGreenTrack, databaseKind } from '../test/harness.js';
import type { GreenTrack } from './greentrack.js';
import { customerData } from './modules.js';

describe(`customer-data registry [${databaseKind}]`, () => {
  let gt: GreenTrack;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ gt, cleanup } = await createTestGreenTrack());
  });
  afterAll(async () => cleanup());

  /** Tables that can hold customer data, by the catalog. */
  async function customerTables(): Promise<string[]> {
    const withColumn = await sql<{ table: string }>`
      SELECT c.table_name AS "table" FROM information_schema.columns c
      JOIN information_schema.tables t
        ON t.table_schema = c.table_schema AND t.table_name = c.table_name
      WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
        AND c.column_name = 'customer_id'`.execute(gt.db);
    const foreignKeys = await sql<{ from_table: string; to_table: string }>`
      SELECT src.relname AS from_table, dst.relname AS to_table
      FROM pg_constraint k
      JOIN pg_class src ON src.oid = k.conrelid
      JOIN pg_class dst ON dst.oid = k.confrelid
      JOIN pg_namespace n ON n.oid = src.relnamespace
      WHERE k.contype = 'f' AND n.nspname = current_schema()`.execute(gt.db);
    const found = new Set(['customers', ...withColumn.rows.map((r) => r.table)]);
    // Follow foreign keys backwards until nothing new reaches the set.
    for (let grew = true; grew; ) {
      grew = false;
      for (const { from_table, to_table } of foreignKeys.rows) {
        if (found.has(to_table) && !found.has(from_table)) {
          found.add(from_table);
          grew = true;
        }
      }
    }
    return [...found].sort();
  }

  it('registers every table that holds customer data, and only real tables', async () => {
    const catalog = await customerTables();
    const registered: string[] = customerData.tables.map((t) => t.table).sort();
    expect(catalog.filter((t) => !registered.includes(t))).toEqual([]);
    // Registered though no key leads to customers: audit rows name the customer in JSON,
    // the outbox by message id or address, payments through their invoice's external id,
    // inbound webhooks in their raw payload.
    expect(registered.filter((t) => !catalog.includes(t))).toEqual([
      'audit_log',
      'outbox_messages',
      'payments',
      'webhooks_inbound',
    ]);
  });

  it('says, for each table, how its rows reach the customer and why any is left alone', () => {
    for (const entry of customerData.tables) {
      expect(entry.via.length, entry.table).toBeGreaterThan(0);
      if (entry.erase.action === 'none')
        expect(entry.erase.why.length, entry.table).toBeGreaterThan(0);
      if ('omit' in entry.export) expect(entry.export.omit.length, entry.table).toBeGreaterThan(0);
    }
  });

  it('erases children before what they point at', () => {
    const stage = (table: string) => customerData.entry(table as never).eraseStage;
    expect(stage('message_events')).toBeLessThan(stage('messages'));
    expect(stage('attributions')).toBeLessThan(stage('events'));
    expect(stage('payments')).toBeLessThan(stage('zeroinvoice_invoices_cache'));
    expect(stage('customer_tags')).toBeLessThan(stage('customers'));
    expect(stage('audit_log')).toBeGreaterThan(stage('customers'));
  });
});
