/**
 * Migration 0021: the payments list's index (issue 12, item 2): the organization's
 * payments newest first as a keyset range scan. The seed's unique
 * `(organization_id, external_payment_id)` already makes a repeated delivery a no-op, and
 * 0007's `payments_org_invoice_idx` serves one invoice's payments.
 */
import { type Kysely, sql } from 'kysely';

export const paymentLedgerIndexesMigration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await sql`CREATE INDEX payments_org_created_idx ON payments (organization_id, created_at, id)`.execute(
      db,
    );
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await sql`DROP INDEX IF EXISTS payments_org_created_idx`.execute(db);
  },
};
