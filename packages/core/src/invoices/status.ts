/**
 * The invoice status rules, in one place: what "overdue" means, and what status an open
 * invoice should have. The SQL of the status pass (`status-rules.ts`) and the payment
 * path (`payments/`) both follow these.
 */
import type { InvoiceStatus } from '../db/types.js';

/** The fields the rules read. */
export interface InvoiceDueState {
  status: InvoiceStatus | null;
  amount_due_cents: number | null;
  /** `YYYY-MM-DD` or null. */
  due_date: string | null;
}

/**
 * Overdue: status `sent` or `overdue`, an amount still due, and a due date before `today`
 * (the organization's date). An invoice due today is not overdue yet.
 */
export function isOverdue(invoice: InvoiceDueState, today: string): boolean {
  return (
    (invoice.status === 'sent' || invoice.status === 'overdue') &&
    (invoice.amount_due_cents ?? 0) > 0 &&
    invoice.due_date !== null &&
    invoice.due_date < today
  );
}

/**
 * The status an invoice that takes payments (`sent`, `overdue`, `paid`) should have after
 * its amount due changed: `paid` at zero, else `overdue` or `sent` by its due date. Other
 * statuses (`draft`, `void`) are the source's to change and stay.
 */
export function statusAfterPayment(invoice: InvoiceDueState, today: string): InvoiceStatus | null {
  if (invoice.status !== 'sent' && invoice.status !== 'overdue' && invoice.status !== 'paid')
    return invoice.status;
  if ((invoice.amount_due_cents ?? 0) <= 0) return 'paid';
  return invoice.due_date !== null && invoice.due_date < today ? 'overdue' : 'sent';
}
