/**
 * Migration 0036: `campaign_holdouts`, the share of a campaign's frozen audience held out of
 * sending to measure what the campaign changed (decision 178). `campaigns` is a seed table and
 * gets no new column: a campaign with a holdout has one row here, a campaign without has
 * none. The held-out customers of each run are recorded in `campaign_audience` itself
 * (`included_reason` starting with `holdout`), so this table holds only the setting.
 */
import type { MigrationContext } from './context.js';
import { tenantTablesMigration } from './tenant-tables.js';

const up = `
CREATE TABLE campaign_holdouts (
  campaign_id uuid PRIMARY KEY REFERENCES campaigns(id) ON DELETE CASCADE,
  organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  -- Tenths of a percent at most; 0 is "no row", half the audience is the most that may wait.
  percent numeric(3, 1) NOT NULL CHECK (percent > 0 AND percent <= 50),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX campaign_holdouts_organization_idx ON campaign_holdouts (organization_id);
`;

export function campaignHoldoutsMigration(context: MigrationContext) {
  return tenantTablesMigration(context, {
    up,
    down: 'DROP TABLE IF EXISTS campaign_holdouts',
    tables: { campaign_holdouts: 'organization_id' },
  });
}
