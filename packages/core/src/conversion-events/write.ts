/**
 * Writing the conversions GreenTrack learns of through money as `events` rows (the contract
 * `conversionsSql` reads, decision 168): `payment_received`, `payment_refunded` and
 * `invoice_paid`, each at most once (migration 0034's unique keys), in the caller's
 * transaction.
 *
 * One function for every writer (a recorded payment, a settled webhook invoice, a sync page,
 * a newly linked invoice): it derives the events of the named invoices from what the
 * database holds now — their succeeded payments, their status and source state — so whoever
 * learns something first writes the event, and a later writer finds it there. Webhooks come
 * in any order, so the two values that depend on OTHER rows are re-derived each time and
 * corrected when a late row changes them (decision 182): a refund's `reverses_event_id`, and an
 * `invoice_paid` event's time and revenue. Everything else is written once and kept.
 */
import { type RawBuilder, sql } from 'kysely';
import { BUILTIN_CONVERSIONS, REVENUE_PROPERTY } from '../attribution/index.js';
import type { Scope } from '../scope.js';

/**
 * Which invoices to write for: external invoice ids, or a subquery yielding them (one
 * column, as the sync's staging table of written invoices does).
 */
export type ConversionInvoices = readonly string[] | RawBuilder<unknown>;

const { payment: RECEIVED, refund: REFUNDED, invoice: PAID } = BUILTIN_CONVERSIONS;

// The conflict targets must repeat migration 0034's index expressions and predicates word
// for word (as literals: a parameter cannot prove the predicate), or Postgres finds no index.
const paymentKey = sql`(organization_id, name, (properties ->> 'payment_id'))
  WHERE name IN (${sql.lit(RECEIVED)}, ${sql.lit(REFUNDED)})`;
const invoiceKey = sql`(organization_id, (properties ->> 'invoice_id'))
  WHERE name = ${sql.lit(PAID)}`;

/**
 * The event's id, derived from what it is about (organization, name, payment or invoice id):
 * a refund names the payment event it reverses, and a writer finds an existing event, by
 * primary key. Looking them up through the expression indexes does not work under row-level
 * security: `->>` is not leakproof, so Postgres filters the organization's events row by row.
 */
const eventId = (org: string, name: string, key: ReturnType<typeof sql>) =>
  sql`md5(${org}::text || ':' || ${sql.lit(name)} || ':' || ${key}::text)::uuid`;

/** `events.source`: money a provider told us of by webhook, else the system's own bookkeeping. */
const sourceOf = (scope: Scope) => (scope.actor.type === 'webhook' ? 'webhook' : 'system');

/**
 * Writes the missing conversion events of the named invoices (and corrects the re-derived
 * values of existing ones), set-based: three statements whatever the number of invoices.
 * Invoices not linked to a customer get none: a conversion belongs to a customer, and
 * linking the invoice later calls this again, which writes them with their original times.
 * Idempotent: a second call with nothing new writes nothing.
 * @example await writeConversionEvents(tx, ['in_1MtHbELkdIwHu7ixl4OzzPMv']);
 */
