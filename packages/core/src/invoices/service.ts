/**
 * Invoices: the organization's ZeroInvoice cache (`zeroinvoice_invoices_cache` and its
 * items), read with filters and keyset pagination. The cache is written by the invoice
 * sync and by payments; this module owns the rules they share (status, linking).
 */
import { sql } from 'kysely';
import { newestFirstPage } from '../pagination/newest-first.js';
import type { Scope } from '../scope.js';
import { parseInput } from '../validation.js';
import { type CachedInvoice, invoiceColumns, requireInvoice } from './lookup.js';
import { type InvoiceListQuery, invoiceListQuerySchema } from './schema.js';
import { isOverdue } from './status.js';
import { organizationToday } from './today.js';

/** A cached invoice, plus whether it is overdue today. */
export type Invoice = CachedInvoice & { overdue: boolean };

/** One line of an invoice. */
export interface InvoiceItem {
  id: string;
  name: string;
  description: string | null;
  quantity: string;
  unit_price_cents: number;
  total_cents: number;
  position: number | null;
}

/** One page of invoices. */
export interface InvoicePage {
  items: Invoice[];
  /** Pass back as `cursor` for the next page; `null` on the last page. */
  nextCursor: string | null;
}

const LIST = 'this invoice list';

/** SQL of the derived overdue rule (see `isOverdue`), at `today`. */
const overdueSql = (today: string) =>
  sql<boolean>`(status IN ('sent', 'overdue') AND coalesce(amount_due_cents, 0) > 0 AND due_date < ${today}::date)`;

/**
 * Lists invoices newest first (`created_at`, then id), with keyset pagination over the
 * `(organization_id, created_at, id)` index of migration 0020. `overdue` is derived at the
 * organization's today, so it is right even before the status pass has run.
 */
export async function listInvoices(
  scope: Scope,
  query: InvoiceListQuery = {},
): Promise<InvoicePage> {
  const q = parseInput(invoiceListQuerySchema, query, { what: 'invoice query' });
  const today = await organizationToday(scope);
  let select = scope.db
    .selectFrom('zeroinvoice_invoices_cache')
    .select(invoiceColumns)
    .where('organization_id', '=', scope.organizationId);
  if (q.status?.length) select = select.where('status', 'in', q.status);
  if (q.customer_id) select = select.where('customer_id', '=', q.customer_id);
  if (q.overdue !== undefined)
    select = select.where(q.overdue ? overdueSql(today) : sql<boolean>`NOT ${overdueSql(today)}`);
  if (q.due_from) select = select.where('due_date', '>=', q.due_from);
  if (q.due_to) select = select.where('due_date', '<=', q.due_to);
  const page = await newestFirstPage(select, { cursor: q.cursor, limit: q.limit, list: LIST });
  return {
    items: page.items.map((row) => ({ ...row, overdue: isOverdue(row, today) })),
    nextCursor: page.nextCursor,
  };
}

/** One invoice of the organization with its items in order. @throws `INVOICE_NOT_FOUND` */
export async function getInvoice(
  scope: Scope,
  invoiceId: string,
): Promise<Invoice & { items: InvoiceItem[] }> {
  const row = await requireInvoice(scope, invoiceId);
  const items = await scope.db
    .selectFrom('zeroinvoice_invoice_items_cache')
    .select([
      'id',
      'name',
      'description',
      'quantity',
      'unit_price_cents',
      'total_cents',
      'position',
    ])
    .where('invoice_id', '=', row.id)
    .orderBy(sql`position NULLS LAST`)
    .orderBy('id')
    .execute();
  const today = await organizationToday(scope);
  return { ...row, overdue: isOverdue(row, today), items };
}
