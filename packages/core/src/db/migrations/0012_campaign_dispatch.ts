/**
 * Migration 0012: the dispatch ledger of campaign runs, and the database's guarantee of
 * one message per (run, customer, channel).
 *
 * `campaign_deliveries` has one row per audience member, created with the snapshot. Its
 * `state` is where the member's message is:
 * - `pending`: to be sent (`not_before` delays a retry);
 * - `claimed`: a worker holds it under a lease (`lease_until`) and is rendering;
 * - `handed`: the message row exists and the provider call is starting. This state is
 *   committed BEFORE the call, so after a crash the ledger knows the outcome is unknown;
 * - `sent`, `failed`, `skipped` (consent withdrawn, cancelled): final;
 * - `unknown`: a crash hit a `handed` message and the provider cannot deduplicate; it is
 *   held for review (`gt.campaigns.unknownOutcomes()`), never resent blindly.
 *
 * `messages_run_customer_channel_uidx` makes a second message for the same recipient of
 * a run impossible, whatever the code does.
 */
import { ORGANIZATION_PER_ROW } from '../row-level-security.js';
import type { MigrationContext } from './context.js';
import { tenantTablesMigration } from './tenant-tables.js';

const up = `
CREATE TABLE campaign_deliveries (
  audience_id uuid PRIMARY KEY REFERENCES campaign_audience(id) ON DELETE CASCADE,
  organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  campaign_run_id uuid NOT NULL REFERENCES campaign_runs(id) ON DELETE CASCADE,
  customer_id uuid NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
  state text NOT NULL DEFAULT 'pending'
    CHECK (state IN ('pending', 'claimed', 'handed', 'sent', 'failed', 'skipped', 'unknown')),
  message_id uuid REFERENCES messages(id) ON DELETE SET NULL,
  attempts int NOT NULL DEFAULT 0,
  not_before timestamptz NOT NULL DEFAULT now(),
  lease_until timestamptz,
  reason text,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX campaign_deliveries_queue_idx
  ON campaign_deliveries (campaign_run_id, state, not_before, audience_id);
CREATE INDEX campaign_deliveries_customer_idx ON campaign_deliveries (organization_id, customer_id);
CREATE UNIQUE INDEX messages_run_customer_channel_uidx
  ON messages (campaign_run_id, customer_id, channel) WHERE campaign_run_id IS NOT NULL;
`;

export function campaignDispatchMigration(context: MigrationContext) {
  return tenantTablesMigration(context, {
    up,
    down: 'DROP INDEX IF EXISTS messages_run_customer_channel_uidx; DROP TABLE IF EXISTS campaign_deliveries',
    tables: { campaign_deliveries: 'organization_id' },
    // As this migration first ran: 0014 moved every policy to the per-statement form.
    organization: ORGANIZATION_PER_ROW,
  });
}
