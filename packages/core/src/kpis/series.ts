/**
 * The daily series of the organization (or one campaign): sends, deliveries, opens, clicks,
 * conversions and revenue per local day of the organization's time zone, every day of the
 * period present (zeros included). Computed live from the base tables in one statement, so
 * it is as fresh as the data; the period is at most 366 days.
 *
 * - sends: campaign messages by the day of `sent_at`;
 * - deliveries, opens, clicks: messages with such an event that day, each message once per
 *   day (a message opened on two days counts on both);
 * - conversions and revenue: what the model credited to campaigns, on the day the
 *   conversion occurred; a refund lowers that day's revenue and is no conversion.
 */
import { sql } from 'kysely';
import type { Scope } from '../scope.js';
import { getSendingSettings } from '../settings/index.js';
import { parseInput } from '../validation.js';
import { creditedSql, localDaySql, localPeriodSql } from './credited.js';
import { assertCampaign } from './lookup.js';
import { resolvePeriod } from './period.js';
import { type SeriesQuery, seriesQuerySchema } from './schema.js';

/** One local day of the series. */
export interface SeriesDay {
  /** `YYYY-MM-DD` in the organization's time zone. */
  date: string;
  sends: number;
  deliveries: number;
  opens: number;
  clicks: number;
  conversions: number;
  revenueCents: number;
}

export interface KpiSeries {
  /** The organization's time zone the days are in. */
  timeZone: string;
  model: string;
  days: SeriesDay[];
}

/**
 * Default period: the 30 days ending today (local).
 * @throws `VALIDATION_FAILED` (dates, a period over 366 days), `CAMPAIGN_NOT_FOUND`
 */
export async function getSeries(scope: Scope, query: SeriesQuery): Promise<KpiSeries> {
  const q = parseInput(seriesQuerySchema, query, { what: 'series query' });
  if (q.campaignId !== undefined) await assertCampaign(scope, q.campaignId);
  const { timeZone } = await getSendingSettings(scope);
  const { from, to } = resolvePeriod(q, timeZone, scope.clock.now());
  const org = scope.organizationId;
  const period = localPeriodSql(from, to, timeZone);
  // Campaign messages only; of one campaign, through its runs (a handful of ids), so the
  // messages are not joined to their runs row by row.
  const campaignMessages =
    q.campaignId === undefined
      ? sql`m.campaign_run_id IS NOT NULL`
      : sql`m.campaign_run_id IN (SELECT id FROM campaign_runs WHERE campaign_id = ${q.campaignId})`;
  const { rows } = await sql<SeriesDay>`
    WITH period AS (${period}),
    days AS (
      SELECT d::date AS day FROM generate_series(${from}::date, ${to}::date, interval '1 day') d
    ),
    sends AS (
      SELECT ${localDaySql(sql`m.sent_at`, timeZone)} AS day, count(*) AS sends
      FROM messages m
      CROSS JOIN period
      WHERE m.organization_id = ${org} AND m.sent_at >= period.lo AND m.sent_at < period.hi
        AND ${campaignMessages}
      GROUP BY 1
    ),
    engagement AS (
      -- Each message once per day and kind: one hash of distinct triples, then counted.
      SELECT day,
             count(*) FILTER (WHERE type = 'delivered') AS deliveries,
             count(*) FILTER (WHERE type = 'open') AS opens,
             count(*) FILTER (WHERE type = 'click') AS clicks
      FROM (
        SELECT DISTINCT ${localDaySql(sql`ev.occurred_at`, timeZone)} AS day, ev.type, ev.message_id
        FROM message_events ev
        JOIN messages m ON m.id = ev.message_id AND m.organization_id = ${org}
        CROSS JOIN period
        WHERE ev.organization_id = ${org} AND ev.type IN ('delivered', 'open', 'click')
          AND ev.occurred_at >= period.lo AND ev.occurred_at < period.hi AND ${campaignMessages}
      ) unique_events
      GROUP BY day
    ),
    conversions AS (
      SELECT ${localDaySql(sql`c.occurred_at`, timeZone)} AS day,
             count(DISTINCT c.event_id) FILTER (WHERE NOT c.refund) AS conversions,
             sum(c.revenue_cents) AS revenue_cents
      FROM (${creditedSql(scope, { model: q.model, period: sql`SELECT lo, hi FROM period`, ...(q.campaignId === undefined ? {} : { campaignId: q.campaignId }) })}) c
      GROUP BY 1
    )
    SELECT to_char(d.day, 'YYYY-MM-DD') AS date,
           COALESCE(s.sends, 0)::int AS sends,
           COALESCE(g.deliveries, 0)::int AS deliveries,
           COALESCE(g.opens, 0)::int AS opens,
           COALESCE(g.clicks, 0)::int AS clicks,
           COALESCE(c.conversions, 0)::int AS conversions,
           COALESCE(c.revenue_cents, 0)::bigint AS "revenueCents"
    FROM days d
    LEFT JOIN sends s ON s.day = d.day
    LEFT JOIN engagement g ON g.day = d.day
    LEFT JOIN conversions c ON c.day = d.day
    ORDER BY d.day`.execute(scope.db);
  return {
    timeZone,
    model: q.model,
    days: rows.map((row) => ({ ...row, revenueCents: Number(row.revenueCents) })),
  };
}
