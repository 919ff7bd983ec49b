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
  ORGANIZATION_PER_ROW,
  type TenantKey,
} from '../row-level-security.js';
import { seedTenantTables } from './0010_row_level_security.js';
import type { MigrationContext } from './context.js';

/** Every tenant table so far but `customer_tags`, which 0013 reads through its tag. */
const tables: Record<string, TenantKey> = {
  ...Object.fromEntries(
    Object.entries(seedTenantTables).filter(([table]) => table !== 'customer_tags'),
  ),
  outbox_messages: 'organization_id',
  campaign_deliveries: 'organization_id',
};

/** `customer_tags` as 0013 defined it, with `organization` as the current organization. */
function customerTagsPolicy(organization: string): string {
  const tagIsMine = `tag_id IN (SELECT id FROM tags WHERE organization_id = ${organization})`;
  const customerIsMine = `EXISTS (SELECT 1 FROM customers c WHERE c.id = customer_id AND c.organization_id = ${organization})`;
  return `CREATE POLICY greentrack_tenant ON customer_tags TO ${APP_ROLE}
            USING (${tagIsMine}) WITH CHECK (${tagIsMine} AND ${customerIsMine});`;
}

async function replacePolicies(db: Kysely<unknown>, organization: string | undefined) {
  for (const [table, key] of Object.entries(tables)) {
    const mine = belongsToCurrentOrganization(table, key, organization);
    await sql
      .raw(
        `DROP POLICY greentrack_tenant ON ${table};
         CREATE POLICY greentrack_tenant ON ${table} TO ${APP_ROLE} USING (${mine}) WITH CHECK (${mine});`,
      )
      .execute(db);
  }
  const organizationOfTags =
    organization ??
    `(SELECT NULLIF(current_setting('greentrack.organization_id', true), '')::uuid)`;
  await sql
    .raw(
      `DROP POLICY greentrack_tenant ON customer_tags; ${customerTagsPolicy(organizationOfTags)}`,
    )
    .execute(db);
}

export function policiesReadSettingOnceMigration(context: MigrationContext) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      if (context.rowLevelSecurity) await replacePolicies(db, undefined);
    },
    async down(db: Kysely<unknown>): Promise<void> {
      if (context.rowLevelSecurity) await replacePolicies(db, ORGANIZATION_PER_ROW);
    },
  };
}
