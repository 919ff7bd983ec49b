/**
 * What the database holds, in forms a test can compare before and after a request: one
 * organization's rows (did a cross-tenant request touch them?) and a fingerprint of every
 * table (did a refused request write anything?). Tables come from the catalog, so a new
 * table is covered — or, if it holds tenant rows without `organization_id`, fails until it
 * is listed in `CHILD_TABLES` below.
 */
import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { Database } from '../src/db/types.js';

/**
 * Tables that hold no tenant's rows: users are global; the rest is bookkeeping (migrations,
 * when the materialized views were refreshed).
 */
const GLOBAL_TABLES = new Set([
  'users',
  'greentrack_migration',
  'greentrack_migration_lock',
  'materialized_view_refreshes',
]);

/** Tenant tables without `organization_id`: how their rows reach one organization. */
const CHILD_TABLES: Record<string, (organizationId: string) => RawBuilder<unknown>> = {
  customer_tags: (org) =>
    sql`customer_id IN (SELECT id FROM customers WHERE organization_id = ${org})`,
  campaign_runs: (org) =>
    sql`campaign_id IN (SELECT id FROM campaigns WHERE organization_id = ${org})`,
  campaign_audience: (org) =>
    sql`campaign_run_id IN (SELECT r.id FROM campaign_runs r JOIN campaigns c ON c.id = r.campaign_id WHERE c.organization_id = ${org})`,
  zeroinvoice_invoice_items_cache: (org) =>
    sql`invoice_id IN (SELECT id FROM zeroinvoice_invoices_cache WHERE organization_id = ${org})`,
};

interface CatalogTable {
  name: string;
  /** The table has an `organization_id` column. */
  tenant: boolean;
  /** `m`: a materialized view (derived; only in fingerprints). */
  kind: string;
}

async function catalog(db: Kysely<Database>): Promise<CatalogTable[]> {
  const { rows } = await sql<CatalogTable>`
    SELECT c.relname AS name, c.relkind AS kind,
           EXISTS (SELECT 1 FROM pg_attribute a
                   WHERE a.attrelid = c.oid AND a.attname = 'organization_id'
                     AND NOT a.attisdropped) AS tenant
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'm')
    ORDER BY c.relname`.execute(db);
  return rows;
}

/**
 * Every row of one organization, by table (each row as its JSON text, sorted). Throws when
 * a table's rows cannot be attributed to an organization, so the dump never silently
 * skips tenant data.
 */
export async function organizationRows(
  db: Kysely<Database>,
  organizationId: string,
): Promise<Record<string, string[]>> {
  const parts: RawBuilder<unknown>[] = [];
  for (const table of await catalog(db)) {
    if (table.kind === 'm' || GLOBAL_TABLES.has(table.name)) continue;
    const where =
      table.name === 'organizations'
        ? sql`id = ${organizationId}`
        : table.tenant
          ? sql`organization_id = ${organizationId}`
          : CHILD_TABLES[table.name]?.(organizationId);
    if (!where)
      throw new Error(
        `table ${table.name} has no organization_id: list it in test/rows.ts (global or child)`,
      );
    parts.push(
      sql`SELECT ${table.name}::text AS t, to_jsonb(x)::text AS r FROM ${sql.table(table.name)} x WHERE ${where}`,
    );
  }
  const { rows } = await sql<{ t: string; r: string }>`
    SELECT t, r FROM (${sql.join(parts, sql` UNION ALL `)}) s ORDER BY t, r`.execute(db);
  const dump: Record<string, string[]> = {};
  for (const row of rows) {
    const table = dump[row.t] ?? [];
    table.push(row.r);
    dump[row.t] = table;
  }
  return dump;
}

/**
 * Count and content hash of every table and materialized view, in one statement: equal
 * fingerprints before and after a request mean it inserted, updated and deleted nothing.
 */
export async function databaseFingerprint(db: Kysely<Database>): Promise<Record<string, string>> {
  const parts = (await catalog(db)).map(
    (table) =>
      sql`SELECT ${table.name}::text AS t, count(*) || ':' || md5(coalesce(string_agg(x::text, ',' ORDER BY x::text), '')) AS f FROM ${sql.table(table.name)} x`,
  );
  const { rows } = await sql<{
    t: string;
    f: string;
  }>`${sql.join(parts, sql` UNION ALL `)}`.execute(db);
  return Object.fromEntries(rows.map((row) => [row.t, row.f]));
}
