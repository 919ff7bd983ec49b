/**
 * Migration 0018: the organization's choice and order of message providers per channel
 * (`organization_settings.email_providers` / `sms_providers`), for failover.
 *
 * Each holds ids of providers the host configured (`providers` in `createGreenTrack`), in
 * the order the organization wants them tried; NULL (the default, and a missing row) means
 * the host's order. The ids are checked against the running configuration by the service:
 * the database cannot know it, and a provider the host later removes is skipped at send
 * time rather than breaking the row. The CHECK keeps a list non-empty and short.
 */
import { type Kysely, sql } from 'kysely';

const column = (channel: 'email' | 'sms') => `
  ADD COLUMN ${channel}_providers text[],
  ADD CONSTRAINT organization_settings_${channel}_providers_check CHECK (
    cardinality(${channel}_providers) BETWEEN 1 AND 10
  )`;

const up = `ALTER TABLE organization_settings ${column('email')}, ${column('sms')};`;

const down = `
ALTER TABLE organization_settings
  DROP COLUMN IF EXISTS email_providers,
  DROP COLUMN IF EXISTS sms_providers;
`;

export const organizationProvidersMigration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await sql.raw(up).execute(db);
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await sql.raw(down).execute(db);
  },
};
