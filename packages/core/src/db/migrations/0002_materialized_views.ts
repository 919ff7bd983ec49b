/**
 * Migration 0002: the two materialized views the seed recommends.
 *
 * Each aggregates in subqueries keyed by run before joining, so a message with several
 * events or several attributions is never counted twice. Each has a UNIQUE index so that
 * `REFRESH MATERIALIZED VIEW CONCURRENTLY` works on Postgres (dashboards keep reading while
 * it refreshes); see `refreshMaterializedViews`.
 *
 * Conversions and revenue in `mv_campaign_performance` use the default attribution model
 * (`last_click`), where each conversion is credited once; `mv_revenue_by_campaign` keeps one
 * row per model so other models can be compared.
 */
import { type Kysely, sql } from 'kysely';

const campaignPerformanceSql = `
CREATE MATERIALIZED VIEW mv_campaign_performance AS
SELECT
  c.organization_id,
  c.id AS campaign_id,
  r.id AS campaign_run_id,
  r.started_at,
  r.completed_at,
  COALESCE(m.sent, 0)::bigint AS sent,
  COALESCE(e.delivered, 0)::bigint AS delivered,
  COALESCE(e.opened, 0)::bigint AS opened,
  COALESCE(e.clicked, 0)::bigint AS clicked,
  COALESCE(e.bounced, 0)::bigint AS bounced,
  COALESCE(e.unsubscribed, 0)::bigint AS unsubscribed,
  COALESCE(a.conversions, 0)::bigint AS conversions,
  COALESCE(a.revenue_cents, 0)::bigint AS revenue_cents
FROM campaign_runs r
JOIN campaigns c ON c.id = r.campaign_id
LEFT JOIN (
  SELECT campaign_run_id,
         count(*) FILTER (WHERE status IN ('sent', 'delivered', 'bounced') OR sent_at IS NOT NULL) AS sent
  FROM messages
  WHERE campaign_run_id IS NOT NULL
  GROUP BY campaign_run_id
) m ON m.campaign_run_id = r.id
LEFT JOIN (
  SELECT msg.campaign_run_id,
         count(DISTINCT ev.message_id) FILTER (WHERE ev.type = 'delivered') AS delivered,
         count(DISTINCT ev.message_id) FILTER (WHERE ev.type = 'open') AS opened,
         count(DISTINCT ev.message_id) FILTER (WHERE ev.type = 'click') AS clicked,
         count(DISTINCT ev.message_id) FILTER (WHERE ev.type = 'bounce') AS bounced,
         count(DISTINCT ev.message_id) FILTER (WHERE ev.type = 'unsubscribe') AS unsubscribed
  FROM message_events ev
  JOIN messages msg ON msg.id = ev.message_id
  WHERE msg.campaign_run_id IS NOT NULL
  GROUP BY msg.campaign_run_id
) e ON e.campaign_run_id = r.id
LEFT JOIN (
  SELECT COALESCE(at.campaign_run_id, msg.campaign_run_id) AS campaign_run_id,
         count(DISTINCT at.event_id) AS conversions,
         sum(at.revenue_cents) AS revenue_cents
  FROM attributions at
  LEFT JOIN messages msg ON msg.id = at.message_id
  WHERE at.attributed_model = 'last_click'
  GROUP BY 1
) a ON a.campaign_run_id = r.id
`;

const revenueByCampaignSql = `
CREATE MATERIALIZED VIEW mv_revenue_by_campaign AS
SELECT
  c.organization_id,
  c.id AS campaign_id,
  r.id AS campaign_run_id,
  at.attributed_model,
  count(DISTINCT at.event_id)::bigint AS conversions,
  COALESCE(sum(at.revenue_cents), 0)::bigint AS revenue_cents
FROM attributions at
LEFT JOIN messages msg ON msg.id = at.message_id
JOIN campaign_runs r ON r.id = COALESCE(at.campaign_run_id, msg.campaign_run_id)
JOIN campaigns c ON c.id = r.campaign_id
GROUP BY c.organization_id, c.id, r.id, at.attributed_model
`;

export const materializedViewsMigration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await sql.raw(campaignPerformanceSql).execute(db);
    await sql
      .raw(
        `CREATE UNIQUE INDEX mv_campaign_performance_run_uidx ON mv_campaign_performance (campaign_run_id);
         CREATE INDEX mv_campaign_performance_org_idx ON mv_campaign_performance (organization_id, campaign_id);`,
      )
      .execute(db);
    await sql.raw(revenueByCampaignSql).execute(db);
    await sql
      .raw(
        `CREATE UNIQUE INDEX mv_revenue_by_campaign_run_model_uidx ON mv_revenue_by_campaign (campaign_run_id, attributed_model);
         CREATE INDEX mv_revenue_by_campaign_org_idx ON mv_revenue_by_campaign (organization_id, campaign_id);`,
      )
      .execute(db);
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await sql
      .raw('DROP MATERIALIZED VIEW IF EXISTS mv_revenue_by_campaign, mv_campaign_performance')
      .execute(db);
  },
};