export async function writeConversionEvents(
  scope: Scope,
  invoices: ConversionInvoices,
): Promise<void> {
  if (Array.isArray(invoices) && invoices.length === 0) return;
  const org = scope.organizationId;
  const now = scope.clock.now();
  const source = sourceOf(scope);
  const only = Array.isArray(invoices)
    ? sql`i.external_invoice_id = ANY(${[...new Set(invoices)]}::text[])`
    : sql`i.external_invoice_id IN (${invoices as RawBuilder<unknown>})`;
  // The named invoices that belong to a customer, with their succeeded money.
  const linked = sql`
    SELECT i.id, i.external_invoice_id, i.customer_id
    FROM zeroinvoice_invoices_cache i
    WHERE i.organization_id = ${org} AND i.customer_id IS NOT NULL AND ${only}`;
  const money = sql`
    SELECT inv.*, p.id AS payment_id, p.external_payment_id, p.amount_cents, p.currency,
           coalesce(p.processed_at, ${now}::timestamptz) AS at
    FROM (${linked}) inv
    JOIN payments p ON p.organization_id = ${org}
     AND p.external_invoice_id = inv.external_invoice_id AND p.status = 'succeeded'`;

  // 1. Payments: the amount is the revenue; written once, never changed.
  await sql`
    INSERT INTO events (id, organization_id, customer_id, name, source, properties, occurred_at)
    SELECT ${eventId(org, RECEIVED, sql`m.payment_id`)}, ${org}, m.customer_id, ${RECEIVED}, ${source},
      jsonb_build_object(${REVENUE_PROPERTY}::text, m.amount_cents, 'currency', m.currency,
        'payment_id', m.payment_id, 'external_payment_id', m.external_payment_id,
        'invoice_id', m.id, 'external_invoice_id', m.external_invoice_id),
      m.at
    FROM (${money}) m
    WHERE m.amount_cents > 0
    ON CONFLICT ${paymentKey} DO NOTHING`.execute(scope.db);

  // 2. Refunds: each reverses the latest payment of its invoice at or before it (ties: the
  // larger external id, the same in every organization). In time order, payments before
  // refunds at one instant, each payment starts a group and a refund reverses the payment
  // that started its group: window functions only, no join and no per-refund search. A
  // payment that arrives after its refund changes the choice, so it is re-derived.
  await sql`
    WITH g AS (
      SELECT m.*, count(*) FILTER (WHERE m.amount_cents > 0) OVER (PARTITION BY m.id
               ORDER BY m.at, m.amount_cents < 0, m.external_payment_id) AS grp
      FROM (${money}) m
    ), w AS (
      SELECT g.*, CASE WHEN g.grp > 0 THEN first_value(g.payment_id) OVER (
               PARTITION BY g.id, g.grp ORDER BY g.at, g.amount_cents < 0, g.external_payment_id)
             END AS reversed_payment_id
      FROM g
    )
    INSERT INTO events AS ev (id, organization_id, customer_id, name, source, properties, occurred_at)
    SELECT ${eventId(org, REFUNDED, sql`f.payment_id`)}, ${org}, f.customer_id, ${REFUNDED}, ${source},
      jsonb_build_object(${REVENUE_PROPERTY}::text, f.amount_cents, 'currency', f.currency,
        'payment_id', f.payment_id, 'external_payment_id', f.external_payment_id,
        'invoice_id', f.id, 'external_invoice_id', f.external_invoice_id,
        'reverses_event_id', CASE WHEN f.reversed_payment_id IS NOT NULL
          THEN ${eventId(org, RECEIVED, sql`f.reversed_payment_id`)} END),
      f.at
    FROM w f
    WHERE f.amount_cents < 0
    ON CONFLICT ${paymentKey}
    DO UPDATE SET properties = EXCLUDED.properties
    WHERE ev.properties IS DISTINCT FROM EXCLUDED.properties`.execute(scope.db);

  // 3. Paid invoices: paid in the cache, or paid in the source's latest state (settling may
  // already have reopened it for a refund processed later). When: the earliest evidence —
  // the source's time of that state, the payment that brought the recorded money up to the
  // total — else the last payment (an invoice the source had partly paid), else now; an
  // event already written keeps its time unless the evidence is earlier. Revenue: the total
  // less the succeeded money recorded by then, never below 0.
  await sql`
    WITH inv AS (
      SELECT i.id, i.external_invoice_id, i.customer_id, lower(i.currency) AS currency,
             coalesce(i.total_cents, 0) AS total_cents, i.total_cents AS total_raw,
             i.status = 'paid' AS paid_now,
             CASE WHEN v.status = 'paid' THEN v.source_updated_at END AS source_paid_at,
             e0.occurred_at AS written_at
      FROM zeroinvoice_invoices_cache i
      LEFT JOIN invoice_source_versions v ON v.invoice_id = i.id
      LEFT JOIN events e0 ON e0.id = ${eventId(org, PAID, sql`i.id`)}
      WHERE i.organization_id = ${org} AND i.customer_id IS NOT NULL AND ${only}
        AND (i.status = 'paid' OR v.status = 'paid' OR e0.id IS NOT NULL)
    ), pay AS (
      SELECT inv.id AS invoice_id, inv.total_cents, p.amount_cents, p.processed_at,
             sum(p.amount_cents) OVER (PARTITION BY inv.id
               ORDER BY p.processed_at NULLS FIRST, p.external_payment_id) AS running
      FROM inv JOIN payments p ON p.organization_id = ${org}
       AND p.external_invoice_id = inv.external_invoice_id AND p.status = 'succeeded'
    ), evidence AS (
      SELECT invoice_id,
             min(processed_at) FILTER (WHERE total_cents > 0 AND running >= total_cents) AS completed_at,
             max(processed_at) FILTER (WHERE amount_cents > 0) AS last_paid_at
      FROM pay GROUP BY invoice_id
    ), timed AS (
      SELECT inv.*, coalesce(
        LEAST(inv.written_at, inv.source_paid_at, x.completed_at),
        CASE WHEN inv.paid_now THEN x.last_paid_at END,
        ${now}::timestamptz) AS at
      FROM inv LEFT JOIN evidence x ON x.invoice_id = inv.id
    ), counted AS (
      SELECT t.id, coalesce(sum(pay.amount_cents) FILTER (
               WHERE pay.processed_at IS NULL OR pay.processed_at <= t.at), 0) AS cents
      FROM timed t LEFT JOIN pay ON pay.invoice_id = t.id
      GROUP BY t.id
    )
    INSERT INTO events AS ev (id, organization_id, customer_id, name, source, properties, occurred_at)
    SELECT ${eventId(org, PAID, sql`t.id`)}, ${org}, t.customer_id, ${PAID}, ${source},
      jsonb_build_object(${REVENUE_PROPERTY}::text, greatest(0, t.total_cents - c.cents)::int,
        'currency', t.currency, 'invoice_id', t.id,
        'external_invoice_id', t.external_invoice_id, 'total_cents', t.total_raw),
      t.at
    FROM timed t JOIN counted c ON c.id = t.id
    ON CONFLICT ${invoiceKey}
    DO UPDATE SET occurred_at = EXCLUDED.occurred_at, properties = EXCLUDED.properties
    WHERE (ev.occurred_at, ev.properties) IS DISTINCT FROM (EXCLUDED.occurred_at, EXCLUDED.properties)`.execute(
    scope.db,
  );
}
