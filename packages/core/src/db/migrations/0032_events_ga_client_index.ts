/**
 * Migration 0032: `events (organization_id, ga_client_id, occurred_at DESC, customer_id DESC)`
 * for the events that name both a GA client id and a customer.
 *
 * `ga_sessions.customer_id` is the customer of the LATEST event of that GA client id that
 * names one (ties: the larger customer id), so it comes out the same whatever order the
 * events arrive in. The seed's `ga_sessions` has no column for when its customer was seen,
 * so each batch that links a client re-reads that one newest event: with this partial
 * index, one index probe per GA client id instead of a scan of the organization's events.
 * Partial: anonymous events (most of them) never enter it, so ordinary inserts do not pay.
 */
import { type Kysely, sql } from 'kysely';

export const eventsGaClientIndexMigration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await sql`CREATE INDEX events_org_ga_client_customer_idx
      ON events (organization_id, ga_client_id, occurred_at DESC, customer_id DESC)
      WHERE ga_client_id IS NOT NULL AND customer_id IS NOT NULL`.execute(db);
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await sql`DROP INDEX IF EXISTS events_org_ga_client_customer_idx`.execute(db);
  },
};
