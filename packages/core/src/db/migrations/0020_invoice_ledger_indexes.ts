/**
 * Migration 0020: indexes of the invoices module (issue 12, item 1). Indexes only: the
 * tables, their row-level-security policies (0010) and columns stay the seed's.
 *
 * - `zeroinvoice_invoices_cache_org_created_idx`: the organization's invoice list, newest
 *   first, as a keyset range scan (the timeline's index leads with `customer_id`).
 * - `zeroinvoice_invoices_cache_open_due_idx`: the open invoices (`sent`/`overdue`) by due
 *   date: the status pass and the aging report read only these, never paid history.
 * - `zeroinvoice_invoices_cache_unlinked_idx`: invoices without a customer, which the pass
 *   tries to link again.
 * - `customers_org_zeroinvoice_idx`: linking an invoice by its ZeroInvoice client id (by
 *   email, the seed's `customers_email_idx` serves).
 */
import { type Kysely, sql } from 'kysely';

const indexNames = [
  'zeroinvoice_invoices_cache_org_created_idx',
  'zeroinvoice_invoices_cache_open_due_idx',
  'zeroinvoice_invoices_cache_unlinked_idx',
  'customers_org_zeroinvoice_idx',
] as const;

const up = `
CREATE INDEX zeroinvoice_invoices_cache_org_created_idx
  ON zeroinvoice_invoices_cache (organization_id, created_at, id);
CREATE INDEX zeroinvoice_invoices_cache_open_due_idx
  ON zeroinvoice_invoices_cache (organization_id, due_date)
  WHERE status IN ('sent', 'overdue');
CREATE INDEX zeroinvoice_invoices_cache_unlinked_idx
  ON zeroinvoice_invoices_cache (organization_id, external_customer_id)
  WHERE customer_id IS NULL;
CREATE INDEX customers_org_zeroinvoice_idx
  ON customers (organization_id, external_zeroinvoice_customer_id)
  WHERE external_zeroinvoice_customer_id IS NOT NULL;
`;

export const invoiceLedgerIndexesMigration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await sql.raw(up).execute(db);
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await sql.raw(`DROP INDEX IF EXISTS ${indexNames.join(', ')};`).execute(db);
  },
};
