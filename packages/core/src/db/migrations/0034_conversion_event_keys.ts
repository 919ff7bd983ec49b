/**
 * Migration 0034: the keys that make each conversion GreenTrack writes from money one
 * `events` row at most (decision 181).
 *
 * - a payment or a refund: one `payment_received` / `payment_refunded` event per
 *   `properties.payment_id` (the `payments` row);
 * - an invoice: one `invoice_paid` event per `properties.invoice_id`, ever.
 *
 * Writers insert with `ON CONFLICT` on exactly these expressions and predicates, so a webhook
 * delivered twice, a sync page read again or a catch-up pass run twice adds nothing. Partial:
 * the other events (page views, the organization's own) never enter them, so ordinary
 * inserts do not pay. `events` is a seed table: indexes only, no new column.
 */
import { type Kysely, sql } from 'kysely';

export const conversionEventKeysMigration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await sql`CREATE UNIQUE INDEX events_payment_conversion_uidx
      ON events (organization_id, name, (properties ->> 'payment_id'))
      WHERE name IN ('payment_received', 'payment_refunded')`.execute(db);
    await sql`CREATE UNIQUE INDEX events_invoice_paid_uidx
      ON events (organization_id, (properties ->> 'invoice_id'))
      WHERE name = 'invoice_paid'`.execute(db);
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await sql`DROP INDEX IF EXISTS events_invoice_paid_uidx`.execute(db);
    await sql`DROP INDEX IF EXISTS events_payment_conversion_uidx`.execute(db);
  },
};
