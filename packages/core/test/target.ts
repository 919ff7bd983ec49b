/**
 * Which database the test run uses, decided once per run by `global-setup.ts` and shared
 * with every test file through Vitest's `provide`/`inject`.
 *
 *   DATABASE_URL set          → that Postgres server
 *   GREENTRACK_TEST_DOCKER=1  → a throwaway `pgvector/pgvector` container (testcontainers)
 *   otherwise                 → embedded PGlite
 */
import pg from 'pg';

export type TestDatabaseTarget =
  | {
      kind: 'postgres';
      /** Where the run's databases are created (maintenance connection). */
      adminUrl: string;
      /** A migrated database every test database is cloned from. */
      templateDatabase: string;
      /** Prefix of every database this run creates, so teardown can drop them. */
      databasePrefix: string;
      /** 'url' or 'docker': how the server was found. */
      source: 'url' | 'docker';
    }
  | {
      kind: 'pglite';
      /** A gzipped data-dir dump of a migrated PGlite, loaded by each test file. */
      snapshotPath: string;
    };

declare module 'vitest' {
  export interface ProvidedContext {
    greentrackDatabase: TestDatabaseTarget;
  }
}

/** Runs one statement on its own connection (CREATE/DROP DATABASE cannot run in a pool's transaction). */
export async function adminStatement(url: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/** Replaces the database name of a Postgres URL. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
