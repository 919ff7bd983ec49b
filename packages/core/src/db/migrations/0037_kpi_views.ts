/**
 * Migration 0037: what the KPI module (`kpis/`) reads and records.
 *
 * - Both materialized views are replaced (same names, columns and unique indexes; 0002's
 *   meaning) with one change: a refund (`payment_refunded`, negative revenue) lowers
 *   `revenue_cents` but is no longer counted in `conversions`. A paid-then-refunded order
 *   was two conversions; the conversion rate counts buyers, not money movements.
 * - `materialized_view_refreshes`: when each view was last refreshed and how long it took,
 *   so every KPI answer read from a view says `asOf`, and the worker's schedule survives
 *   restarts. Not tenant data: one row per view for the whole database.
 * - `kpi_campaign_performance` and `kpi_revenue_by_campaign`: plain views of the
 *   materialized views confined to the organization of the transaction. Materialized views
 *   carry no row-level security and belong to `greentrack_system` (0010), so tenant work
 *   cannot read them; these views run as their owner (the system role) and filter by the
 *   same setting the policies read. Every KPI query also filters by organization itself.
 */
import { type Kysely, sql } from 'kysely';
import { APP_ROLE, ORGANIZATION_PER_ROW, SYSTEM_ROLE } from '../row-level-security.js';
import type { MigrationContext } from './context.js';

// 0002's definitions, conversions counted without refunds (see the header).
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
         count(DISTINCT at.event_id) FILTER (WHERE at.conversion_name <> 'payment_refunded') AS conversions,
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
  count(DISTINCT at.event_id) FILTER (WHERE at.conversion_name <> 'payment_refunded')::bigint AS conversions,
  COALESCE(sum(at.revenue_cents), 0)::bigint AS revenue_cents
FROM attributions at
LEFT JOIN messages msg ON msg.id = at.message_id
JOIN campaign_runs r ON r.id = COALESCE(at.campaign_run_id, msg.campaign_run_id)
JOIN campaigns c ON c.id = r.campaign_id
GROUP BY c.organization_id, c.id, r.id, at.attributed_model
`;

const indexesSql = `
CREATE UNIQUE INDEX mv_campaign_performance_run_uidx ON mv_campaign_performance (campaign_run_id);
CREATE INDEX mv_campaign_performance_org_idx ON mv_campaign_performance (organization_id, campaign_id);
CREATE UNIQUE INDEX mv_revenue_by_campaign_run_model_uidx ON mv_revenue_by_campaign (campaign_run_id, attributed_model);
CREATE INDEX mv_revenue_by_campaign_org_idx ON mv_revenue_by_campaign (organization_id, campaign_id);
`;

/** The tenant views: a materialized view's rows of the transaction's organization. */
const tenantViews = {
  kpi_campaign_performance: 'mv_campaign_performance',
  kpi_revenue_by_campaign: 'mv_revenue_by_campaign',
} as const;

function tenantViewsSql(rowLevelSecurity: boolean): string {
  // Without row-level security there is no per-transaction organization to read: the views
  // pass every row and the KPI queries' own organization filter is the only one.
  const where = rowLevelSecurity ? ` WHERE organization_id = ${ORGANIZATION_PER_ROW}` : '';
  return Object.entries(tenantViews)
    .map(([view, source]) => `CREATE VIEW ${view} AS SELECT * FROM ${source}${where};`)
    .join('\n');
}

export function kpiViewsMigration(context: MigrationContext) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await sql`DROP MATERIALIZED VIEW mv_revenue_by_campaign, mv_campaign_performance`.execute(db);
      await sql.raw(campaignPerformanceSql).execute(db);
      await sql.raw(revenueByCampaignSql).execute(db);
      await sql.raw(indexesSql).execute(db);
      await sql.raw(tenantViewsSql(context.rowLevelSecurity)).execute(db);
      await sql`CREATE TABLE materialized_view_refreshes (
        view_name text PRIMARY KEY,
        refreshed_at timestamptz NOT NULL,
        duration_ms integer NOT NULL CHECK (duration_ms >= 0)
      )`.execute(db);
      if (!context.rowLevelSecurity) return;
      // As in 0010: the system role owns (and so refreshes) the views; CREATE on the schema
      // is needed at the moment of the transfer only.
      const owned = [
        'mv_campaign_performance',
        'mv_revenue_by_campaign',
        ...Object.keys(tenantViews),
      ];
      await sql
        .raw(
          `DO $$ BEGIN
             EXECUTE format('GRANT CREATE ON SCHEMA %I TO ${SYSTEM_ROLE}', current_schema());
             ${owned.map((v) => `ALTER ${v.startsWith('mv_') ? 'MATERIALIZED VIEW' : 'VIEW'} ${v} OWNER TO ${SYSTEM_ROLE};`).join('\n')}
             EXECUTE format('REVOKE CREATE ON SCHEMA %I FROM ${SYSTEM_ROLE}', current_schema());
           END $$`,
        )
        .execute(db);
      await sql
        .raw(
          `GRANT SELECT ON ${Object.keys(tenantViews).join(', ')} TO ${APP_ROLE};
           GRANT SELECT ON materialized_view_refreshes TO ${APP_ROLE}, ${SYSTEM_ROLE};`,
        )
        .execute(db);
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await sql
        .raw(
          `DROP TABLE IF EXISTS materialized_view_refreshes;
           DROP VIEW IF EXISTS ${Object.keys(tenantViews).join(', ')};`,
        )
        .execute(db);
      // The replaced materialized views stay: same columns, refunds out of `conversions`.
    },
  };
}
