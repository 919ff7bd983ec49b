/**
 * Migration 0007: indexes for one customer's history — the timeline, export and erase.
 *
 * The seed indexes history tables by organization (or not at all), so "everything about
 * customer X" was a scan of the whole organization's messages, events and attributions.
 *
 * - Timeline branches (`getCustomerTimeline`): one btree per table on
 *   `(customer_id, organization_id, <time the item is placed at>, id)`. Each branch of the
 *   timeline's `UNION ALL` is then a backward index range scan that stops after one page,
 *   however long the customer's history. The messages index is on the same expression the
 *   timeline sorts by, `COALESCE(sent_at, created_at)`.
 * - `customer_id` leads (not `organization_id`): customer ids are unique across
 *   organizations, so it is as selective, and the same index then serves the foreign-key
 *   checks Postgres runs when a customer is deleted (`WHERE customer_id = $1`), which an
 *   index led by `organization_id` cannot. `organization_id` is kept in the key so tenant
 *   queries (which always filter on both) are answered from the index alone.
 * - `payments (organization_id, external_invoice_id)`: payments reach their customer only
 *   through the invoice's `external_invoice_id`; the seed has no index for that join.
 * - `attributions (message_id)`, `attributions (event_id)`: erase deletes messages and
 *   events, and each deleted row makes Postgres look for attributions still pointing at it.
 * - `ga_sessions (customer_id, organization_id)`, `campaign_audience (customer_id)`: export
 *   and erase read these by customer, and deleting a customer checks them (the audience by
 *   cascade). `campaign_audience` has no `organization_id`; it is tenant-scoped by its run.
 *
 * See docs/decisions.md ("Customer timeline") for the EXPLAIN plans these were chosen on.
 */
import { type Kysely, sql } from 'kysely';

/** Index names, for the down migration. */
const timelineIndexNames = [
  'messages_customer_timeline_idx',
  'events_customer_occurred_idx',
  'attributions_customer_created_idx',
  'attributions_message_idx',
  'attributions_event_idx',
  'zeroinvoice_invoices_cache_customer_idx',
  'payments_org_invoice_idx',
  'ga_sessions_customer_idx',
  'campaign_audience_customer_idx',
] as const;

const up = `
CREATE INDEX messages_customer_timeline_idx
  ON messages (customer_id, organization_id, (COALESCE(sent_at, created_at)), id);
CREATE INDEX events_customer_occurred_idx
  ON events (customer_id, organization_id, occurred_at, id);
CREATE INDEX attributions_customer_created_idx
  ON attributions (customer_id, organization_id, created_at, id);
CREATE INDEX attributions_message_idx ON attributions (message_id);
CREATE INDEX attributions_event_idx ON attributions (event_id);
CREATE INDEX zeroinvoice_invoices_cache_customer_idx
  ON zeroinvoice_invoices_cache (customer_id, organization_id, created_at, id);
CREATE INDEX payments_org_invoice_idx ON payments (organization_id, external_invoice_id);
CREATE INDEX ga_sessions_customer_idx ON ga_sessions (customer_id, organization_id);
CREATE INDEX campaign_audience_customer_idx ON campaign_audience (customer_id);
`;

export const timelineIndexesMigration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await sql.raw(up).execute(db);
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await sql.raw(`DROP INDEX IF EXISTS ${timelineIndexNames.join(', ')};`).execute(db);
  },
};
