/**
 * Migration 0029: a provider's event is stored once (issue 13, delivery events).
 *
 * The seed's `message_events` is unique on (message_id, type, occurred_at), which catches a
 * provider re-sending an event unchanged. Providers also name each event (SendGrid's
 * `sg_event_id`; a source may build one from its own ids where the provider gives no
 * timestamp of its own), and the delivery-events module keeps that name in
 * `metadata.provider_event_id`. This unique index makes it a second key: an event seen
 * again under its name is dropped by the same `ON CONFLICT DO NOTHING` that applies the
 * seed's key, with no lookup of our own (a lookup on a jsonb expression is not leakproof, so
 * under row-level security it could not use an index; a conflict check always does).
 *
 * Index only: the table, its columns and its policy stay the seed's.
 */
import { type Kysely, sql } from 'kysely';

const up = `
CREATE UNIQUE INDEX message_events_provider_event_uidx
  ON message_events (message_id, (metadata ->> 'provider_event_id'))
  WHERE metadata ? 'provider_event_id';
`;

export const messageEventIdsMigration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await sql.raw(up).execute(db);
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await sql.raw('DROP INDEX IF EXISTS message_events_provider_event_uidx').execute(db);
  },
};
