/**
 * Keeps the stored `overdue` status consistent with the derived rule (`status.ts`), set-based:
 * `sent` → `overdue` once an invoice is past due with an amount due, `overdue` → `sent` when
 * it no longer is (a later due date, nothing due). Called by the worker's status pass for
 * every open invoice of an organization, and by the invoice sync for the rows it wrote.
 */
import { sql } from 'kysely';
import { inTransaction, type Scope } from '../scope.js';
import { organizationToday } from './today.js';

/** Which invoices to check; omitted: every open invoice of the organization. */
export interface InvoiceStatusTargets {
  /** Our ids (`zeroinvoice_invoices_cache.id`). */
  invoiceIds?: readonly string[];
  /** The source's ids, as the sync has them. */
  externalInvoiceIds?: readonly string[];
  /** The organization's today (`YYYY-MM-DD`); read from its settings and clock when omitted. */
  today?: string;
}

/** What a status pass changed. */
export interface InvoiceStatusChanges {
  /** Invoices that became `overdue` (each emitted `invoice.overdue`). */
  overdue: number;
  /** Overdue invoices that went back to `sent`. */
  reopened: number;
}

interface ChangedRow {
  id: string;
  external_invoice_id: string;
  customer_id: string | null;
  status: 'sent' | 'overdue';
  amount_due_cents: number;
  currency: string | null;
  due_date: string;
}

/**
 * Applies the overdue rule to the targeted invoices in ONE `UPDATE`: only rows whose status
 * must change are touched, so a repeated call changes nothing, emits nothing and writes no
 * audit row. Each change is audited (by the same statement) and each new overdue invoice
 * emits `invoice.overdue` after the commit. Joins the caller's transaction if there is one.
 *
 * @example
 * // In the sync's transaction, for the page it just wrote:
 * await applyInvoiceStatusRules(tx, { externalInvoiceIds: page.map((i) => i.externalInvoiceId) });
 * // UPDATE zeroinvoice_invoices_cache SET status = CASE WHEN status = 'sent' THEN 'overdue' ELSE 'sent' END …
 * // WHERE organization_id = $1 AND external_invoice_id = ANY($2) AND ((status = 'sent' AND <overdue>)
 * //   OR (status = 'overdue' AND NOT <overdue>)) RETURNING …
 */
export async function applyInvoiceStatusRules(
  scope: Scope,
  targets: InvoiceStatusTargets = {},
): Promise<InvoiceStatusChanges> {
  if (targets.invoiceIds?.length === 0 || targets.externalInvoiceIds?.length === 0)
    return { overdue: 0, reopened: 0 };
  const today = targets.today ?? (await organizationToday(scope));
  return inTransaction(scope, async (tx) => {
    const now = tx.clock.now();
    const overdue = sql`(due_date IS NOT NULL AND due_date < ${today}::date AND coalesce(amount_due_cents, 0) > 0)`;
    const only = [
      targets.invoiceIds ? sql`AND id = ANY(${[...targets.invoiceIds]}::uuid[])` : sql``,
      targets.externalInvoiceIds
        ? sql`AND external_invoice_id = ANY(${[...targets.externalInvoiceIds]}::text[])`
        : sql``,
    ];
    // The audit rows are written by the same statement, from the changed rows: a pass may
    // change tens of thousands of invoices, more than one statement's parameters could carry.
    const { rows } = await sql<ChangedRow>`
      WITH changed AS (
        UPDATE zeroinvoice_invoices_cache
        SET status = CASE WHEN status = 'sent' THEN 'overdue' ELSE 'sent' END, updated_at = ${now}
        WHERE organization_id = ${tx.organizationId} ${sql.join(only, sql` `)}
          AND status IN ('sent', 'overdue')
          AND ((status = 'sent' AND ${overdue}) OR (status = 'overdue' AND NOT ${overdue}))
        RETURNING id, external_invoice_id, customer_id, status, amount_due_cents, currency,
          due_date::text AS due_date
      ), audited AS (
        INSERT INTO audit_log (organization_id, actor_type, actor_id, action, entity, entity_id,
          before, after, occurred_at)
        SELECT ${tx.organizationId}, ${tx.actor.type}, ${tx.actor.id}::uuid,
          CASE WHEN c.status = 'overdue' THEN 'invoice.overdue' ELSE 'invoice.reopen' END,
          'invoice', c.id,
          jsonb_build_object('status', CASE WHEN c.status = 'overdue' THEN 'sent' ELSE 'overdue' END),
          jsonb_build_object('status', c.status, 'as_of', ${today}::text),
          ${now}
        FROM changed c
      )
      SELECT * FROM changed`.execute(tx.db);
    if (rows.length === 0) return { overdue: 0, reopened: 0 };
    let overdueCount = 0;
    for (const row of rows) {
      if (row.status !== 'overdue') continue;
      overdueCount++;
      tx.emit('invoice.overdue', {
        organizationId: tx.organizationId,
        invoiceId: row.id,
        externalInvoiceId: row.external_invoice_id,
        customerId: row.customer_id,
        amountDueCents: row.amount_due_cents,
        currency: row.currency ?? 'usd',
        dueDate: row.due_date,
        actor: tx.actor,
      });
    }
    return { overdue: overdueCount, reopened: rows.length - overdueCount };
  });
}
