/**
 * Migration 0016: the organization's time zone and frequency caps, as typed columns of
 * `organization_settings` (migration 0005; a missing row still means "all defaults").
 *
 * - `time_zone`: an IANA name, default `UTC`. The service checks it against the runtime's
 *   time-zone database (`Intl`); the CHECK only refuses what cannot be a zone name, since
 *   Postgres and Node ship their own tz databases and a name new to one may be unknown to
 *   the other — the dispatcher computes local times in Node, never in SQL.
 * - `frequency_cap_<channel>_messages` / `_days`: at most N messages per customer on the
 *   channel in a rolling window of D days; both NULL means no cap. Set together or not at
 *   all (the CHECK), within 1–1000 messages and 1–365 days.
 * - `messages_customer_sent_idx`: the cap counts a customer's SENT messages of a channel in
 *   the window, per customer, both in the audience snapshot (one correlated count per
 *   candidate) and at send time; this partial index answers each count from the index.
 */
import { type Kysely, sql } from 'kysely';

const cap = (channel: 'email' | 'sms') => `
  ADD COLUMN frequency_cap_${channel}_messages int,
  ADD COLUMN frequency_cap_${channel}_days int,
  ADD CONSTRAINT organization_settings_frequency_cap_${channel}_check CHECK (
    (frequency_cap_${channel}_messages IS NULL) = (frequency_cap_${channel}_days IS NULL)
    AND frequency_cap_${channel}_messages BETWEEN 1 AND 1000
    AND frequency_cap_${channel}_days BETWEEN 1 AND 365
  )`;

const up = `
ALTER TABLE organization_settings
  ADD COLUMN time_zone text NOT NULL DEFAULT 'UTC',
  ADD CONSTRAINT organization_settings_time_zone_check CHECK (
    length(time_zone) <= 64 AND time_zone ~ '^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+){0,2}$'
  ),
  ${cap('email')},
  ${cap('sms')};

CREATE INDEX messages_customer_sent_idx
  ON messages (customer_id, channel, sent_at) WHERE sent_at IS NOT NULL;
`;

const down = `
DROP INDEX IF EXISTS messages_customer_sent_idx;
ALTER TABLE organization_settings
  DROP COLUMN IF EXISTS time_zone,
  DROP COLUMN IF EXISTS frequency_cap_email_messages,
  DROP COLUMN IF EXISTS frequency_cap_email_days,
  DROP COLUMN IF EXISTS frequency_cap_sms_messages,
  DROP COLUMN IF EXISTS frequency_cap_sms_days;
`;

export const sendingSettingsMigration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await sql.raw(up).execute(db);
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await sql.raw(down).execute(db);
  },
};
