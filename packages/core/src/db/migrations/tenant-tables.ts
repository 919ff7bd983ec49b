/**
 * A migration that creates tenant tables and, on a database with row-level security, gives
 * them their policies in the same step (`protectTenantTables`).
 */
import { type Kysely, sql } from 'kysely';
import {
  protectTenantTables,
  type TenantKey,
  unprotectTenantTables,
} from '../row-level-security.js';
import type { MigrationContext } from './context.js';

export function tenantTablesMigration(
  context: MigrationContext,
  spec: {
    /** DDL creating the tables (and their indexes). */
    up: string;
    /** DDL undoing `up`. */
    down: string;
    tables: Readonly<Record<string, TenantKey>>;
    /** The policies' current-organization expression (see `row-level-security.ts`). */
    organization?: string;
  },
) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await sql.raw(spec.up).execute(db);
      if (context.rowLevelSecurity) {
        await protectTenantTables(
          db,
          spec.tables,
          spec.organization === undefined ? {} : { organization: spec.organization },
        );
      }
    },
    async down(db: Kysely<unknown>): Promise<void> {
      if (context.rowLevelSecurity) await unprotectTenantTables(db, Object.keys(spec.tables));
      await sql.raw(spec.down).execute(db);
    },
  };
}
