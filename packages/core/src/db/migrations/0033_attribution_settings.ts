/**
 * Migration 0033: `organization_settings.attribution`, an organization's attribution
 * settings (touch types, lookback windows, time-decay half-life, configured conversion
 * events) as one JSON document read through `attribution/settings.ts`, which fills in the
 * defaults: `{}` means every setting at its default. `organization_settings` is GreenTrack's
 * own table (migration 0005) and already carries row-level security.
 */
import { type Kysely, sql } from 'kysely';

export const attributionSettingsMigration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await sql`ALTER TABLE organization_settings
      ADD COLUMN attribution jsonb NOT NULL DEFAULT '{}'`.execute(db);
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await sql`ALTER TABLE organization_settings DROP COLUMN IF EXISTS attribution`.execute(db);
  },
};
