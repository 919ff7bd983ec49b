/**
 * The funnel of a campaign (all its runs) or of one run: unique customers at each step,
 * live from the base tables in one statement.
 *
 * audience (frozen in `campaign_audience`) → sent → delivered → opened → clicked → converted
 * (credited a conversion by the model; refunds are not conversions). Each step counts the
 * customers with that evidence, so a step can exceed the one before it when evidence is
 * missing (an open the recipient's mail client never reported, then a click).
 *
 * The audience excludes the recipients held out of the run (never sent: they are the
 * holdout comparison's control group, `GET /campaigns/{id}/holdout`), told apart by the
 * campaigns module's own test, `isHeldOut`.
 */
import { sql } from 'kysely';
import { isHeldOut } from '../campaigns/index.js';
import type { Scope } from '../scope.js';
import { parseInput } from '../validation.js';
import { assertCampaign, assertRun } from './lookup.js';
import { type FunnelQuery, funnelQuerySchema } from './schema.js';

/** Unique customers at each step. */
export interface KpiFunnel {
  campaignId: string;
  /** The run asked for; null: every run of the campaign. */
  campaignRunId: string | null;
  model: string;
  audience: number;
  sent: number;
  delivered: number;
  opened: number;
  clicked: number;
  converted: number;
}

/** @throws `CAMPAIGN_NOT_FOUND`, `CAMPAIGN_RUN_NOT_FOUND`, `VALIDATION_FAILED` */
export async function getFunnel(
  scope: Scope,
  campaignId: string,
  query: FunnelQuery = {},
): Promise<KpiFunnel> {
  const q = parseInput(funnelQuerySchema, query, { what: 'funnel query' });
  await assertCampaign(scope, campaignId);
  if (q.runId !== undefined) await assertRun(scope, campaignId, q.runId);
  const org = scope.organizationId;
  const oneRun = q.runId === undefined ? sql`` : sql`AND r.id = ${q.runId}`;
  const { rows } = await sql<Omit<KpiFunnel, 'campaignId' | 'campaignRunId' | 'model'>>`
    WITH runs AS (
      SELECT r.id FROM campaign_runs r
      JOIN campaigns c ON c.id = r.campaign_id AND c.organization_id = ${org}
      WHERE r.campaign_id = ${campaignId} ${oneRun}
    ),
    sent AS (
      SELECT m.id, m.customer_id FROM messages m
      WHERE m.organization_id = ${org} AND m.campaign_run_id IN (SELECT id FROM runs)
        AND m.customer_id IS NOT NULL
        AND (m.status IN ('sent', 'delivered', 'bounced') OR m.sent_at IS NOT NULL)
    ),
    engaged AS (
      SELECT count(DISTINCT s.customer_id) FILTER (WHERE ev.type = 'delivered') AS delivered,
             count(DISTINCT s.customer_id) FILTER (WHERE ev.type = 'open') AS opened,
             count(DISTINCT s.customer_id) FILTER (WHERE ev.type = 'click') AS clicked
      FROM sent s
      JOIN message_events ev ON ev.message_id = s.id AND ev.organization_id = ${org}
    )
    SELECT
      (SELECT count(DISTINCT a.customer_id) FROM campaign_audience a
        WHERE a.campaign_run_id IN (SELECT id FROM runs)
          AND NOT ${isHeldOut('a')})::int AS audience,
      (SELECT count(DISTINCT customer_id) FROM sent)::int AS sent,
      e.delivered::int AS delivered, e.opened::int AS opened, e.clicked::int AS clicked,
      (SELECT count(DISTINCT at.customer_id) FROM attributions at
        LEFT JOIN messages msg ON msg.id = at.message_id AND msg.organization_id = ${org}
        WHERE at.organization_id = ${org} AND at.attributed_model = ${q.model}
          AND at.conversion_name <> 'payment_refunded'
          AND COALESCE(at.campaign_run_id, msg.campaign_run_id) IN (SELECT id FROM runs))::int AS converted
    FROM engaged e`.execute(scope.db);
  const row = rows[0];
  if (!row) throw new Error('the funnel query returns one row');
  return { campaignId, campaignRunId: q.runId ?? null, model: q.model, ...row };
}
