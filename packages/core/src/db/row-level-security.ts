/**
 * Row-level security: the roles GreenTrack's work runs as, and the policies that confine a
 * tenant table to the organization of the current transaction.
 *
 * - `greentrack_app` does tenant work. Its policy on each tenant table admits the rows of
 *   the organization named by the transaction-local setting `greentrack.organization_id`,
 *   for reading and for writing, and nothing when the setting is empty.
 * - `greentrack_system` does host work that spans organizations (the embedding worker,
 *   re-embedding, key rotation, creating organizations, refreshing the dashboards). Its
 *   policy admits every row while the role is in effect; code reaches it only through
 *   `DatabaseAccess.system(why)`.
 * - The login that connects and migrates owns the tables. `FORCE ROW LEVEL SECURITY` makes
 *   the policies bind it too: a query on the raw login connection sees no tenant row unless
 *   the login is a superuser (or has BYPASSRLS).
 *
 * Both roles are NOLOGIN and hold no attribute: the login switches to one with a
 * transaction-local `SET ROLE` (see `access.ts`). Migrations add the policy of every new
 * tenant table with `protectTenantTables`, in the migration that creates the table.
 */
import { type Kysely, sql } from 'kysely';

/** The role tenant work runs as. */
export const APP_ROLE = 'greentrack_app';
/** The role cross-organization host work runs as. */
export const SYSTEM_ROLE = 'greentrack_system';
/** The transaction-local setting that names the organization of the current work. */
export const ORGANIZATION_SETTING = 'greentrack.organization_id';

/**
 * True only while the role actually is `greentrack_system`. A policy applies to its role's
 * members too, and the login is a member (so it can switch): `USING (true)` would let the
 * raw login connection see everything.
 */
const actingAsSystem = `current_user = '${SYSTEM_ROLE}'`;

/**
 * The organization of the current transaction; NULL (no row matches) when unset.
 *
 * Wrapped in a scalar sub-select, the setting is read once per statement (an InitPlan)
 * instead of once per row or per rescan of a correlated subplan (decision 81). Migrations
 * 0010–0013 wrote their policies with {@link ORGANIZATION_PER_ROW}; 0014 replaced them.
 */
export const ORGANIZATION_ONCE_PER_STATEMENT = `(SELECT NULLIF(current_setting('${ORGANIZATION_SETTING}', true), '')::uuid)`;

/** The expression of migrations 0010–0013's policies, kept so they stay as they ran. */
export const ORGANIZATION_PER_ROW = `NULLIF(current_setting('${ORGANIZATION_SETTING}', true), '')::uuid`;

/**
 * How a tenant table's rows name their organization: its own `organization_id` column
 * (`'organization_id'`), its `id` (the `organizations` table), or a parent row reached by a
 * foreign key (tables without the column: `customer_tags` through `customers`, …).
 */
export type TenantKey =
  | 'organization_id'
  | 'id'
  | {
      /** The referencing column of this table. */
      column: string;
      /** The parent table, itself a tenant table. */
      parent: string;
      /** How the parent names its organization. */
      parentKey: TenantKey;
    };

/** The SQL condition "this row of `table` belongs to the current organization". */
export function belongsToCurrentOrganization(
  table: string,
  key: TenantKey,
  organization: string = ORGANIZATION_ONCE_PER_STATEMENT,
): string {
  if (key === 'organization_id') return `${table}.organization_id = ${organization}`;
  if (key === 'id') return `${table}.id = ${organization}`;
  // The parent's own policy would filter the subquery too; spelling the condition out
  // keeps the plan an index probe on the parent's primary key.
  const parent = `${key.parent}_of_${table}`;
  return `EXISTS (SELECT 1 FROM ${key.parent} ${parent} WHERE ${parent}.id = ${table}.${key.column} AND ${belongsToCurrentOrganization(parent, key.parentKey, organization)})`;
}

/**
 * Creates the two roles (once per cluster) and lets the migrating login switch to them.
 * Roles a DBA created and granted beforehand are used as they are, so a login without
 * `CREATEROLE` can migrate too.
 */
export async function createRoles(db: Kysely<unknown>): Promise<void> {
  for (const role of [APP_ROLE, SYSTEM_ROLE]) {
    // Roles are cluster-wide: another database (or a concurrent migration) may have made it.
    await sql
      .raw(
        `DO $$ BEGIN
           IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${role}') THEN
             BEGIN
               CREATE ROLE ${role} NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
             EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
             END;
           END IF;
           IF NOT pg_has_role(current_user, '${role}', 'MEMBER') THEN
             GRANT ${role} TO CURRENT_USER;
           END IF;
         END $$`,
      )
      .execute(db);
  }
  await sql
    .raw(
      `DO $$ BEGIN
         EXECUTE format('GRANT USAGE ON SCHEMA %I TO ${APP_ROLE}, ${SYSTEM_ROLE}', current_schema());
       END $$`,
    )
    .execute(db);
}

/**
 * Turns row-level security on for tenant tables: `ENABLE` + `FORCE`, the app role's policy
 * (its organization's rows only) and the system role's (every row), and the table grants
 * both roles need. Call it from the migration that creates the tables.
 */
export async function protectTenantTables(
  db: Kysely<unknown>,
  tables: Readonly<Record<string, TenantKey>>,
  options: { organization?: string } = {},
): Promise<void> {
  for (const [table, key] of Object.entries(tables)) {
    const mine = belongsToCurrentOrganization(table, key, options.organization);
    await sql
      .raw(
        `ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY;
         ALTER TABLE ${table} FORCE ROW LEVEL SECURITY;
         CREATE POLICY greentrack_tenant ON ${table} TO ${APP_ROLE} USING (${mine}) WITH CHECK (${mine});
         CREATE POLICY greentrack_system ON ${table} TO ${SYSTEM_ROLE} USING (${actingAsSystem}) WITH CHECK (${actingAsSystem});
         GRANT SELECT, INSERT, UPDATE, DELETE ON ${table} TO ${APP_ROLE}, ${SYSTEM_ROLE};`,
      )
      .execute(db);
  }
}

/** Undoes `protectTenantTables` (a migration's `down`). */
export async function unprotectTenantTables(
  db: Kysely<unknown>,
  tables: readonly string[],
): Promise<void> {
  for (const table of tables) {
    await sql
      .raw(
        `DROP POLICY IF EXISTS greentrack_tenant ON ${table};
         DROP POLICY IF EXISTS greentrack_system ON ${table};
         ALTER TABLE ${table} NO FORCE ROW LEVEL SECURITY;
         ALTER TABLE ${table} DISABLE ROW LEVEL SECURITY;
         REVOKE ALL ON ${table} FROM ${APP_ROLE}, ${SYSTEM_ROLE};`,
      )
      .execute(db);
  }
}
