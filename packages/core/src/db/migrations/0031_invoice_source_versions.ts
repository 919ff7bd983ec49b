/**
 * Migration 0031: `invoice_source_versions`, the newest state of an invoice its source has
 * reported by webhook, and when.
 *
 * Webhooks arrive late, twice and out of order. To keep an older invoice state from
 * overwriting a newer one, the invoice handler compares the source's time of an incoming
 * state with the one it last wrote; and because the cached amount due is the source's
 * minus the payments recorded after that time, the source's own amount due and status are
 * kept beside it (the cache row's are moved by payments). A table of its own, one row per
 * invoice, because the seed's tables stay exactly the seed. A tenant table with its
 * row-level-security policy from the start; registered as customer data (it reaches a
 * customer through its invoice) though it holds none of its own, and it goes with its invoice.
 */
import type { MigrationContext } from './context.js';
import { tenantTablesMigration } from './tenant-tables.js';

const up = `
CREATE TABLE invoice_source_versions (
  invoice_id uuid PRIMARY KEY REFERENCES zeroinvoice_invoices_cache(id) ON DELETE CASCADE,
  organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  source_updated_at timestamptz NOT NULL,
  status text NOT NULL CHECK (status IN ('draft', 'sent', 'paid', 'overdue', 'void')),
  amount_due_cents int NOT NULL,
  state_hash text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX invoice_source_versions_org_idx ON invoice_source_versions (organization_id);
`;

export function invoiceSourceVersionsMigration(context: MigrationContext) {
  return tenantTablesMigration(context, {
    up,
    down: 'DROP TABLE IF EXISTS invoice_source_versions',
    tables: { invoice_source_versions: 'organization_id' },
  });
}
