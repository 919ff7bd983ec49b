/**
 * Migration 0028: what the webhooks module keeps beside the seed's `webhooks_inbound`.
 *
 * - `webhook_receipts`: one row per stored webhook, written in the same transaction: the
 *   integration account it came in through (its handlers need it on every reprocess, and
 *   the seed's table has no column for it), how many provider events it carries (small
 *   ones are processed inline, big ones by the worker) and how often processing ran.
 * - `webhook_verification_failures`: per integration account, how many requests failed
 *   verification (nothing else of theirs is stored), the last reason and when.
 * - Indexes on `webhooks_inbound` (declared as extras by the schema-parity test): an
 *   organization's rows newest first (the list's keyset), the pending rows the worker
 *   claims, and the processed rows retention deletes, oldest first.
 *
 * Both new tables are tenant tables with their row-level-security policy from the start;
 * neither holds customer data (ids, counts, a reason code).
 */
import type { MigrationContext } from './context.js';
import { tenantTablesMigration } from './tenant-tables.js';

const up = `
CREATE TABLE webhook_receipts (
  webhook_id uuid PRIMARY KEY REFERENCES webhooks_inbound(id) ON DELETE CASCADE,
  organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  integration_account_id uuid NOT NULL,
  event_count int NOT NULL CHECK (event_count >= 0),
  attempts int NOT NULL DEFAULT 0
);
CREATE INDEX webhook_receipts_org_idx ON webhook_receipts (organization_id);

CREATE TABLE webhook_verification_failures (
  integration_account_id uuid PRIMARY KEY REFERENCES integration_accounts(id) ON DELETE CASCADE,
  organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  failures int NOT NULL DEFAULT 0,
  last_reason text NOT NULL,
  last_failed_at timestamptz NOT NULL
);
CREATE INDEX webhook_verification_failures_org_idx ON webhook_verification_failures (organization_id);

CREATE INDEX webhooks_inbound_org_received_idx ON webhooks_inbound (organization_id, received_at DESC, id DESC);
CREATE INDEX webhooks_inbound_pending_idx ON webhooks_inbound (received_at) WHERE status = 'pending';
CREATE INDEX webhooks_inbound_processed_idx ON webhooks_inbound (received_at) WHERE status = 'processed';
`;

const down = `
DROP INDEX IF EXISTS webhooks_inbound_processed_idx;
DROP INDEX IF EXISTS webhooks_inbound_pending_idx;
DROP INDEX IF EXISTS webhooks_inbound_org_received_idx;
DROP TABLE IF EXISTS webhook_verification_failures;
DROP TABLE IF EXISTS webhook_receipts;
`;

export function webhooksMigration(context: MigrationContext) {
  return tenantTablesMigration(context, {
    up,
    down,
    tables: {
      webhook_receipts: 'organization_id',
      webhook_verification_failures: 'organization_id',
    },
  });
}
