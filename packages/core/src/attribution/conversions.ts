/**
 * Conversions: the `events` rows that count as one, with their revenue in integer cents.
 * Attribution, the holdout comparison and the Google Analytics forwarder all read
 * conversions through this one query, so they agree on what a conversion is:
 *
 * - `payment_received` (a succeeded payment; written by the payments module),
 *   `payment_refunded` (a refund; negative revenue, `properties.reverses_event_id` names the
 *   `payment_received` event it takes back) and `invoice_paid` (an invoice paid; revenue is
 *   what the payments recorded for it did not already count): revenue in
 *   `properties.revenue_cents`;
 * - the organization's configured events (`settings.conversions`): revenue in the configured
 *   property, 0 without one.
 *
 * Only events about a customer count: a conversion belongs to a customer.
 */
import { type RawBuilder, sql } from 'kysely';
import type { Scope } from '../scope.js';
import { type AttributionSettings, BUILTIN_CONVERSIONS, REVENUE_PROPERTY } from './settings.js';

/** One conversion as `conversionsSql` yields it. */
export interface ConversionRow {
  /** The `events` row that is the conversion (`attributions.event_id`). */
  event_id: string;
  customer_id: string;
  /** `events.name`, which `attributions.conversion_name` repeats. */
  name: string;
  occurred_at: Date;
  /** Integer cents; negative for a refund. */
  revenue_cents: number;
  /** A refund: the `payment_received` event it reverses (its touches are the refund's). */
  reverses_event_id: string | null;
}

/** Which conversions to read: `occurred_at` in [since, until), optionally by name. */
export interface ConversionWindow {
  since?: Date;
  until?: Date;
  /** Only these event names (each must be a conversion to count). */
  names?: readonly string[];
}

/** Integer cents from a JSON property: a number is rounded, anything else is 0. */
const centsOf = (property: string) =>
  sql`CASE WHEN jsonb_typeof(e.properties -> ${property}) = 'number'
        THEN round((e.properties ->> ${property})::numeric)::int ELSE 0 END`;

/**
 * The conversions of the scope's organization as a subquery (columns of `ConversionRow`),
 * to select from or join: `sql\`SELECT … FROM (${conversionsSql(scope, settings)}) c\``.
 * Set-based: the revenue property of each configured name is chosen in SQL.
 */
export function conversionsSql(
  scope: Scope,
  settings: AttributionSettings,
  window: ConversionWindow = {},
): RawBuilder<ConversionRow> {
  const builtins = Object.values(BUILTIN_CONVERSIONS);
  const configured = settings.conversions;
  const allNames = [...builtins, ...configured.map((c) => c.name)];
  const names = window.names ? allNames.filter((n) => window.names?.includes(n)) : allNames;
  // name → revenue property; a configured conversion without one has no revenue.
  const revenue = sql.join(
    [
      sql`WHEN e.name IN (${sql.join(builtins)}) THEN ${centsOf(REVENUE_PROPERTY)}`,
      ...configured
        .filter((c) => c.revenueProperty !== undefined)
        .map((c) => sql`WHEN e.name = ${c.name} THEN ${centsOf(c.revenueProperty as string)}`),
    ],
    sql` `,
  );
  const since = window.since ? sql`AND e.occurred_at >= ${window.since}` : sql``;
  const until = window.until ? sql`AND e.occurred_at < ${window.until}` : sql``;
  if (names.length === 0)
    return sql<ConversionRow>`SELECT NULL::uuid AS event_id, NULL::uuid AS customer_id, NULL::text AS name, NULL::timestamptz AS occurred_at, 0 AS revenue_cents, NULL::uuid AS reverses_event_id WHERE false`;
  return sql<ConversionRow>`
    SELECT e.id AS event_id, e.customer_id, e.name, e.occurred_at,
           CASE ${revenue} ELSE 0 END AS revenue_cents,
           CASE WHEN e.name = ${BUILTIN_CONVERSIONS.refund}
                 AND e.properties ->> 'reverses_event_id' ~ '^[0-9a-fA-F-]{36}$'
                THEN (e.properties ->> 'reverses_event_id')::uuid END AS reverses_event_id
    FROM events e
    WHERE e.organization_id = ${scope.organizationId}
      AND e.customer_id IS NOT NULL
      AND e.name IN (${sql.join(names)})
      ${since} ${until}`;
}
