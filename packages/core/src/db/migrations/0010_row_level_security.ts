/**
 * Migration 0010: row-level security on every table that holds tenant data (all of them
 * but `users`), the two roles the library works as, and their grants. See
 * `db/row-level-security.ts` for the model and decision 65 for the measurements behind the
 * parent lookups.
 *
 * Skipped entirely when the database is migrated with `rowLevelSecurity: false` (a host
 * whose login cannot create roles). Tables created by later migrations call
 * `protectTenantTables` themselves, under the same condition.
 *
 * Materialized views cannot carry policies: they move to `greentrack_system`, which
 * refreshes them and alone may read them (a tenant read must go through a view or function
 * that filters by organization — the KPI module's job).
 */
import { type Kysely, sql } from 'kysely';
import {
  APP_ROLE,
  createRoles,
  ORGANIZATION_PER_ROW,
  protectTenantTables,
  SYSTEM_ROLE,
  type TenantKey,
  unprotectTenantTables,
} from '../row-level-security.js';
import type { MigrationContext } from './context.js';

/** The tenant tables that exist when this migration runs, and how each names its organization. */
export const seedTenantTables = {
  organizations: 'id',
  memberships: 'organization_id',
  customers: 'organization_id',
  tags: 'organization_id',
  customer_tags: { column: 'customer_id', parent: 'customers', parentKey: 'organization_id' },
  zeroinvoice_invoices_cache: 'organization_id',
  zeroinvoice_invoice_items_cache: {
    column: 'invoice_id',
    parent: 'zeroinvoice_invoices_cache',
    parentKey: 'organization_id',
  },
  payments: 'organization_id',
  templates: 'organization_id',
  segments: 'organization_id',
  campaigns: 'organization_id',
  campaign_runs: { column: 'campaign_id', parent: 'campaigns', parentKey: 'organization_id' },
  campaign_audience: {
    column: 'campaign_run_id',
    parent: 'campaign_runs',
    parentKey: { column: 'campaign_id', parent: 'campaigns', parentKey: 'organization_id' },
  },
  subscriptions: 'organization_id',
  messages: 'organization_id',
  message_events: 'organization_id',
  events: 'organization_id',
  attributions: 'organization_id',
  ga_sessions: 'organization_id',
  integration_accounts: 'organization_id',
  webhooks_inbound: 'organization_id',
  audit_log: 'organization_id',
  organization_settings: 'organization_id',
  embedding_jobs: 'organization_id',
} as const satisfies Record<string, TenantKey>;

const materializedViews = ['mv_campaign_performance', 'mv_revenue_by_campaign'];

export function rowLevelSecurityMigration(context: MigrationContext) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      if (!context.rowLevelSecurity) return;
      await createRoles(db);
      await protectTenantTables(db, seedTenantTables, { organization: ORGANIZATION_PER_ROW });
      // Users are not inside one organization: tenant work reads names and emails of
      // members; creating users is host work.
      await sql.raw(`GRANT SELECT ON users TO ${APP_ROLE}`).execute(db);
      await sql.raw(`GRANT SELECT, INSERT, UPDATE, DELETE ON users TO ${SYSTEM_ROLE}`).execute(db);
      // A new owner needs CREATE on the schema at the moment of the transfer; the grant
      // lives only for the transfer.
      await sql
        .raw(
          `DO $$ BEGIN
             EXECUTE format('GRANT CREATE ON SCHEMA %I TO ${SYSTEM_ROLE}', current_schema());
             ${materializedViews.map((v) => `ALTER MATERIALIZED VIEW ${v} OWNER TO ${SYSTEM_ROLE};`).join('\n')}
             EXECUTE format('REVOKE CREATE ON SCHEMA %I FROM ${SYSTEM_ROLE}', current_schema());
           END $$`,
        )
        .execute(db);
    },
    async down(db: Kysely<unknown>): Promise<void> {
      if (!context.rowLevelSecurity) return;
      for (const view of materializedViews) {
        await sql.raw(`ALTER MATERIALIZED VIEW ${view} OWNER TO CURRENT_USER`).execute(db);
      }
      await sql.raw(`REVOKE ALL ON users FROM ${APP_ROLE}, ${SYSTEM_ROLE}`).execute(db);
      await unprotectTenantTables(db, Object.keys(seedTenantTables));
    },
  };
}
