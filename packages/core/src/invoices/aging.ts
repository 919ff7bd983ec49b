/**
 * Accounts-receivable aging: the amount still due on open invoices (`sent`/`overdue`,
 * amount due > 0), bucketed by days past due at the organization's today — current (not
 * yet past due, or no due date), 1–30, 31–60, 61–90 and over 90 days — per currency, for
 * the organization and per customer.
 */
import { type RawBuilder, sql } from 'kysely';
import type { Scope } from '../scope.js';
import { parseInput } from '../validation.js';
import { type AgingQuery, agingQuerySchema } from './schema.js';
import { localDate, organizationTimeZone } from './today.js';

/** Amounts due in cents by age, in one currency. */
export interface AgingBuckets {
  currency: string;
  current: number;
  days_1_30: number;
  days_31_60: number;
  days_61_90: number;
  days_over_90: number;
  total: number;
  /** Open invoices counted. */
  invoices: number;
}

/** The aging report. */
export interface InvoiceAging {
  /** The organization's today (`YYYY-MM-DD`) the ages were counted at. */
  as_of: string;
  time_zone: string;
  /** Organization totals, one row per currency. */
  organization: AgingBuckets[];
  /** Per customer and currency, largest total first; `customer_id` null: unlinked invoices. */
  customers: Array<AgingBuckets & { customer_id: string | null }>;
  customers_truncated: boolean;
}

interface BucketRow {
  currency: string;
  current: string;
  days_1_30: string;
  days_31_60: string;
  days_61_90: string;
  days_over_90: string;
  total: string;
  invoices: string;
}

/**
 * The bucket sums over the open invoices of the organization (migration 0020's partial
 * index holds exactly those); the caller groups them.
 */
function bucketSelect(today: string) {
  // Days past due: 0 on the due date, negative before it.
  const age = sql`(${today}::date - due_date)`;
  const sum = (when: RawBuilder<unknown>) =>
    sql`coalesce(sum(amount_due_cents) FILTER (WHERE ${when}), 0)::bigint::text`;
  return sql`coalesce(currency, 'usd') AS currency,
    ${sum(sql`due_date IS NULL OR ${age} <= 0`)} AS current,
    ${sum(sql`${age} BETWEEN 1 AND 30`)} AS days_1_30,
    ${sum(sql`${age} BETWEEN 31 AND 60`)} AS days_31_60,
    ${sum(sql`${age} BETWEEN 61 AND 90`)} AS days_61_90,
    ${sum(sql`${age} > 90`)} AS days_over_90,
    sum(amount_due_cents)::bigint::text AS total,
    count(*)::text AS invoices`;
}

const toBuckets = (row: BucketRow): AgingBuckets => ({
  currency: row.currency,
  current: Number(row.current),
  days_1_30: Number(row.days_1_30),
  days_31_60: Number(row.days_31_60),
  days_61_90: Number(row.days_61_90),
  days_over_90: Number(row.days_over_90),
  total: Number(row.total),
  invoices: Number(row.invoices),
});

/**
 * The aging report at the organization's today (by the scope's clock, in
 * `organization_settings.time_zone`). Two statements: organization totals per currency, and
 * the customers with the most due first (at most `limit` rows).
 * @example
 * const { organization } = await invoiceAging(scope);
 * // [{ currency: 'usd', current: 12000, days_1_30: 4500, …, total: 20000, invoices: 7 }]
 */
export async function invoiceAging(scope: Scope, query: AgingQuery = {}): Promise<InvoiceAging> {
  const q = parseInput(agingQuerySchema, query, { what: 'aging query' });
  const timeZone = await organizationTimeZone(scope);
  const today = localDate(scope.clock.now(), timeZone);
  const customerFilter = q.customer_id ? sql`AND customer_id = ${q.customer_id}` : sql``;
  const open = sql`FROM zeroinvoice_invoices_cache
    WHERE organization_id = ${scope.organizationId}
      AND status IN ('sent', 'overdue') AND amount_due_cents > 0 ${customerFilter}`;
  const { rows: organization } = await sql<BucketRow>`
    SELECT ${bucketSelect(today)} ${open}
    GROUP BY coalesce(currency, 'usd') ORDER BY 1`.execute(scope.db);
  const { rows: customers } = await sql<BucketRow & { customer_id: string | null }>`
    SELECT customer_id, ${bucketSelect(today)} ${open}
    GROUP BY customer_id, coalesce(currency, 'usd')
    ORDER BY sum(amount_due_cents) DESC, customer_id NULLS LAST, 2
    LIMIT ${q.limit + 1}`.execute(scope.db);
  return {
    as_of: today,
    time_zone: timeZone,
    organization: organization.map(toBuckets),
    customers: customers
      .slice(0, q.limit)
      .map((row) => ({ customer_id: row.customer_id, ...toBuckets(row) })),
    customers_truncated: customers.length > q.limit,
  };
}
