/**
 * Migration 0025: which messages delivered which invoice (`invoices.send`).
 *
 * A link table rather than a column of `messages`: `messages` is a table of the seed schema
 * (the contract, column for column), and the link is this feature's own fact. One row per
 * message; a message belongs to one invoice. `invoices.send` reads it to answer a repeated
 * send of the same invoice on the same channel with the message already sent (decision 139),
 * through `invoice_messages_invoice_idx`. Deleting the message (or the invoice, or the
 * organization) deletes the link.
 *
 * Invoice messages and reminders read their invoice's items through 0022's
 * `zeroinvoice_invoice_items_cache_invoice_idx` (without it, 2,000 invoices over 120k lines
 * took 22–47 s on PostgreSQL 15; decision 141).
 */
import type { MigrationContext } from './context.js';
import { tenantTablesMigration } from './tenant-tables.js';

const up = `
CREATE TABLE invoice_messages (
  message_id uuid PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
  organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  invoice_id uuid NOT NULL REFERENCES zeroinvoice_invoices_cache(id) ON DELETE CASCADE,
  channel text NOT NULL CHECK (channel IN ('email', 'sms')),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX invoice_messages_invoice_idx ON invoice_messages (organization_id, invoice_id, channel);
`;

export function invoiceMessagesMigration(context: MigrationContext) {
  return tenantTablesMigration(context, {
    up,
    down: 'DROP TABLE IF EXISTS invoice_messages',
    tables: { invoice_messages: 'organization_id' },
  });
}
