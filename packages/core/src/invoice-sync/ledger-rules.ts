/**
 * The two invoice rules the sync applies while it merges, as SQL over the staged row `s`.
 *
 * TO FOLD (lead): the `invoices` module (issue 12 part 1) owns these rules — linking an
 * invoice to a customer by `external_zeroinvoice_customer_id`, then by email, and the
 * `sent` ↔ `overdue` status derived from `due_date` and `amount_due_cents`. This is the
 * minimal form the sync needs until that module's service functions land; replace these
 * with theirs (the merge only needs them as SQL expressions over the staged row).
 */
import { type RawBuilder, sql } from 'kysely';

/** The organization's customer for the staged invoice: by the source's client id, then by email. */
export function linkedCustomerSql(organizationId: string): RawBuilder<string | null> {
  return sql<string | null>`COALESCE(
    (SELECT c.id FROM customers c
      WHERE c.organization_id = ${organizationId}
        AND c.external_zeroinvoice_customer_id = s.external_customer_id
      ORDER BY c.created_at, c.id LIMIT 1),
    (SELECT c.id FROM customers c
      WHERE c.organization_id = ${organizationId}
        AND c.email = s.customer_email::citext
      ORDER BY c.created_at, c.id LIMIT 1))`;
}

/**
 * The status to store: a `sent` or `overdue` invoice is `overdue` exactly when its due date
 * has passed (`today` is the organization's clock date, UTC) with an amount still due;
 * every other status is the source's.
 */
export function derivedStatusSql(today: string): RawBuilder<string> {
  return sql<string>`CASE
    WHEN s.status IN ('sent', 'overdue') THEN
      CASE WHEN s.due_date < ${today}::date AND s.amount_due_cents > 0 THEN 'overdue' ELSE 'sent' END
    ELSE s.status END`;
}
