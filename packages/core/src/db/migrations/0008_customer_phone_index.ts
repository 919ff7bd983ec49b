/**
 * Migration 0008: `customers (organization_id, phone)`, for matching customers by phone.
 *
 * The CSV import upserts by email, then by phone, within the organization: per batch of
 * 1000 rows it asks "which of these 1000 E.164 numbers does this organization already
 * have?". Emails are served by the seed's `customers_email_idx`; phones had no index, so
 * every batch scanned all of the organization's customers — an import's cost grew with
 * the square of the organization's size (measured: ~150 ms per batch at 100k customers,
 * 100 batches per 100k-row file). With this btree each batch's phone lookup is 1000
 * index probes. `organization_id` leads, as in every tenant index (Citus-ready).
 */
import { type Kysely, sql } from 'kysely';

export const customerPhoneIndexMigration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await sql`CREATE INDEX customers_org_phone_idx ON customers (organization_id, phone)`.execute(
      db,
    );
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await sql`DROP INDEX IF EXISTS customers_org_phone_idx`.execute(db);
  },
};
