/**
 * Migration 0011: `outbox_messages`, the table of the built-in `outbox` messaging provider
 * (`messaging/outbox.ts`): every message "sent" through it, as it would have left.
 *
 * - `idempotency_key` is our message id when the outbox runs idempotent (the default), NULL
 *   otherwise. The unique index then makes a repeated send of one message deliver nothing
 *   new, like a provider with idempotency keys; NULLs never conflict, so a non-idempotent
 *   outbox records every call, and duplicates stay visible (the crash tests count them).
 * - `message_id` always holds our id, indexed for lookups and erase.
 * - A tenant table with its row-level-security policy from the start.
 */
import { ORGANIZATION_PER_ROW } from '../row-level-security.js';
import type { MigrationContext } from './context.js';
import { tenantTablesMigration } from './tenant-tables.js';

const up = `
CREATE TABLE outbox_messages (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  message_id uuid NOT NULL,
  idempotency_key uuid,
  channel text NOT NULL CHECK (channel IN ('email', 'sms')),
  recipient text NOT NULL,
  sender text,
  subject text,
  body text NOT NULL,
  text_body text,
  headers jsonb NOT NULL DEFAULT '{}',
  campaign_run_id uuid,
  sent_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX outbox_messages_idempotency_idx ON outbox_messages (organization_id, idempotency_key);
CREATE INDEX outbox_messages_message_idx ON outbox_messages (organization_id, message_id);
CREATE INDEX outbox_messages_sent_idx ON outbox_messages (organization_id, sent_at DESC, id DESC);
`;

export function outboxMigration(context: MigrationContext) {
  return tenantTablesMigration(context, {
    up,
    down: 'DROP TABLE IF EXISTS outbox_messages',
    tables: { outbox_messages: 'organization_id' },
    // As this migration first ran: 0014 moved every policy to the per-statement form.
    organization: ORGANIZATION_PER_ROW,
  });
}
