/**
 * The set-based merge of one staged page into the cache, in the page's transaction:
 *
 * 1. one `INSERT … SELECT … ON CONFLICT DO UPDATE … WHERE <something differs>` of the
 *    invoices: new ones inserted, changed ones updated, unchanged ones not touched at all
 *    (no new row version, no `updated_at` bump); the written ids land in a third staging table;
 * 2. the source state a webhook left for the updated invoices is forgotten (the invoice
 *    webhook handler stores the new one after this merge),
 * 3. the items of the updated invoices are deleted, and
 * 4. the staged items of every written invoice inserted.
 *
 * Steps 2–4 are statements of their own: an item's row-level-security check looks up its
 * invoice, which a CTE of the same statement would not yet show.
 */
import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/types.js';
import type { InvoiceSyncCounts } from '../events.js';
import { derivedStatusSql, linkedCustomerSql } from '../invoices/index.js';
import { STAGE_CHANGED, STAGE_INVOICES, STAGE_ITEMS } from './stage.js';

/** Merges the staged page; `staged` is how many invoices were staged. */
export async function mergeStagedPage(
  db: Kysely<Database>,
  organizationId: string,
  today: string,
  staged: number,
): Promise<InvoiceSyncCounts> {
  await sql`
WITH src AS (
  SELECT s.*, ${linkedCustomerSql(organizationId)} AS customer_id,
         ${derivedStatusSql(today)} AS status_now
  FROM ${sql.table(STAGE_INVOICES)} s
), written AS (
  INSERT INTO zeroinvoice_invoices_cache AS i (
    organization_id, external_invoice_id, external_customer_id, customer_id, status, currency,
    subtotal_cents, tax_cents, total_cents, amount_due_cents, due_date, snapshot)
  SELECT ${organizationId}, external_invoice_id, external_customer_id, customer_id, status_now,
         currency, subtotal_cents, tax_cents, total_cents, amount_due_cents, due_date, snapshot
  FROM src
  ON CONFLICT (organization_id, external_invoice_id) DO UPDATE SET
    external_customer_id = EXCLUDED.external_customer_id,
    -- A link made by hand (or by an earlier email match) stays when nothing matches now.
    customer_id = COALESCE(EXCLUDED.customer_id, i.customer_id),
    status = EXCLUDED.status,
    currency = EXCLUDED.currency,
    subtotal_cents = EXCLUDED.subtotal_cents,
    tax_cents = EXCLUDED.tax_cents,
    total_cents = EXCLUDED.total_cents,
    amount_due_cents = EXCLUDED.amount_due_cents,
    due_date = EXCLUDED.due_date,
    snapshot = EXCLUDED.snapshot,
    updated_at = now()
  WHERE (i.external_customer_id, i.customer_id, i.status, i.currency, i.subtotal_cents,
         i.tax_cents, i.total_cents, i.amount_due_cents, i.due_date, i.snapshot)
    IS DISTINCT FROM
        (EXCLUDED.external_customer_id, COALESCE(EXCLUDED.customer_id, i.customer_id),
         EXCLUDED.status, EXCLUDED.currency, EXCLUDED.subtotal_cents, EXCLUDED.tax_cents,
         EXCLUDED.total_cents, EXCLUDED.amount_due_cents, EXCLUDED.due_date, EXCLUDED.snapshot)
  RETURNING i.id, i.external_invoice_id, (i.xmax = 0) AS inserted
)
INSERT INTO ${sql.table(STAGE_CHANGED)} (id, external_invoice_id, inserted)
SELECT id, external_invoice_id, inserted FROM written`.execute(db);

  // The state written now is the source's newest as far as the cache knows: an older
  // webhook state remembered for these invoices must not settle them any more.
  await sql`
DELETE FROM invoice_source_versions v
USING ${sql.table(STAGE_CHANGED)} ch
WHERE v.invoice_id = ch.id AND NOT ch.inserted`.execute(db);

  await sql`
DELETE FROM zeroinvoice_invoice_items_cache it
USING ${sql.table(STAGE_CHANGED)} ch
WHERE it.invoice_id = ch.id AND NOT ch.inserted`.execute(db);

  const items = await sql`
INSERT INTO zeroinvoice_invoice_items_cache (
  invoice_id, name, description, quantity, unit_price_cents, total_cents, position)
SELECT ch.id, si.name, si.description, si.quantity, si.unit_price_cents, si.total_cents, si.position
FROM ${sql.table(STAGE_ITEMS)} si
JOIN ${sql.table(STAGE_CHANGED)} ch ON ch.external_invoice_id = si.external_invoice_id`.execute(db);

  const counts = await sql<{ inserted: number; updated: number }>`
SELECT count(*) FILTER (WHERE inserted)::int AS inserted,
       count(*) FILTER (WHERE NOT inserted)::int AS updated
FROM ${sql.table(STAGE_CHANGED)}`.execute(db);
  const { inserted = 0, updated = 0 } = counts.rows[0] ?? {};
  return {
    inserted,
    updated,
    unchanged: staged - inserted - updated,
    items: Number(items.numAffectedRows ?? 0n),
  };
}
