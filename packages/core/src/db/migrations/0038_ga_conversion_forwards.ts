/**
 * Migration 0038: `ga_conversion_forwards`, the forwarding state of each conversion sent (or
 * to be sent) to an organization's Google Analytics property (`ga-forwarding/`): one row per
 * (GA integration account, conversion event) — so a conversion is sent at most once per
 * property — with its state, attempts, next attempt, last error and the client id it went
 * out with.
 *
 * - A tenant table with its row-level-security policy from the start, and customer data
 *   (a conversion of a customer and their GA client id): registered by the module, erased
 *   with the customer. Both foreign keys cascade, so deleting the event or the account
 *   (disconnecting GA) drops its rows.
 * - `…_due_idx` is partial: the worker only ever looks for pending rows that are due, and
 *   sent rows (nearly all of them, in time) stay out of it.
 */
import type { MigrationContext } from './context.js';
import { tenantTablesMigration } from './tenant-tables.js';

const up = `
CREATE TABLE ga_conversion_forwards (
  integration_account_id uuid NOT NULL REFERENCES integration_accounts(id) ON DELETE CASCADE,
  event_id uuid NOT NULL REFERENCES events(id) ON DELETE CASCADE,
  organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  customer_id uuid NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
  occurred_at timestamptz NOT NULL,
  status text NOT NULL DEFAULT 'pending'
    CHECK (status IN ('pending', 'sent', 'failed', 'skipped')),
  reason text,
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL,
  last_error text,
  client_id text,
  sent_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (integration_account_id, event_id)
);
CREATE INDEX ga_conversion_forwards_due_idx
  ON ga_conversion_forwards (integration_account_id, next_attempt_at) WHERE status = 'pending';
CREATE INDEX ga_conversion_forwards_org_status_idx
  ON ga_conversion_forwards (organization_id, status, updated_at DESC);
CREATE INDEX ga_conversion_forwards_event_idx ON ga_conversion_forwards (event_id);
CREATE INDEX ga_conversion_forwards_customer_idx ON ga_conversion_forwards (customer_id);
`;

const down = `DROP TABLE IF EXISTS ga_conversion_forwards;`;

export function gaConversionForwardsMigration(context: MigrationContext) {
  return tenantTablesMigration(context, {
    up,
    down,
    tables: { ga_conversion_forwards: 'organization_id' },
  });
}
