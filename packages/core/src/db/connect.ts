/**
 * Opens the database: a real Postgres through `pg`, or embedded PGlite (WASM Postgres with
 * the `vector` and `citext` extensions). Both go through `pg` and Kysely's own
 * `PostgresDialect` — PGlite via its `node-postgres` bridge — so every query, type parser
 * and migration is the same code on both.
 */
import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { citext } from '@electric-sql/pglite/contrib/citext';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import { vector } from '@electric-sql/pglite-pgvector';
import { Kysely, PostgresDialect, PostgresDriver } from 'kysely';
import pg from 'pg';
import pgvector from 'pgvector/pg';
import { CommonErrorCode, GreenTrackError } from '../errors.js';
import { createDatabaseAccess, type DatabaseAccess } from './access.js';
import { copyingPool } from './copy-pool.js';
import type { Database } from './types.js';

/** Which engine a connection talks to. */
export type DialectName = 'postgres' | 'pglite';

/** How to reach the database. Give `url` or `pool` for Postgres; otherwise PGlite is used. */
export interface DatabaseOptions {
  /** A `postgres://` connection string. */
  url?: string;
  /** A caller-owned `pg.Pool`. GreenTrack never ends it. */
  pool?: pg.Pool;
  /**
   * Directory of the embedded PGlite database; created if missing. Ignored when `url`,
   * `pool` or `pglite` is set.
   * @default './.greentrack/data'
   */
  dataDir?: string;
  /** Keep the embedded database in memory only (nothing on disk). @default false */
  inMemory?: boolean;
  /** A caller-owned PGlite instance, created with the `vector` and `citext` extensions. */
  pglite?: PGlite;
  /** A PGlite data-dir tarball to start from (tests: a pre-migrated snapshot). */
  loadDataDir?: Blob | File;
  /** Max connections of the pool GreenTrack creates for `url`. @default 10 */
  maxConnections?: number;
}

/** An open database: the Kysely instance plus what is needed to close it. */
export interface DatabaseConnection {
  db: Kysely<Database>;
  dialect: DialectName;
  /** The PGlite instance when `dialect` is `pglite`. */
  pglite: PGlite | undefined;
  /**
   * The tenant, system and login ways to this database (`access.ts`), over the same pool.
   * With `rowLevelSecurity` off, all three are the login connection.
   */
  access(rowLevelSecurity: boolean): Promise<DatabaseAccess>;
  /** Ends what this connection opened (never a caller-owned pool or PGlite). */
  close(): Promise<void>;
}

/** The login's Kysely over `pool` (PGlite's bridge when `pglite` is given), and the builder of the scoped ways over the same pool. */
function overPool(pool: pg.Pool, pglite?: PGlite) {
  // Clients that can also run a COPY for `bulk-load.ts` (see `copy-pool.ts`).
  const copying = copyingPool(pool, pglite);
  const dialect = new PostgresDialect({ pool: copying });
  const db = new Kysely<Database>({ dialect });
  const access = (rowLevelSecurity: boolean) =>
    createDatabaseAccess({
      login: db,
      dialect,
      driver: new PostgresDriver({ pool: copying }),
      rowLevelSecurity,
    });
  return { db, access };
}

/** The extensions the seed schema needs, created before any typed connection exists. */
const bootstrapSql =
  'CREATE EXTENSION IF NOT EXISTS vector; CREATE EXTENSION IF NOT EXISTS citext;';

/** The default embedded data directory. */
export const DEFAULT_DATA_DIR = './.greentrack/data';

/**
 * `date` columns stay 'YYYY-MM-DD' strings: `pg`'s default turns them into a local-midnight
 * `Date`, which shifts the day for any host not on UTC.
 */
const typeParsers: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === pg.types.builtins.DATE
      ? (value: string) => value
      : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
};

/** Registers pgvector's parser on each new connection (awaited by `pg` before first use). */
async function onConnect(client: pg.ClientBase): Promise<void> {
  await pgvector.registerTypes(client);
}

/** Opens the database described by `options`. */
export async function connectDatabase(options: DatabaseOptions = {}): Promise<DatabaseConnection> {
  if (options.url !== undefined || options.pool !== undefined) return connectPostgres(options);
  return connectPglite(options);
}

/**
 * The pool GreenTrack opens for a `url`. An idle client the server drops (a restart, a
 * failover, `pg_terminate_backend`, a `DROP DATABASE … WITH (FORCE)`) makes `pg` emit
 * `error` on the pool; unheard, that event would crash the host's process. The pool has
 * already discarded the client, and the next query opens a new one, so nothing else is due.
 */
function ownedPool(options: DatabaseOptions): pg.Pool {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.maxConnections ?? 10,
    types: typeParsers,
    onConnect,
  });
  pool.on('error', () => {});
  return pool;
}

async function connectPostgres(options: DatabaseOptions): Promise<DatabaseConnection> {
  const ownsPool = options.pool === undefined;
  try {
    if (options.url !== undefined) {
      // pgvector's parser looks the `vector` type up by name, so the extension must exist
      // before the pool's first connection registers it.
      const bootstrap = new pg.Client({ connectionString: options.url });
      await bootstrap.connect();
      try {
        await bootstrap.query(bootstrapSql);
      } finally {
        await bootstrap.end();
      }
    } else if (options.pool !== undefined) {
      await options.pool.query(bootstrapSql);
    }
  } catch (cause) {
    throw new GreenTrackError({
      code: CommonErrorCode.DATABASE_UNAVAILABLE,
      message: `Could not prepare the Postgres database (connect and CREATE EXTENSION vector, citext): ${
        cause instanceof Error ? cause.message : String(cause)
      }`,
      cause,
    });
  }
  const pool = options.pool ?? ownedPool(options);
  const { db, access } = overPool(pool);
  return {
    db,
    dialect: 'postgres',
    pglite: undefined,
    access,
    close: async () => {
      if (ownsPool) await db.destroy();
    },
  };
}

async function connectPglite(options: DatabaseOptions): Promise<DatabaseConnection> {
  const ownsPglite = options.pglite === undefined;
  let pglite: PGlite;
  try {
    if (options.pglite !== undefined) {
      pglite = options.pglite;
    } else {
      const dataDir =
        options.inMemory || options.loadDataDir ? undefined : (options.dataDir ?? DEFAULT_DATA_DIR);
      if (dataDir !== undefined) await mkdir(dataDir, { recursive: true });
      pglite = await PGlite.create({
        ...(dataDir === undefined ? {} : { dataDir }),
        ...(options.loadDataDir === undefined ? {} : { loadDataDir: options.loadDataDir }),
        extensions: { vector, citext, pg_trgm },
      });
    }
    await pglite.exec(bootstrapSql);
  } catch (cause) {
    throw new GreenTrackError({
      code: CommonErrorCode.DATABASE_UNAVAILABLE,
      message: `Could not open the embedded PGlite database: ${cause instanceof Error ? cause.message : String(cause)}`,
      cause,
    });
  }
  // PGlite is a single connection: one pool slot, so Kysely transactions serialize on it.
  const pool = new pg.Pool({ ...createPgConfig(pglite), max: 1, types: typeParsers, onConnect });
  const { db, access } = overPool(pool, pglite);
  return {
    db,
    dialect: 'pglite',
    pglite,
    access,
    close: async () => {
      await db.destroy();
      if (ownsPglite) await pglite.close();
    },
  };
}
