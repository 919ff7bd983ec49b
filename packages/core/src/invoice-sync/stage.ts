/**
 * Staging of one page: the page's invoices and items go into two temporary tables (dropped
 * at commit), from which `merge.ts` writes the cache set-based.
 *
 * `stageRows` writes with multi-row INSERTs today. It is the one call to swap for the
 * shared COPY loader (`db/bulk-load.ts`) once that lands: same table, same column order.
 */
import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/types.js';
import type { SourceInvoice } from '../providers/invoices.js';

export const STAGE_INVOICES = 'invoice_sync_stage';
export const STAGE_ITEMS = 'invoice_sync_stage_items';

const invoiceColumns = [
  'external_invoice_id',
  'external_customer_id',
  'customer_email',
  'status',
  'currency',
  'subtotal_cents',
  'tax_cents',
  'total_cents',
  'amount_due_cents',
  'due_date',
  'snapshot',
] as const;

const itemColumns = [
  'external_invoice_id',
  'name',
  'description',
  'quantity',
  'unit_price_cents',
  'total_cents',
  'position',
] as const;

/** Postgres allows 65,535 bind parameters per statement. */
const MAX_PARAMETERS = 60_000;

/** Creates the page's staging tables in the current transaction. */
async function createStage(db: Kysely<Database>): Promise<void> {
  await sql
    .raw(`
CREATE TEMP TABLE ${STAGE_INVOICES} (
  external_invoice_id text NOT NULL,
  external_customer_id text,
  customer_email text,
  status text NOT NULL,
  currency text NOT NULL,
  subtotal_cents int NOT NULL,
  tax_cents int NOT NULL,
  total_cents int NOT NULL,
  amount_due_cents int NOT NULL,
  due_date date,
  snapshot jsonb NOT NULL
) ON COMMIT DROP;
CREATE TEMP TABLE ${STAGE_ITEMS} (
  external_invoice_id text NOT NULL,
  name text NOT NULL,
  description text,
  quantity numeric(12,2) NOT NULL,
  unit_price_cents int NOT NULL,
  total_cents int NOT NULL,
  position int
) ON COMMIT DROP;
CREATE TEMP TABLE invoice_sync_changed (
  id uuid NOT NULL,
  external_invoice_id text NOT NULL,
  inserted boolean NOT NULL
) ON COMMIT DROP;`)
    .execute(db);
}

/** Appends rows (values in `columns` order) to a staging table. */
async function stageRows(
  db: Kysely<Database>,
  table: string,
  columns: readonly string[],
  rows: readonly (readonly unknown[])[],
): Promise<void> {
  const perStatement = Math.max(1, Math.floor(MAX_PARAMETERS / columns.length));
  for (let start = 0; start < rows.length; start += perStatement) {
    const chunk = rows.slice(start, start + perStatement);
    await sql`INSERT INTO ${sql.table(table)} (${sql.join(columns.map((c) => sql.ref(c)))}) VALUES ${sql.join(
      chunk.map((row) => sql`(${sql.join(row)})`),
    )}`.execute(db);
  }
}

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

/** Stages one page; returns how many distinct invoices it holds. */
export async function stagePage(
  db: Kysely<Database>,
  invoices: readonly SourceInvoice[],
): Promise<number> {
  const page = latestOfEach(invoices);
  await createStage(db);
  await stageRows(
    db,
    STAGE_INVOICES,
    invoiceColumns,
    page.map((i) => [
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
      JSON.stringify(i.raw ?? {}),
    ]),
  );
  const items = page.flatMap((i) =>
    i.items.map((item) => [
      i.externalInvoiceId,
      item.name,
      item.description,
      item.quantity,
      item.unitPriceCents,
      item.totalCents,
      item.position,
    ]),
  );
  if (items.length > 0) await stageRows(db, STAGE_ITEMS, itemColumns, items);
  return page.length;
}
