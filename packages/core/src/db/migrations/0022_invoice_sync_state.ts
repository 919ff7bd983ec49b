/**
 * Migration 0022: `invoice_sync_state`, one row per invoicing integration account — where
 * its next incremental sync resumes (`cursor`, opaque, the source's) and when the worker
 * syncs it next — plus the indexes the sync's set-based merge reads through.
 *
 * - A tenant table with its row-level-security policy from the start. No customer data:
 *   a cursor and times.
 * - `zeroinvoice_invoice_items_cache (invoice_id, position)`: a changed invoice's items are
 *   replaced, and invoice messages read them in order; the seed has no index to find them
 *   by invoice (a sequential scan per page).
 * (Linking invoices to customers by the source's client id reads through 0020's
 * `customers_org_zeroinvoice_idx`.)
 */
import type { MigrationContext } from './context.js';
import { tenantTablesMigration } from './tenant-tables.js';

const up = `
CREATE TABLE invoice_sync_state (
  integration_account_id uuid PRIMARY KEY REFERENCES integration_accounts(id) ON DELETE CASCADE,
  organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  cursor text,
  next_sync_at timestamptz,
  last_synced_at timestamptz,
  last_error text,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX invoice_sync_state_org_idx ON invoice_sync_state (organization_id);
CREATE INDEX invoice_sync_state_due_idx ON invoice_sync_state (next_sync_at);
CREATE INDEX zeroinvoice_invoice_items_cache_invoice_idx
  ON zeroinvoice_invoice_items_cache (invoice_id, position);
`;

const down = `
DROP INDEX IF EXISTS zeroinvoice_invoice_items_cache_invoice_idx;
DROP TABLE IF EXISTS invoice_sync_state;
`;

export function invoiceSyncStateMigration(context: MigrationContext) {
  return tenantTablesMigration(context, {
    up,
    down,
    tables: { invoice_sync_state: 'organization_id' },
  });
}
