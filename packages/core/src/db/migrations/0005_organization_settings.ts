/**
 * Migration 0005: per-organization settings, starting with the consent policy.
 *
 * - `organization_settings`: one row per organization, keyed by `organization_id` (so it
 *   co-locates with the rest of the tenant's rows under Citus). A missing row means "all
 *   defaults"; settings are typed columns rather than one free-form JSON bag, so the
 *   database itself refuses a malformed value.
 * - `consent_policy` holds, per channel, `opt_in` (send only to customers who subscribed)
 *   or `opt_out` (send unless they unsubscribed, bounced or complained). Both keys are
 *   always present: the CHECK rejects a partial or misspelled document. Defaults: email
 *   opt-out, SMS opt-in (docs/decisions.md, "Consent").
 * - `subscriptions (organization_id, channel, status, customer_id)`: the audience snapshot
 *   asks "which customers of this organization are subscribed / have any status on this
 *   channel" once per run (`consentAllowsSql`); this index answers it as an index-only
 *   scan. The seed's UNIQUE (organization_id, customer_id, channel) serves per-customer
 *   lookups and the upsert.
 */
import { type Kysely, sql } from 'kysely';

const up = `
CREATE TABLE organization_settings (
  organization_id uuid PRIMARY KEY REFERENCES organizations(id) ON DELETE CASCADE,
  consent_policy jsonb NOT NULL DEFAULT '{"email":"opt_out","sms":"opt_in"}',
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT organization_settings_consent_policy_check CHECK (
    jsonb_typeof(consent_policy) = 'object'
    AND coalesce(consent_policy->>'email', '') IN ('opt_in', 'opt_out')
    AND coalesce(consent_policy->>'sms', '') IN ('opt_in', 'opt_out')
  )
);

CREATE INDEX subscriptions_org_channel_status_idx
  ON subscriptions (organization_id, channel, status, customer_id);
`;

export const organizationSettingsMigration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await sql.raw(up).execute(db);
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await sql
      .raw(
        `DROP INDEX IF EXISTS subscriptions_org_channel_status_idx;
         DROP TABLE IF EXISTS organization_settings;`,
      )
      .execute(db);
  },
};
