/**
 * The SQL pieces the live KPI queries share: a period of local days as instants, and the
 * conversions one model credited to the organization's campaigns.
 */
import { type RawBuilder, sql } from 'kysely';
import type { AttributionModel } from '../db/types.js';
import type { Scope } from '../scope.js';

/**
 * `[lo, hi)`: from the start of local day `from` to the start of the day after `to`, in
 * `timeZone`. `timestamp AT TIME ZONE zone` reads a wall-clock time in the zone, so a day
 * is 23 or 25 hours long across a DST change, as it is on the organization's calendar.
 */
export function localPeriodSql(from: string, to: string, timeZone: string): RawBuilder<unknown> {
  return sql`SELECT (${from}::date)::timestamp AT TIME ZONE ${timeZone} AS lo,
                    (${to}::date + 1)::timestamp AT TIME ZONE ${timeZone} AS hi`;
}

/** The local day of an instant column, in `timeZone`. */
export function localDaySql(column: RawBuilder<unknown>, timeZone: string): RawBuilder<string> {
  return sql<string>`(${column} AT TIME ZONE ${timeZone})::date`;
}

/**
 * One row per attribution row of `model` whose conversion event occurred in the period
 * (`period`: a subquery with `lo`, `hi`), with the campaign it credits: `event_id`,
 * `refund` (a refund lowers revenue and is no conversion), `revenue_cents`, `occurred_at`
 * (the conversion's), `campaign_id`. The run is the attribution's own or its message's, as
 * the materialized views read it.
 */
export function creditedSql(
  scope: Scope,
  options: { model: AttributionModel; period: RawBuilder<unknown>; campaignId?: string },
): RawBuilder<unknown> {
  const org = scope.organizationId;
  const oneCampaign =
    options.campaignId === undefined ? sql`` : sql`AND r.campaign_id = ${options.campaignId}`;
  return sql`
    SELECT at.event_id, at.conversion_name = 'payment_refunded' AS refund, at.revenue_cents,
           e.occurred_at, r.campaign_id
    FROM attributions at
    JOIN events e ON e.id = at.event_id AND e.organization_id = ${org}
    LEFT JOIN messages msg ON msg.id = at.message_id AND msg.organization_id = ${org}
    JOIN campaign_runs r ON r.id = COALESCE(at.campaign_run_id, msg.campaign_run_id)
    CROSS JOIN (${options.period}) period
    WHERE at.organization_id = ${org} AND at.attributed_model = ${options.model}
      AND e.occurred_at >= period.lo AND e.occurred_at < period.hi ${oneCampaign}`;
}
