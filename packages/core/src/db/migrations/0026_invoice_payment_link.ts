/**
 * Migration 0026: `invoice_payment_links`, what an invoice's payment link was made for.
 *
 * The seed keeps the link's URL (`zeroinvoice_invoices_cache.stripe_payment_link`). To hand
 * it out again only while it still asks for the right amount, the payment-links module also
 * records the provider's id of the link and the amount and currency it charges: when the
 * invoice's amount due changes (a partial payment, a sync), the stored link no longer
 * matches and a new one is made. A table of its own, one row per invoice, because the seed's
 * tables stay exactly the seed (the schema-parity conformance test). A tenant table with its
 * row-level-security policy from the start; no customer data of its own (an id, an amount,
 * a URL the invoice row holds too), and it goes with its invoice.
 */
import type { MigrationContext } from './context.js';
import { tenantTablesMigration } from './tenant-tables.js';

const up = `
CREATE TABLE invoice_payment_links (
  invoice_id uuid PRIMARY KEY REFERENCES zeroinvoice_invoices_cache(id) ON DELETE CASCADE,
  organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  provider text NOT NULL,
  provider_link_id text NOT NULL,
  url text NOT NULL,
  amount_cents int NOT NULL CHECK (amount_cents > 0),
  currency text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX invoice_payment_links_org_idx ON invoice_payment_links (organization_id);
`;

export function invoicePaymentLinkMigration(context: MigrationContext) {
  return tenantTablesMigration(context, {
    up,
    down: 'DROP TABLE IF EXISTS invoice_payment_links',
    tables: { invoice_payment_links: 'organization_id' },
  });
}
