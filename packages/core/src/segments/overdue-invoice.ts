/**
 * "Has an overdue invoice": the one definition the segment predicate `overdue_invoice`
 * compiles to and the dispatcher's send-time re-check of overdue reminders reuses, so a
 * reminder is sent exactly while its recipient would still join the segment.
 *
 * An invoice is overdue by `days` when it is unpaid — status `sent` or `overdue` (a draft
 * never reached the customer; `paid` and `void` are settled) with `amount_due_cents` at
 * least `amountDue` — and its `due_date` is `days` or more whole days before the UTC date
 * of `now`. The status alone is not trusted to say "overdue": the sync marks it so only on
 * its daily pass, while the due date is always there.
 */
import { type RawBuilder, type SqlBool, sql } from 'kysely';

/** What makes an invoice overdue enough. */
export interface OverdueCriteria {
  /** Whole days past the due date, at least. */
  days: number;
  /** Cents still due, at least. @default 1 */
  amountDue?: number | undefined;
}

const DAY_MS = 86_400_000;

/** The latest due date (`YYYY-MM-DD`) that is `days` whole days before `now`'s UTC date. */
function overdueCutoff(now: Date, days: number): string {
  return new Date(now.getTime() - days * DAY_MS).toISOString().slice(0, 10);
}

/**
 * The condition on the invoice row `alias` (of `zeroinvoice_invoices_cache`).
 * @example
 * sql`EXISTS (SELECT 1 FROM zeroinvoice_invoices_cache i WHERE i.customer_id = c.id AND ${overdueInvoiceSql('i', { days: 30 }, now)})`
 * // … AND (i.status IN ('sent', 'overdue') AND i.amount_due_cents >= $1 AND i.due_date <= $2::date)
 */
export function overdueInvoiceSql(
  alias: string,
  criteria: OverdueCriteria,
  now: Date,
): RawBuilder<SqlBool> {
  const column = (name: string) => sql.ref(`${alias}.${name}`);
  return sql<SqlBool>`(${column('status')} IN ('sent', 'overdue') AND ${column('amount_due_cents')} >= ${criteria.amountDue ?? 1} AND ${column('due_date')} <= ${overdueCutoff(now, criteria.days)}::date)`;
}
