/**
 * Row-level security, checked in the database itself: the application role sees and writes
 * only its organization's rows even when a query forgets the filter; the system role sees
 * all; every table that holds tenant data is declared by a module and carries both
 * policies; `rowLevelSecurity: false` migrates without them and still works.
 */

import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  createTestDatabase,
  createTestGreenTrack,
  databaseKind,
  makeOrganization,
} from '../../test/harness.js';
import { withDatabase } from '../../test/target.js';
import { createGreenTrack, type GreenTrack } from '../index.js';
import { tenantTables } from '../modules.js';
import { MIGRATION_TABLE } from './migrator.js';
import { APP_ROLE, SYSTEM_ROLE } from './row-level-security.js';

let gt: GreenTrack;
let cleanup: () => Promise<void>;
let orgA: string;
let orgB: string;

beforeAll(async () => {
  ({ gt, cleanup } = await createTestGreenTrack());
  const a = await makeOrganization(gt, 'A');
  const b = await makeOrganization(gt, 'B');
  orgA = a.organization.id;
  orgB = b.organization.id;
  const ownerA = gt.as({ userId: a.owner.id, organizationId: orgA });
  const ownerB = gt.as({ userId: b.owner.id, organizationId: orgB });
  for (const [org, name] of [
    [ownerA, 'Ada'],
    [ownerB, 'Bea'],
    [ownerB, 'Bob'],
  ] as const) {
    await org.customers.create({
      type: 'customer',
      name,
      email: `${name}@example.com`,
      tags: ['vip'],
    });
  }
});

afterAll(() => cleanup());

