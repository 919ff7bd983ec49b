/**
 * A GreenTrack on a fresh database for adapter tests that go end to end (a campaign
 * dispatched through an adapter to a local provider server). Same choice as core's harness:
 * a new database on the Postgres server of `DATABASE_URL` when set (the suite's Postgres
 * pass sets it), else an in-memory PGlite.
 */
import { randomBytes } from 'node:crypto';
import { createGreenTrack, type GreenTrack, type GreenTrackConfig } from '@greentrack/core';
import pg from 'pg';

/** 'postgres' or 'pglite': put it in describe names so a failure says where it failed. */
export const databaseKind = process.env.DATABASE_URL ? 'postgres' : 'pglite';

async function adminStatement(url: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/** A migrated GreenTrack and the `cleanup` for `afterAll` (closes it, drops its database). */
export async function createTestGreenTrack(
  config: Omit<GreenTrackConfig, 'database'> = {},
): Promise<{ gt: GreenTrack; cleanup: () => Promise<void> }> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    const gt = await createGreenTrack({ ...config, database: { inMemory: true } });
    await gt.migrate();
    return { gt, cleanup: () => gt.close() };
  }
  const name = `gt_adapters_${randomBytes(4).toString('hex')}`;
  await adminStatement(serverUrl, `CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const gt = await createGreenTrack({
    ...config,
    database: { url: url.toString(), maxConnections: 4 },
  });
  await gt.migrate();
  return {
    gt,
    cleanup: async () => {
      await gt.close();
      await adminStatement(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}
