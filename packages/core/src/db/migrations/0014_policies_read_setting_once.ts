/**
 * Migration 0014: every tenant policy reads the organization setting once per statement.
 *
 * The policies of 0010–0013 compared rows with `NULLIF(current_setting(…), '')::uuid`,
 * evaluated again on every rescan of a correlated subplan: in a rule segment's count over
 * 1M customers, ~300k times. As a scalar sub-select (`(SELECT NULLIF(…)::uuid)`) it is an
 * InitPlan, computed once and still usable as an index condition (decision 81). The
 * policies are replaced (dropped and created again here), never edited in 0010–0013.
 */
import { type Kysely, sql } from 'kysely';
import {
  APP_ROLE,
  belongsToCurrentOrganization,
  ORGANIZATION_ONCE_PER_STATEMENT,
  ORGANIZATION_PER_ROW,
  type TenantKey,
} from '../row-level-security.js';
import { seedTenantTables } from './0010_row_level_security.js';
import { customerTagsPolicySql } from './0013_customer_tags_policy_via_tags.js';
import type { MigrationContext } from './context.js';

/** Every tenant table so far but `customer_tags`, which 0013 reads through its tag. */
const tables: Record<string, TenantKey> = {
  ...Object.fromEntries(
    Object.entries(seedTenantTables).filter(([table]) => table !== 'customer_tags'),
  ),
  outbox_messages: 'organization_id',
  campaign_deliveries: 'organization_id',
};

async function replacePolicies(db: Kysely<unknown>, organization: string) {
  for (const [table, key] of Object.entries(tables)) {
    const mine = belongsToCurrentOrganization(table, key, organization);
    await sql
      .raw(
        `DROP POLICY greentrack_tenant ON ${table};
         CREATE POLICY greentrack_tenant ON ${table} TO ${APP_ROLE} USING (${mine}) WITH CHECK (${mine});`,
      )
      .execute(db);
  }
  await sql
    .raw(`DROP POLICY greentrack_tenant ON customer_tags; ${customerTagsPolicySql(organization)}`)
    .execute(db);
}

export function policiesReadSettingOnceMigration(context: MigrationContext) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      if (context.rowLevelSecurity) await replacePolicies(db, ORGANIZATION_ONCE_PER_STATEMENT);
    },
    async down(db: Kysely<unknown>): Promise<void> {
      if (context.rowLevelSecurity) await replacePolicies(db, ORGANIZATION_PER_ROW);
    },
  };
}
