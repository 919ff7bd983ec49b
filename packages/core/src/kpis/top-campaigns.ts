/**
 * The organization's campaigns that earned the most over a period, by the revenue one model
 * credited to them (conversions that occurred in the period, local days of the
 * organization's time zone). Live from `attributions`, so any period can be asked.
 */
import { sql } from 'kysely';
import type { Scope } from '../scope.js';
import { getSendingSettings } from '../settings/index.js';
import { parseInput } from '../validation.js';
import { creditedSql, localPeriodSql } from './credited.js';
import { resolvePeriod } from './period.js';
import { type TopCampaignsQuery, topCampaignsQuerySchema } from './schema.js';

/** One campaign of the ranking. */
export interface TopCampaign {
  campaignId: string;
  name: string;
  conversions: number;
  /** Net of refunds, integer cents. */
  revenueCents: number;
}

export interface TopCampaigns {
  timeZone: string;
  model: string;
  /** Highest revenue first; ties by campaign id. */
  items: TopCampaign[];
}

/**
 * Default period: the 30 days ending today (local).
 * @throws `VALIDATION_FAILED` (dates, a period over 366 days, `limit` over 50)
 */
export async function getTopCampaigns(
  scope: Scope,
  query: TopCampaignsQuery,
): Promise<TopCampaigns> {
  const q = parseInput(topCampaignsQuerySchema, query, { what: 'top campaigns query' });
  const { timeZone } = await getSendingSettings(scope);
  const { from, to } = resolvePeriod(q, timeZone, scope.clock.now());
  const credited = creditedSql(scope, {
    model: q.model,
    period: localPeriodSql(from, to, timeZone),
  });
  const { rows } = await sql<{
    campaignId: string;
    name: string;
    conversions: number;
    revenueCents: string;
  }>`
    SELECT c.campaign_id AS "campaignId", k.name,
           (count(DISTINCT c.event_id) FILTER (WHERE NOT c.refund))::int AS conversions,
           sum(c.revenue_cents)::bigint AS "revenueCents"
    FROM (${credited}) c
    JOIN campaigns k ON k.id = c.campaign_id AND k.organization_id = ${scope.organizationId}
    GROUP BY c.campaign_id, k.name
    ORDER BY sum(c.revenue_cents) DESC, c.campaign_id
    LIMIT ${q.limit}`.execute(scope.db);
  return {
    timeZone,
    model: q.model,
    items: rows.map((row) => ({ ...row, revenueCents: Number(row.revenueCents) })),
  };
}
