/**
 * The invoice rules as SQL expressions over a staged source row `s` (columns
 * `external_customer_id`, `customer_email`, `status`, `due_date`, `amount_due_cents`), for
 * the sync's set-based merge: it decides link and stored status in the same statement that
 * writes the row, so an unchanged invoice is not rewritten. They are the same rules as
 * `linkInvoiceCustomers` (client id, then email) and `isOverdue` / `applyInvoiceStatusRules`
 * (`sent` ↔ `overdue` by due date and amount due at the organization's date).
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
 * has passed (`today`: `organizationToday`) with an amount still due; every other status is
 * the source's.
 */
export function derivedStatusSql(today: string): RawBuilder<string> {
  return sql<string>`CASE
    WHEN s.status IN ('sent', 'overdue') THEN
      CASE WHEN s.due_date < ${today}::date AND s.amount_due_cents > 0 THEN 'overdue' ELSE 'sent' END
    ELSE s.status END`;
}
