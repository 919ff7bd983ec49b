/**
 * The holdout comparison: did the campaign change what its audience did? Treated (the
 * recipients not held out, whether or not their message went out: intent to treat) against
 * the held-out recipients, on conversions read through `conversionsSql` in each run's window
 * [start, start + windowDays). ONE statement aggregates per group — recipients, converters,
 * revenue sum and its sample variance over per-recipient sums, zeros included — and the
 * intervals are computed from those few numbers (`intervals.ts`): no customer is loaded.
 *
 * ```sql
 * WITH conv AS (<conversionsSql>),
 * per_recipient AS (
 *   SELECT a.included_reason LIKE '[holdout]%' AS held_out,
 *          count(c.event_id) FILTER (WHERE c.name <> 'payment_refunded') AS conversions,
 *          coalesce(sum(c.revenue_cents), 0) AS revenue
 *     FROM campaign_audience a JOIN campaign_runs r ON r.id = a.campaign_run_id
 *     LEFT JOIN conv c ON c.customer_id = a.customer_id
 *      AND c.occurred_at >= r.started_at AND c.occurred_at < r.started_at + $window
 *    WHERE a.campaign_run_id = ANY($runs) GROUP BY a.id)
 * SELECT held_out, count(*), count(*) FILTER (WHERE conversions > 0), sum(revenue), var_samp(revenue)
 *   FROM per_recipient GROUP BY held_out
 * ```
 */
import { sql } from 'kysely';
import {
  BUILTIN_CONVERSIONS,
  conversionsSql,
  getAttributionSettings,
} from '../../attribution/index.js';
import { GreenTrackError } from '../../errors.js';
import type { Scope } from '../../scope.js';
import { parseInput } from '../../validation.js';
import { CampaignErrorCode } from '../error-codes.js';
import { findCampaignRow } from '../service.js';
import {
  type GroupAggregate,
  rateDifference,
  revenuePerRecipientDifference,
  scaled,
} from './intervals.js';
import { type HoldoutComparison, type HoldoutQuery, holdoutQuerySchema } from './schema.js';
import { isHeldOut } from './snapshot.js';

const DAY_MS = 86_400_000;

interface GroupRow {
  held_out: boolean;
  recipients: number;
  converters: number;
  revenue: string;
  variance: string | null;
}

const toAggregate = (row: GroupRow | undefined): GroupAggregate => ({
  recipients: row?.recipients ?? 0,
  converters: row?.converters ?? 0,
  revenueCents: Number(row?.revenue ?? 0),
  revenueVariance: row?.variance == null ? null : Number(row.variance),
});

const toGroup = (g: GroupAggregate) => ({
  recipients: g.recipients,
  converters: g.converters,
  conversion_rate: g.recipients === 0 ? 0 : g.converters / g.recipients,
  revenue_cents: g.revenueCents,
  revenue_per_recipient_cents: g.recipients === 0 ? 0 : g.revenueCents / g.recipients,
});

/** The runs compared: the one asked for, or all the campaign's started runs. */
async function runsOf(scope: Scope, campaignId: string, runId: string | undefined) {
  let query = scope.db
    .selectFrom('campaign_runs')
    .select(['id', 'started_at'])
    .where('campaign_id', '=', campaignId)
    .where('started_at', 'is not', null);
  if (runId !== undefined) query = query.where('id', '=', runId);
  const runs = await query.execute();
  if (runId !== undefined && runs.length === 0)
    throw new GreenTrackError({
      code: CampaignErrorCode.CAMPAIGN_RUN_NOT_FOUND,
      message: 'Campaign run not found',
    });
  return runs.map((r) => ({ id: r.id, startedAt: r.started_at as Date }));
}

/**
 * Treated vs holdout for a campaign (all its runs summed, or `runId`'s), with the
 * differences' 95 % intervals and the incremental conversions and revenue.
 * @throws `CAMPAIGN_NOT_FOUND`, `CAMPAIGN_RUN_NOT_FOUND` (a run of another campaign),
 * `VALIDATION_FAILED` (`windowDays` outside 1–90)
 */
export async function compareHoldout(
  scope: Scope,
  campaignId: string,
  query: HoldoutQuery = {},
): Promise<HoldoutComparison> {
  const { runId, windowDays } = parseInput(holdoutQuerySchema, query, { what: 'holdout query' });
  const campaign = await findCampaignRow(scope, campaignId);
  const runs = await runsOf(scope, campaign.id, runId);
  const starts = runs.map((r) => r.startedAt.getTime());
  const window =
    runs.length === 0
      ? null
      : {
          from: new Date(Math.min(...starts)),
          until: new Date(Math.max(...starts) + windowDays * DAY_MS),
        };
  let rows: GroupRow[] = [];
  if (window) {
    const settings = await getAttributionSettings(scope);
    const conversions = conversionsSql(scope, settings, {
      since: window.from,
      until: window.until,
    });
    ({ rows } = await sql<GroupRow>`
      WITH conv AS MATERIALIZED (${conversions}),
      per_recipient AS (
        SELECT ${isHeldOut('a')} AS held_out,
               count(c.event_id) FILTER (WHERE c.name <> ${BUILTIN_CONVERSIONS.refund}) AS conversions,
               coalesce(sum(c.revenue_cents), 0)::numeric AS revenue
          FROM campaign_audience a
          JOIN campaign_runs r ON r.id = a.campaign_run_id
          LEFT JOIN conv c ON c.customer_id = a.customer_id
               AND c.occurred_at >= r.started_at
               AND c.occurred_at < r.started_at + make_interval(days => ${windowDays}::int)
         WHERE a.campaign_run_id = ANY(${runs.map((r) => r.id)}::uuid[])
         GROUP BY a.id, a.included_reason)
      SELECT held_out, count(*)::int AS recipients,
             count(*) FILTER (WHERE conversions > 0)::int AS converters,
             sum(revenue)::text AS revenue, var_samp(revenue)::text AS variance
        FROM per_recipient GROUP BY held_out`.execute(scope.db));
  }
  const treated = toAggregate(rows.find((r) => !r.held_out));
  const heldOut = rows.find((r) => r.held_out);
  const base = {
    campaign_id: campaign.id,
    run_id: runId ?? null,
    window_days: windowDays,
    window,
    treated: toGroup(treated),
  };
  if (!heldOut) return { ...base, holdout: null, difference: null, incremental: null };
  const holdout = toAggregate(heldOut);
  const rate = rateDifference(treated, holdout);
  const revenue = revenuePerRecipientDifference(treated, holdout);
  return {
    ...base,
    holdout: toGroup(holdout),
    difference: { conversion_rate: rate, revenue_per_recipient_cents: revenue },
    incremental: {
      conversions: scaled(rate, treated.recipients),
      revenue_cents: scaled(revenue, treated.recipients),
    },
  };
}