describe(`row-level security [${databaseKind}]`, () => {
  it('confines a query without the organization filter to the organization of the transaction', async () => {
    const tenant = gt.database.tenant(orgA);
    // No `where organization_id`: the policy alone decides.
    const customers = await tenant
      .selectFrom('customers')
      .select(['name', 'organization_id'])
      .execute();
    expect(customers).toEqual([{ name: 'Ada', organization_id: orgA }]);
    const tags = await tenant.selectFrom('tags').select('organization_id').execute();
    expect(tags.map((t) => t.organization_id)).toEqual([orgA]);
    // Through the parent: customer_tags has no organization_id of its own.
    const links = await tenant.selectFrom('customer_tags').select('customer_id').execute();
    expect(links).toHaveLength(1);
    const organizations = await tenant.selectFrom('organizations').select('id').execute();
    expect(organizations).toEqual([{ id: orgA }]);

    const who = await sql<{ user: string; org: string }>`
      SELECT current_user AS user, current_setting('greentrack.organization_id') AS org`.execute(
      tenant,
    );
    expect(who.rows).toEqual([{ user: APP_ROLE, org: orgA }]);
  });

  it('refuses writes into another organization and leaves its rows untouched', async () => {
    const tenant = gt.database.tenant(orgA);
    await expect(
      tenant
        .insertInto('customers')
        .values({ organization_id: orgB, type: 'lead', name: 'Mallory' })
        .execute(),
    ).rejects.toThrow(/row-level security/);
    const updated = await tenant
      .updateTable('customers')
      .set({ notes: 'touched' })
      .executeTakeFirst();
    expect(updated.numUpdatedRows).toBe(1n);
    const deleted = await tenant
      .deleteFrom('tags')
      .where('organization_id', '=', orgB)
      .executeTakeFirst();
    expect(deleted.numDeletedRows).toBe(0n);
    // A tag link is written only when its customer AND its tag are the organization's.
    const system = gt.database.system('the test picks rows of both organizations');
    const pick = async (table: 'customers' | 'tags', org: string) =>
      (
        await system
          .selectFrom(table)
          .select('id')
          .where('organization_id', '=', org)
          .executeTakeFirstOrThrow()
      ).id;
    const [aCustomer, aTag, bCustomer, bTag] = await Promise.all([
      pick('customers', orgA),
      pick('tags', orgA),
      pick('customers', orgB),
      pick('tags', orgB),
    ]);
    for (const link of [
      { customer_id: aCustomer, tag_id: bTag },
      { customer_id: bCustomer, tag_id: aTag },
    ]) {
      await expect(tenant.insertInto('customer_tags').values(link).execute()).rejects.toThrow(
        /row-level security/,
      );
    }
    const bNotes = await gt.database.tenant(orgB).selectFrom('customers').select('notes').execute();
    expect(bNotes).toEqual([{ notes: null }, { notes: null }]);
  });

  it('keeps the organization inside its transaction: the next unit of work starts clean', async () => {
    await gt.database.tenant(orgA).selectFrom('customers').select('id').execute();
    const { rows } = await sql<{ org: string | null; user: string }>`
      SELECT current_setting('greentrack.organization_id', true) AS org, current_user AS user`.execute(
      gt.db,
    );
    expect(rows[0]?.org ?? '').toBe('');
    expect(rows[0]?.user).not.toBe(APP_ROLE);
  });

  it('runs tenant work with JIT off, and leaves the setting inside its transaction (decision 121)', async () => {
    const jit = sql<{ jit: string }>`SELECT current_setting('jit') AS jit`;
    const loginBefore = (await jit.execute(gt.db)).rows[0]?.jit;
    expect((await jit.execute(gt.database.tenant(orgA))).rows).toEqual([{ jit: 'off' }]);
    await gt.database
      .tenant(orgA)
      .transaction()
      .execute(async (trx) => {
        expect((await jit.execute(trx)).rows).toEqual([{ jit: 'off' }]);
      });
    // PGlite is one session: a setting that outlived its transaction would show here.
    expect((await jit.execute(gt.db)).rows[0]?.jit).toBe(loginBefore);
  });

  it('sees every organization on the named system path', async () => {
    const system = gt.database.system('the test counts every organization');
    const { count } = await system
      .selectFrom('customers')
      .select((eb) => eb.fn.countAll<string>().as('count'))
      .executeTakeFirstOrThrow();
    expect(Number(count)).toBe(3);
    const who = await sql<{ user: string }>`SELECT current_user AS user`.execute(system);
    expect(who.rows[0]?.user).toBe(SYSTEM_ROLE);
  });

  it('rejects an organization id that is not a UUID before anything is sent', async () => {
    await expect(
      gt.database
        .tenant("x'; DROP TABLE customers; --")
        .selectFrom('customers')
        .select('id')
        .execute(),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('gives every table that holds tenant data both policies, and every such table is declared by a module', async () => {
    const { rows } = await sql<{
      table: string;
      enabled: boolean;
      forced: boolean;
      policies: string[] | null;
    }>`
      SELECT c.relname AS table, c.relrowsecurity AS enabled, c.relforcerowsecurity AS forced,
             (SELECT array_agg(p.polname || ':' || array_to_string(ARRAY(
                       SELECT rolname FROM pg_roles WHERE oid = ANY (p.polroles)), ',')
                     ORDER BY p.polname)
                FROM pg_policy p WHERE p.polrelid = c.oid) AS policies
        FROM pg_class c
       WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p')
       ORDER BY c.relname`.execute(gt.db);
    // Not tenant data: users belong to no one organization; the migration bookkeeping.
    const exempt = new Set([
      'users',
      MIGRATION_TABLE,
      `${MIGRATION_TABLE}_lock`,
      // One row per materialized view for the whole database (0037), no organization.
      'materialized_view_refreshes',
    ]);
    const tables = rows.filter((r) => !exempt.has(r.table));
    expect(tables.map((t) => t.table).sort()).toEqual([...tenantTables].sort());
    for (const table of tables) {
      expect(table, table.table).toMatchObject({
        enabled: true,
        forced: true,
        policies: [`greentrack_system:${SYSTEM_ROLE}`, `greentrack_tenant:${APP_ROLE}`],
      });
    }
  });
});

describe(`rowLevelSecurity: false [${databaseKind}]`, () => {
  it('migrates without roles or policies and works as the login', async () => {
    const database = await createTestDatabase({ migrated: false });
    const plain = await createGreenTrack({ database: database.options, rowLevelSecurity: false });
    try {
      await plain.migrate();
      const { rows } = await sql<{ policies: string }>`
        SELECT count(*)::text AS policies FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid
         WHERE c.relnamespace = current_schema()::regnamespace`.execute(plain.db);
      expect(rows[0]?.policies).toBe('0');
      const { organization, owner } = await makeOrganization(plain, 'Plain');
      const org = plain.as({ userId: owner.id, organizationId: organization.id });
      await org.customers.create({ type: 'lead', name: 'Pat', tags: ['new'] });
      expect((await org.customers.list()).items.map((c) => c.name)).toEqual(['Pat']);
      const who = await sql<{ user: string }>`SELECT current_user AS user`.execute(
        plain.database.tenant(organization.id),
      );
      expect(who.rows[0]?.user).not.toBe(APP_ROLE);
    } finally {
      await plain.close();
      await database.drop();
    }
  });
});

const target = inject('greentrackDatabase');

/**
 * The host most deployments are: a login that owns its database but is no superuser. Only
 * on a Postgres server (PGlite has one user, a superuser).
 */
describe.runIf(target.kind === 'postgres')('a non-superuser login [postgres]', () => {
  it('migrates with CREATEROLE, works through the roles, and its raw connection sees no tenant rows', async () => {
    if (target.kind !== 'postgres') return;
    const suffix = randomBytes(4).toString('hex');
    const login = `gt_login_${suffix}`;
    const database = `${target.databasePrefix}_login_${suffix}`;
    const admin = async (url: string, statement: string) => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(statement);
      } finally {
        await client.end();
      }
    };
    await admin(target.adminUrl, `CREATE ROLE ${login} LOGIN PASSWORD 'pw' CREATEROLE`);
    await admin(target.adminUrl, `CREATE DATABASE ${database} OWNER ${login}`);
    // Extensions need a superuser; a DBA installs them once.
    await admin(
      withDatabase(target.adminUrl, database),
      'CREATE EXTENSION vector; CREATE EXTENSION citext; CREATE EXTENSION pg_trgm',
    );
    const url = new URL(withDatabase(target.adminUrl, database));
    url.username = login;
    url.password = 'pw';
    const host = await createGreenTrack({ database: { url: url.toString(), maxConnections: 2 } });
    try {
      await host.migrate();
      const { organization, owner } = await makeOrganization(host, 'Hosted');
      const org = host.as({ userId: owner.id, organizationId: organization.id });
      await org.customers.create({ type: 'customer', name: 'Hana', tags: ['vip'] });
      expect((await org.customers.list()).items.map((c) => c.name)).toEqual(['Hana']);
      // The login owns the tables, and FORCE binds owners: no policy admits it.
      expect(await host.db.selectFrom('customers').select('id').execute()).toEqual([]);
      expect(
        await host.database
          .tenant(organization.id)
          .selectFrom('customers')
          .select('name')
          .execute(),
      ).toEqual([{ name: 'Hana' }]);
      await host.refreshMaterializedViews({ concurrently: true });
    } finally {
      await host.close();
      await admin(target.adminUrl, `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await admin(target.adminUrl, `DROP ROLE IF EXISTS ${login}`);
    }
  });
});
