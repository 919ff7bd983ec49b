/**
 * Migration 0035: what the attribution worker has done, and the indexes attribution reads
 * and writes through.
 *
 * - `attribution_state`: one row per organization — `scanned_until`, the database time up
 *   to which the worker has looked at newly written events. Its row is also the lock that
 *   keeps two workers (or a worker and a recompute) off one organization at a time.
 * - `attribution_examined`: one row per conversion the worker (or a recompute) has
 *   attributed — including those that found no touch, so they are not looked at again.
 *   It goes with its event (`ON DELETE CASCADE`), so erasing a customer's events removes it.
 * - `attributions (event_id, attributed_model, message_id, campaign_run_id) NULLS NOT
 *   DISTINCT`, unique: one credit per conversion, model and touch, whatever two writers do.
 * - `attributions (organization_id, created_at DESC, id DESC)`: the attribution list.
 * - `events (organization_id, created_at) WHERE customer_id IS NOT NULL`: the events written
 *   since the worker last looked (conversions belong to a customer; anonymous events, most
 *   of them, stay out of the index).
 * - `campaigns (organization_id, utm_campaign)` and `campaign_runs (campaign_id, started_at
 *   DESC, id DESC)`: a UTM visit's run (the campaign's latest run started at or before the
 *   visit) is one index probe each; the seed has no index on either, and EXPLAIN of a
 *   recompute showed a scan of every run per tagged visit (decision 177).
 */
import type { MigrationContext } from './context.js';
import { tenantTablesMigration } from './tenant-tables.js';

const up = `
CREATE TABLE attribution_state (
  organization_id uuid PRIMARY KEY REFERENCES organizations(id) ON DELETE CASCADE,
  scanned_until timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE attribution_examined (
  event_id uuid PRIMARY KEY REFERENCES events(id) ON DELETE CASCADE,
  organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  examined_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX attribution_examined_org_idx ON attribution_examined (organization_id);
CREATE UNIQUE INDEX attributions_conversion_touch_uidx
  ON attributions (event_id, attributed_model, message_id, campaign_run_id) NULLS NOT DISTINCT;
CREATE INDEX attributions_org_created_idx ON attributions (organization_id, created_at DESC, id DESC);
CREATE INDEX events_org_created_customer_idx ON events (organization_id, created_at)
  WHERE customer_id IS NOT NULL;
CREATE INDEX campaigns_org_utm_idx ON campaigns (organization_id, utm_campaign)
  WHERE utm_campaign IS NOT NULL;
CREATE INDEX campaign_runs_campaign_started_idx
  ON campaign_runs (campaign_id, started_at DESC, id DESC);
`;

const down = `
DROP INDEX IF EXISTS campaign_runs_campaign_started_idx;
DROP INDEX IF EXISTS campaigns_org_utm_idx;
DROP INDEX IF EXISTS events_org_created_customer_idx;
DROP INDEX IF EXISTS attributions_org_created_idx;
DROP INDEX IF EXISTS attributions_conversion_touch_uidx;
DROP TABLE IF EXISTS attribution_examined;
DROP TABLE IF EXISTS attribution_state;
`;

export function attributionProgressMigration(context: MigrationContext) {
  return tenantTablesMigration(context, {
    up,
    down,
    tables: { attribution_state: 'organization_id', attribution_examined: 'organization_id' },
  });
}
