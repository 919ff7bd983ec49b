/**
 * Staging of one page: the page's invoices and items are COPYed into two temporary tables
 * (dropped at commit) by the shared bulk loader (`db/bulk-load.ts`), from which `merge.ts`
 * writes the cache set-based.
 */
import { type Kysely, sql } from 'kysely';
import { copyIntoStaging } from '../db/bulk-load.js';
import type { Database } from '../db/types.js';
import type { SourceInvoice } from '../providers/invoices.js';

export const STAGE_INVOICES = 'invoice_sync_stage';
export const STAGE_ITEMS = 'invoice_sync_stage_items';
/** The ids the merge wrote, for the item statements that follow it. */
export const STAGE_CHANGED = 'invoice_sync_changed';

const invoiceColumns = [
  { name: 'external_invoice_id', type: 'text' },
  { name: 'external_customer_id', type: 'text' },
  { name: 'customer_email', type: 'text' },
  { name: 'status', type: 'text' },
  { name: 'currency', type: 'text' },
  { name: 'subtotal_cents', type: 'int' },
  { name: 'tax_cents', type: 'int' },
  { name: 'total_cents', type: 'int' },
  { name: 'amount_due_cents', type: 'int' },
  { name: 'due_date', type: 'date' },
  { name: 'snapshot', type: 'jsonb' },
] as const;

const itemColumns = [
  { name: 'external_invoice_id', type: 'text' },
  { name: 'name', type: 'text' },
  { name: 'description', type: 'text' },
  { name: 'quantity', type: 'numeric(12,2)' },
  { name: 'unit_price_cents', type: 'int' },
  { name: 'total_cents', type: 'int' },
  { name: 'position', type: 'int' },
] as const;

/**
 * The page's invoices, last occurrence of each id winning (a source may list an invoice
 * twice when it changed between two of its requests; ON CONFLICT may touch a row once).
 */
function latestOfEach(invoices: readonly SourceInvoice[]): SourceInvoice[] {
  const byId = new Map<string, SourceInvoice>();
  for (const invoice of invoices) {
    byId.delete(invoice.externalInvoiceId);
    byId.set(invoice.externalInvoiceId, invoice);
  }
  return [...byId.values()];
}

/** Stages one page in the transaction `trx`; returns how many distinct invoices it holds. */
export async function stagePage(
  trx: Kysely<Database>,
  invoices: readonly SourceInvoice[],
): Promise<number> {
  const page = latestOfEach(invoices);
  await copyIntoStaging(trx, {
    table: STAGE_INVOICES,
    columns: invoiceColumns,
    rows: page.map((i) => [
      i.externalInvoiceId,
      i.externalCustomerId,
      i.customerEmail,
      i.status,
      i.currency,
      i.subtotalCents,
      i.taxCents,
      i.totalCents,
      i.amountDueCents,
      i.dueDate,
      // A string is taken as JSON text: the source's payload exactly as it was parsed.
      JSON.stringify(i.raw ?? {}),
    ]),
  });
  await copyIntoStaging(trx, {
    table: STAGE_ITEMS,
    columns: itemColumns,
    rows: page.flatMap((i) =>
      i.items.map((item) => [
        i.externalInvoiceId,
        item.name,
        item.description,
        item.quantity,
        item.unitPriceCents,
        item.totalCents,
        item.position,
      ]),
    ),
  });
  await sql
    .raw(
      `CREATE TEMP TABLE ${STAGE_CHANGED} (id uuid NOT NULL, external_invoice_id text NOT NULL, inserted boolean NOT NULL) ON COMMIT DROP`,
    )
    .execute(trx);
  return page.length;
}

/**
 * Drops the staging tables before the commit would: for callers that may stage again in the
 * same transaction (the webhook handler, when several stored webhooks are processed in one).
 */
export async function dropStagedPage(trx: Kysely<Database>): Promise<void> {
  await sql
    .raw(`DROP TABLE IF EXISTS ${STAGE_INVOICES}, ${STAGE_ITEMS}, ${STAGE_CHANGED}`)
    .execute(trx);
}
