/**
 * Gives Kysely connections a COPY … FROM path, run on the connection's own client.
 *
 * A COPY has to run on the very connection of the caller's transaction: after its
 * role / organization preamble (`access.ts`), and before its commit, which drops the
 * staging table. Kysely hides that connection's `pg` client, so the request travels the
 * only road a transaction offers, `trx.executeQuery(query)`: the compiled query carries a
 * {@link CopyJob} as its single parameter, every wrapper on the way (logging, the scoped
 * connection) passes the query object through untouched, and the client this pool hands
 * out recognizes the job and runs it instead of sending the SQL with a parameter.
 *
 * - Postgres: `COPY … FROM STDIN` streamed with `pg-copy-streams` (back-pressure: rows are
 *   encoded only as fast as the server takes them).
 * - PGlite: its node-postgres bridge cannot carry COPY's sub-protocol (the WASM backend
 *   aborts), so the rows go through PGlite's own `COPY … FROM '/dev/blob'`, in blobs of
 *   ~{@link PGLITE_BLOB_BYTES} to keep memory bounded. PGlite is one session, so that
 *   statement runs inside the same transaction. Reading a "file" needs superuser (or
 *   `pg_read_server_files`), so the role the preamble set is lifted for that one statement
 *   and put back right after it: the rows land in the caller's temporary staging table
 *   only, and every later statement runs with the tenant's role and policies again.
 */

import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PGlite } from '@electric-sql/pglite';
import type { PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

/** How much encoded text one PGlite `COPY … FROM '/dev/blob'` takes at most. */
export const PGLITE_BLOB_BYTES = 8 * 1024 * 1024;

/**
 * A COPY request: `sql` is `COPY <table> (<columns>) FROM STDIN`; `chunks` the encoded
 * text, pulled lazily. Passed as the single parameter of a compiled query.
 */
export class CopyJob {
  constructor(
    readonly sql: string,
    readonly chunks: AsyncIterable<string>,
  ) {}
}

/** The result a copy reports to Kysely: the row count, as `rows[0].count`. */
function copyResult(count: number): PostgresQueryResult<unknown> {
  return {
    command: 'COPY',
    rowCount: count,
    rows: [{ count }],
  } as unknown as PostgresQueryResult<unknown>;
}

async function copyOverStdin(client: pg.PoolClient, job: CopyJob): Promise<number> {
  const stream = client.query(copyFrom(job.sql));
  await pipeline(Readable.from(job.chunks, { objectMode: false }), stream);
  return stream.rowCount;
}

async function copyThroughBlob(pglite: PGlite, job: CopyJob): Promise<number> {
  const sql = job.sql.replace(/FROM STDIN$/, "FROM '/dev/blob'");
  let count = 0;
  const flush = async (parts: string[]) => {
    const { rows } = await pglite.query<{ role: string }>(
      "SELECT current_setting('role') AS role, set_config('role', 'none', true)",
    );
    const role = rows[0]?.role ?? 'none';
    try {
      const result = await pglite.query(sql, [], { blob: new Blob(parts) });
      count += result.affectedRows ?? 0;
    } finally {
      await pglite.query("SELECT set_config('role', $1, true)", [role]);
    }
  };
  let parts: string[] = [];
  let size = 0;
  for await (const chunk of job.chunks) {
    parts.push(chunk);
    // UTF-16 length: a lower bound of the bytes, close enough to bound a blob.
    size += chunk.length;
    if (size >= PGLITE_BLOB_BYTES) {
      await flush(parts);
      parts = [];
      size = 0;
    }
  }
  if (parts.length > 0) await flush(parts);
  return count;
}

/** Wraps one `pg` client: queries pass through, a {@link CopyJob} runs as a COPY. */
function copyingClient(client: pg.PoolClient, pglite: PGlite | undefined): PostgresPoolClient {
  return {
    get processID() {
      return (client as { processID?: number }).processID;
    },
    // biome-ignore lint/suspicious/noExplicitAny: mirrors Kysely's two `query` overloads.
    query: ((sqlOrCursor: any, parameters?: ReadonlyArray<unknown>) => {
      const job = parameters?.length === 1 ? parameters[0] : undefined;
      if (job instanceof CopyJob) {
        const run = pglite ? copyThroughBlob(pglite, job) : copyOverStdin(client, job);
        return run.then(copyResult);
      }
      return parameters === undefined
        ? client.query(sqlOrCursor)
        : client.query(sqlOrCursor, parameters as unknown[]);
    }) as PostgresPoolClient['query'],
    release: (destroy?: boolean) => client.release(destroy),
  };
}

/**
 * The pool Kysely is given: `pool`'s clients, each wrapped once (Kysely keys its
 * connections by client object, so the same wrapper must come back for the same client).
 * `pglite` is set when the pool is PGlite's bridge.
 */
export function copyingPool(pool: pg.Pool, pglite?: PGlite): PostgresPool {
  const wrappers = new WeakMap<pg.PoolClient, PostgresPoolClient>();
  return {
    Client: (pool as unknown as { Client?: PostgresPool['Client'] }).Client,
    options: pool.options,
    connect: async () => {
      const client = await pool.connect();
      let wrapper = wrappers.get(client);
      if (!wrapper) {
        wrapper = copyingClient(client, pglite);
        wrappers.set(client, wrapper);
      }
      return wrapper;
    },
    end: () => pool.end(),
  };
}
