/**
 * Runs once per test run: picks the database (see `target.ts`), migrates one template, and
 * hands its location to the test files. Teardown drops what the run created.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { migrateToLatest } from '../src/db/migrator.js';
import { connectDatabase, DEFAULT_EMBEDDING_DIMENSIONS } from '../src/index.js';
import { type TestDatabaseTarget, withDatabase } from './target.js';

export async function setup(project: TestProject): Promise<() => Promise<void>> {
  const context = { embeddingDimensions: DEFAULT_EMBEDDING_DIMENSIONS, rowLevelSecurity: true };
  let serverUrl = process.env.DATABASE_URL;
  let stopContainer: (() => Promise<unknown>) | undefined;
  let source: 'url' | 'docker' = 'url';

  if (!serverUrl && process.env.GREENTRACK_TEST_DOCKER === '1') {
    // Imported lazily: without Docker nobody should pay for loading testcontainers.
    const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
    const container = await new PostgreSqlContainer('pgvector/pgvector:pg17').start();
    serverUrl = container.getConnectionUri();
    stopContainer = () => container.stop();
    source = 'docker';
  }

  if (serverUrl) {
    const run = `gt_${process.pid}_${randomBytes(3).toString('hex')}`;
    const templateDatabase = `${run}_template`;
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${templateDatabase}`);
    await admin.end();
    const template = await connectDatabase({ url: withDatabase(serverUrl, templateDatabase) });
    await migrateToLatest(template.db, context);
    await template.close();
    const target: TestDatabaseTarget = {
      kind: 'postgres',
      adminUrl: serverUrl,
      templateDatabase,
      databasePrefix: run,
      source,
    };
    project.provide('greentrackDatabase', target);
    console.log(`[greentrack tests] database: Postgres (${source}), template ${templateDatabase}`);
    return async () => {
      const cleanup = new pg.Client({ connectionString: serverUrl });
      await cleanup.connect();
      const { rows } = await cleanup.query<{ datname: string }>(
        'SELECT datname FROM pg_database WHERE datname LIKE $1',
        [`${run}%`],
      );
      for (const { datname } of rows)
        await cleanup.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
      await cleanup.end();
      await stopContainer?.();
    };
  }

  const dir = await mkdtemp(join(tmpdir(), 'greentrack-test-'));
  const snapshotPath = join(dir, 'migrated.tar.gz');
  const connection = await connectDatabase({ inMemory: true });
  await migrateToLatest(connection.db, context);
  if (!connection.pglite) throw new Error('expected an embedded PGlite connection');
  const dump = await connection.pglite.dumpDataDir('gzip');
  await writeFile(snapshotPath, Buffer.from(await dump.arrayBuffer()));
  await connection.close();
  project.provide('greentrackDatabase', { kind: 'pglite', snapshotPath });
  console.log(
    '[greentrack tests] database: embedded PGlite (set DATABASE_URL or GREENTRACK_TEST_DOCKER=1 for Postgres)',
  );
  return () => rm(dir, { recursive: true, force: true });
}
