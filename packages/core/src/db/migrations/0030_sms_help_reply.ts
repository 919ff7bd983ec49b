/**
 * Migration 0030: `organization_settings.sms_help_reply`, the text an organization answers
 * an inbound HELP with (the `sms-keywords` module). NULL means the default, which names the
 * organization and says how to opt out. `organization_settings` is GreenTrack's own table
 * (migration 0005), not a seed table; it already carries row-level security.
 */
import { type Kysely, sql } from 'kysely';

export const smsHelpReplyMigration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await sql`ALTER TABLE organization_settings
      ADD COLUMN sms_help_reply text,
      ADD CONSTRAINT organization_settings_sms_help_reply_check
        CHECK (char_length(sms_help_reply) BETWEEN 1 AND 320)`.execute(db);
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await sql`ALTER TABLE organization_settings DROP COLUMN IF EXISTS sms_help_reply`.execute(db);
  },
};
