/**
 * Migration 0025: which messages delivered which invoice (`invoices.send`).
 *
 * A link table rather than a column of `messages`: `messages` is a table of the seed schema
 * (the contract, column for column), and the link is this feature's own fact. One row per
 * message; a message belongs to one invoice. `invoices.send` reads it to answer a repeated
 * send of the same invoice on the same channel with the message already sent (decision D2),
 * through `invoice_messages_invoice_idx`. Deleting the message (or the invoice, or the
 * organization) deletes the link.
 *
 * Also the index the seed lacks on an invoice's lines (`zeroinvoice_invoice_items_cache` has
 * only its primary key): every invoice message reads its invoice's items, and an overdue
 * reminder's batch reads 2,000 invoices' items in one statement. Without it each invoice
 * seq-scanned every line of every organization: 2,000 invoices over 120k lines took 22–47 s
 * on PostgreSQL 15 (decision D4).
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
CREATE INDEX zeroinvoice_invoice_items_cache_invoice_idx
  ON zeroinvoice_invoice_items_cache (invoice_id, position);
`;

export function invoiceMessagesMigration(context: MigrationContext) {
  return tenantTablesMigration(context, {
    up,
    down: 'DROP INDEX IF EXISTS zeroinvoice_invoice_items_cache_invoice_idx; DROP TABLE IF EXISTS invoice_messages',
    tables: { invoice_messages: 'organization_id' },
  });
}
