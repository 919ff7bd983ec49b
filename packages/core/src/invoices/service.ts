/**
 * Invoices: the organization's ZeroInvoice cache (`zeroinvoice_invoices_cache` and its
 * items), read with filters and keyset pagination. The cache is written by the invoice
 * sync and by payments; this module owns the rules they share (status, linking).
 */
import { sql } from 'kysely';
import { z } from 'zod';
import { decodeCursor, encodeCursor } from '../pagination/cursor.js';
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

const cursorSchema = z.object({ v: z.string(), id: z.uuid() });
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
  const cursor = q.cursor ? decodeCursor(q.cursor, cursorSchema, LIST) : undefined;
  let select = scope.db
    .selectFrom('zeroinvoice_invoices_cache')
    .select(invoiceColumns)
    .select(sql<string>`created_at::text`.as('sort_key'))
    .where('organization_id', '=', scope.organizationId);
  if (q.status?.length) select = select.where('status', 'in', q.status);
  if (q.customer_id) select = select.where('customer_id', '=', q.customer_id);
  if (q.overdue !== undefined)
    select = select.where(q.overdue ? overdueSql(today) : sql<boolean>`NOT ${overdueSql(today)}`);
  if (q.due_from) select = select.where('due_date', '>=', q.due_from);
  if (q.due_to) select = select.where('due_date', '<=', q.due_to);
  if (cursor) {
    // Printed by Postgres, so microseconds survive the round trip through the cursor.
    select = select.where(
      sql<boolean>`(created_at, id) < (${cursor.v}::timestamptz, ${cursor.id}::uuid)`,
    );
  }
  const rows = await select
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(q.limit + 1)
    .execute();
  const items = rows
    .slice(0, q.limit)
    .map(({ sort_key: _, ...row }) => ({ ...row, overdue: isOverdue(row, today) }));
  const last = rows[q.limit - 1];
  const nextCursor =
    rows.length > q.limit && last ? encodeCursor({ v: last.sort_key, id: last.id }) : null;
  return { items, nextCursor };
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
