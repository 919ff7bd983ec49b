/**
 * Per-test-file databases. Each call gets its own isolated database: a Postgres database
 * cloned from the run's migrated template (~40 ms), or a PGlite loaded from the run's
 * migrated snapshot (~1 s). `migrated: false` gives an empty one, for migration tests.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import pg from 'pg';
import { inject } from 'vitest';
import { startDueCampaigns } from '../src/campaigns/index.js';
import type { DatabaseOptions } from '../src/db/connect.js';
import { createGreenTrack, type GreenTrack, type GreenTrackConfig } from '../src/index.js';
import { withDatabase } from './target.js';

const target = inject('greentrackDatabase');

/** 'postgres' or 'pglite': put it in describe names so a failure says where it failed. */
export const databaseKind = target.kind;

export interface TestDatabase {
  /** Options for `createGreenTrack({ database })` / `connectDatabase`. */
  options: DatabaseOptions;
  /** Drops the database (Postgres); PGlite instances go with their GreenTrack. */
  drop(): Promise<void>;
}

async function adminQuery(sql: string): Promise<void> {
  if (target.kind !== 'postgres') return;
  const client = new pg.Client({ connectionString: target.adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A fresh isolated database, migrated unless `migrated: false`. */
export async function createTestDatabase(
  options: { migrated?: boolean } = {},
): Promise<TestDatabase> {
  const migrated = options.migrated ?? true;
  if (target.kind === 'postgres') {
    const name = `${target.databasePrefix}_${randomBytes(4).toString('hex')}`;
    await adminQuery(
      migrated
        ? `CREATE DATABASE ${name} TEMPLATE ${target.templateDatabase}`
        : `CREATE DATABASE ${name}`,
    );
    return {
      options: { url: withDatabase(target.adminUrl, name), maxConnections: 4 },
      drop: () => adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
    };
  }
  if (!migrated) return { options: { inMemory: true }, drop: async () => {} };
  const snapshot = await readFile(target.snapshotPath);
  return { options: { loadDataDir: new Blob([snapshot]) }, drop: async () => {} };
}

/** A GreenTrack on a fresh migrated database, and a `cleanup` for `afterAll`. */
export async function createTestGreenTrack(
  config: Omit<GreenTrackConfig, 'database'> = {},
): Promise<{ gt: GreenTrack; cleanup: () => Promise<void> }> {
  const database = await createTestDatabase();
  const gt = await createGreenTrack({ ...config, database: database.options });
  return {
    gt,
    cleanup: async () => {
      await gt.close();
      await database.drop();
    },
  };
}

/** Creates a user with a unique email. */
export async function makeUser(gt: GreenTrack, name = 'user') {
  return gt.users.create({ email: `${name}-${randomBytes(4).toString('hex')}@example.com`, name });
}

/** An organization with one user per role: owner, admin, staff. */
export async function makeOrganization(gt: GreenTrack, name = 'Acme') {
  const owner = await makeUser(gt, 'owner');
  const admin = await makeUser(gt, 'admin');
  const staff = await makeUser(gt, 'staff');
  const { organization } = await gt.organizations.create({ name, ownerUserId: owner.id });
  const asOwner = gt.as({ userId: owner.id, organizationId: organization.id });
  await asOwner.memberships.add({ userId: admin.id, role: 'admin' });
  await asOwner.memberships.add({ userId: staff.id, role: 'staff' });
  return { organization, owner, admin, staff };
}

/**
 * Starts the due campaigns as the worker's scheduler does, without sending (a worker tick
 * would dispatch at once and complete them): for tests that need a `running` campaign.
 */
export async function startDueCampaignsOnly(gt: GreenTrack): Promise<void> {
  await startDueCampaigns({ database: gt.database, clock: gt.clock, emit: () => {} });
}
