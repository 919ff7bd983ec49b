/**
 * Settling an invoice whose source reports its state by webhook: the cached amount due is
 * the source's amount due at its last reported state, minus the succeeded payments (net of
 * refunds) processed after that state, within `[0, total]`; the status follows by the
 * invoices module's rule (`statusAfterPayment`).
 *
 * Why a recomputation rather than `recordPayment`'s step-by-step application: webhooks arrive
 * in any order, and steps that clamp do not commute (a refund before its payment raises
 * nothing, then the payment pays the invoice in full; in order, the refund reopens it). A
 * value computed from the set of what arrived is the same in every order. Invoices without a
 * reported state (the sync's, the manual ones) keep `recordPayment`'s steps.
 */
import { sql } from 'kysely';
import { recordAudit } from '../audit/index.js';
import { writeConversionEvents } from '../conversion-events/index.js';
import type { InvoiceStatus } from '../db/types.js';
import { organizationToday, statusAfterPayment } from '../invoices/index.js';
import type { Scope } from '../scope.js';

interface SettleRow {
  id: string;
  external_invoice_id: string;
  status: InvoiceStatus | null;
  amount_due_cents: number | null;
  total_cents: number | null;
  due_date: string | null;
  source_status: InvoiceStatus;
  source_due: number;
  /** Succeeded payments minus refunds processed after the source's state, as text (bigint). */
  paid_after: string;
}

/** What the cache row should hold, from the source's state and the payments after it. */
function settled(row: SettleRow, today: string): { due: number; status: InvoiceStatus } {
  const takesPayments = ['sent', 'overdue', 'paid'].includes(row.source_status);
  if (!takesPayments) return { due: row.source_due, status: row.source_status };
  const total = row.total_cents ?? Number.POSITIVE_INFINITY;
  const due = Math.min(total, Math.max(0, row.source_due - Number(row.paid_after)));
  const status =
    statusAfterPayment(
      { status: row.source_status, amount_due_cents: due, due_date: row.due_date },
      today,
    ) ?? row.source_status;
  return { due, status };
}

/**
 * Serializes the webhook work on each named invoice across transactions (a transaction-scoped
 * advisory lock per organization and external id, taken in sorted order so two webhooks
 * never deadlock). A row lock is not enough: the invoice may not be cached yet, and a
 * payment recorded while another transaction inserts its invoice would be settled by
 * neither.
 */
export async function lockInvoiceKeys(
  tx: Scope,
  externalInvoiceIds: readonly string[],
): Promise<void> {
  const keys = [...new Set(externalInvoiceIds)].sort();
  if (keys.length === 0) return;
  await sql`
    SELECT pg_advisory_xact_lock(hashtextextended(${tx.organizationId}::text || ':' || k, 31))
    FROM unnest(${keys}::text[]) WITH ORDINALITY AS t(k, n) ORDER BY n`.execute(tx.db);
}

/**
 * Recomputes the amount due and status of the named invoices that have a source state
 * (`invoice_source_versions`), in the caller's transaction; writes and audits only the rows
 * that change. A payment with no `processed_at` counts as after every state. Then writes the
 * named invoices' conversion events (the webhook handlers' last step: whatever order the
 * payments and states came in, the events follow from what has arrived).
 * @returns how many invoices changed.
 * @example await settleInvoices(tx, ['in_1MtHbELkdIwHu7ixl4OzzPMv']);
 */
export async function settleInvoices(
  tx: Scope,
  externalInvoiceIds: readonly string[],
): Promise<number> {
  if (externalInvoiceIds.length === 0) return 0;
  const changed = await settleStates(tx, externalInvoiceIds);
  await writeConversionEvents(tx, externalInvoiceIds);
  return changed;
}

async function settleStates(tx: Scope, externalInvoiceIds: readonly string[]): Promise<number> {
  const { rows } = await sql<SettleRow>`
    SELECT i.id, i.external_invoice_id, i.status, i.amount_due_cents, i.total_cents,
           i.due_date::text AS due_date, v.status AS source_status,
           v.amount_due_cents AS source_due,
           coalesce(sum(p.amount_cents), 0)::text AS paid_after
    FROM zeroinvoice_invoices_cache i
    JOIN invoice_source_versions v ON v.invoice_id = i.id
    LEFT JOIN payments p
      ON p.organization_id = i.organization_id
     AND p.external_invoice_id = i.external_invoice_id
     AND p.status = 'succeeded'
     AND (p.processed_at IS NULL OR p.processed_at > v.source_updated_at)
    WHERE i.organization_id = ${tx.organizationId}
      AND i.external_invoice_id = ANY(${[...new Set(externalInvoiceIds)]}::text[])
    GROUP BY i.id, v.invoice_id`.execute(tx.db);
  if (rows.length === 0) return 0;
  const today = await organizationToday(tx);
  let changed = 0;
  for (const row of rows) {
    const next = settled(row, today);
    if (next.due === row.amount_due_cents && next.status === row.status) continue;
    await tx.db
      .updateTable('zeroinvoice_invoices_cache')
      .set({ amount_due_cents: next.due, status: next.status, updated_at: tx.clock.now() })
      .where('id', '=', row.id)
      .execute();
    await recordAudit(tx, {
      action: 'invoice.settle',
      entity: 'invoice',
      entityId: row.id,
      before: { amount_due_cents: row.amount_due_cents, status: row.status },
      after: { amount_due_cents: next.due, status: next.status },
    });
    changed++;
  }
  return changed;
}
