/**
 * A connection the server drops while it sits idle in GreenTrack's pool must not crash the
 * host: `pg` reports it as an `error` event on the pool, which the pool GreenTrack opens
 * listens to (`connect.ts`), and the next query simply opens a new connection.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/harness.js';
import { connectDatabase, type DatabaseConnection } from './connect.js';

const target = inject('greentrackDatabase');

describe.runIf(target.kind === 'postgres')(
  'idle connections dropped by the server [postgres]',
  () => {
    let database: TestDatabase;
    let connection: DatabaseConnection;

    beforeAll(async () => {
      database = await createTestDatabase();
      connection = await connectDatabase(database.options);
    });
    afterAll(async () => {
      await connection?.close();
      await database?.drop();
    });

    it('survives pg_terminate_backend of its idle clients and reconnects', async () => {
      const backend = async () =>
        (
          await connection.db
            .selectNoFrom((eb) => eb.fn<number>('pg_backend_pid').as('pid'))
            .executeTakeFirstOrThrow()
        ).pid;
      const before = await backend();
      const admin = new pg.Client({ connectionString: database.options.url });
      await admin.connect();
      try {
        await admin.query('SELECT pg_terminate_backend($1)', [before]);
      } finally {
        await admin.end();
      }
      // Let the dropped client's error arrive while it is idle in the pool.
      await new Promise((resolve) => setTimeout(resolve, 200));
      const after = await backend();
      expect(after).not.toBe(before);
    });
  },
);
