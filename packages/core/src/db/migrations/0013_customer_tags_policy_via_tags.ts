/**
 * Migration 0013: `customer_tags` is read through its TAG's organization, written only
 * when both its customer and its tag are the organization's.
 *
 * Migration 0010 confined `customer_tags` through its customer: a correlated lookup of
 * `customers` per row. Measured with `pnpm bench segments.rules` (1M customers, Postgres),
 * that lookup kept the planner from hashing a rule's tags `EXISTS` once per statement.
 * The subplan then ran per candidate customer (108k loops, each with a nested customers
 * probe), and `segments.count` was 29 % slower with RLS than without (2,461 vs 1,910 ms;
 * decision 80). An organization has few tags, so `tag_id IN (its tags)` becomes one small
 * hashed subplan per statement.
 *
 * Reading through the tag alone holds because every write must pass the stricter
 * `WITH CHECK`: the customer AND the tag belong to the organization. A link can therefore
 * never join one organization's customer to another's tag.
 */
import { type Kysely, sql } from 'kysely';
import {
  APP_ROLE,
  belongsToCurrentOrganization,
  ORGANIZATION_PER_ROW,
} from '../row-level-security.js';
import type { MigrationContext } from './context.js';

/**
 * The tenant policy of `customer_tags` with `organization` as the current organization:
 * read through the tag, written only when customer and tag are both the organization's.
 */
export function customerTagsPolicySql(organization: string): string {
  const tagIsMine = `tag_id IN (SELECT id FROM tags WHERE organization_id = ${organization})`;
  const customerIsMine = `EXISTS (SELECT 1 FROM customers c WHERE c.id = customer_id AND c.organization_id = ${organization})`;
  return `CREATE POLICY greentrack_tenant ON customer_tags TO ${APP_ROLE}
             USING (${tagIsMine})
             WITH CHECK (${tagIsMine} AND ${customerIsMine});`;
}

/** 0010's policy: through the customer. */
const throughCustomer = `CREATE POLICY greentrack_tenant ON customer_tags TO ${APP_ROLE}
             USING (${belongsToCurrentOrganization('customer_tags', { column: 'customer_id', parent: 'customers', parentKey: 'organization_id' }, ORGANIZATION_PER_ROW)})
             WITH CHECK (${belongsToCurrentOrganization('customer_tags', { column: 'customer_id', parent: 'customers', parentKey: 'organization_id' }, ORGANIZATION_PER_ROW)});`;

export function customerTagsPolicyMigration(context: MigrationContext) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      if (!context.rowLevelSecurity) return;
      await sql
        .raw(
          `DROP POLICY greentrack_tenant ON customer_tags; ${customerTagsPolicySql(ORGANIZATION_PER_ROW)}`,
        )
        .execute(db);
    },
    async down(db: Kysely<unknown>): Promise<void> {
      if (!context.rowLevelSecurity) return;
      await sql
        .raw(`DROP POLICY greentrack_tenant ON customer_tags; ${throughCustomer}`)
        .execute(db);
    },
  };
}
