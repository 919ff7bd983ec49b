/**
 * Migration 0017: `customer_tags` is read through an ARRAY of its organization's tag ids,
 * computed once per statement, instead of `tag_id IN (…)` (0013, 0014).
 *
 * Measured on the 1M-customer benchmark rule (decision 122): with `IN (SELECT …)` the
 * planner probes a hashed subplan for every link of the table (449k rows, every
 * organization's), and the rule's tags condition had to seq-scan them all — 160 ms for a
 * bare `count(*)` of the table vs 48–68 ms without row-level security. As
 * `tag_id = ANY (ARRAY(SELECT …))` the array is an InitPlan (one evaluation) and the
 * condition an index condition on `customer_tags_tag_idx`: the count takes 54–92 ms, and the
 * rule's tags sub-select becomes a bitmap scan of the two tags' links (118 ms vs 182 ms for
 * the seq scan + hash join the statement gets without policies).
 *
 * Writes still need both parents to be the organization's, as in 0013, so a link can never
 * join one organization's customer to another's tag.
 */
import { type Kysely, sql } from 'kysely';
import { APP_ROLE, ORGANIZATION_ONCE_PER_STATEMENT } from '../row-level-security.js';
import { customerTagsPolicySql } from './0013_customer_tags_policy_via_tags.js';
import type { MigrationContext } from './context.js';

const tagIsMine = `tag_id = ANY (ARRAY(SELECT id FROM tags WHERE organization_id = ${ORGANIZATION_ONCE_PER_STATEMENT}))`;
const customerIsMine = `EXISTS (SELECT 1 FROM customers c WHERE c.id = customer_id AND c.organization_id = ${ORGANIZATION_ONCE_PER_STATEMENT})`;

export function customerTagsPolicyTagArrayMigration(context: MigrationContext) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      if (!context.rowLevelSecurity) return;
      await sql
        .raw(
          `DROP POLICY greentrack_tenant ON customer_tags;
           CREATE POLICY greentrack_tenant ON customer_tags TO ${APP_ROLE}
             USING (${tagIsMine})
             WITH CHECK (${tagIsMine} AND ${customerIsMine});`,
        )
        .execute(db);
    },
    async down(db: Kysely<unknown>): Promise<void> {
      if (!context.rowLevelSecurity) return;
      // Back to 0014's form.
      await sql
        .raw(
          `DROP POLICY greentrack_tenant ON customer_tags; ${customerTagsPolicySql(ORGANIZATION_ONCE_PER_STATEMENT)}`,
        )
        .execute(db);
    },
  };
}
