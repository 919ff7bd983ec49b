/**
 * Bulk load: rows → a temporary staging table with COPY, inside the caller's transaction,
 * so large writes can then be merged set-based (`INSERT … SELECT`, `UPDATE … FROM`) from it.
 *
 * ```sql
 * CREATE TEMP TABLE stage_x (email citext, tags text[], …) ON COMMIT DROP;
 * COPY stage_x (email, tags, …) FROM STDIN              -- Postgres (pg-copy-streams)
 * COPY stage_x (email, tags, …) FROM '/dev/blob'        -- PGlite
 * ```
 *
 * The COPY runs on the transaction's own connection (`copy-pool.ts`), after the tenant
 * preamble: the staging table is the session's own (temporary tables have no policies),
 * and what is merged from it into tenant tables goes through row-level security as any
 * statement of that transaction does. The table disappears at commit or rollback.
 */
import { CompiledQuery, type Kysely, sql } from 'kysely';
import { CommonErrorCode, GreenTrackError } from '../errors.js';
import { CopyJob } from './copy-pool.js';
import { type CellKind, cellKindOf, encodeCopyRow } from './copy-text.js';
import type { Database } from './types.js';

/** One column of a staging table. */
interface StagingColumn {
  /** A lowercase SQL identifier: `[a-z_][a-z0-9_]*`. */
  name: string;
  /**
   * Its SQL type, e.g. `text`, `citext`, `uuid`, `bigint`, `timestamptz`, `jsonb`, `text[]`,
   * `bytea`, `vector(3)`. Values are rendered for it: arrays as array literals, `jsonb` as
   * JSON (a string is taken as JSON text), `bytea` from a `Uint8Array`, dates in ISO 8601.
   */
  type: string;
}

/** What to load, and where. */
export interface StagingLoad {
  /** The staging table's name (a lowercase identifier); unqualified, so it is `pg_temp`'s. */
  table: string;
  columns: readonly StagingColumn[];
  /** One array of values per row, in `columns` order; `null`/`undefined` store NULL. Pulled lazily. */
  rows: Iterable<readonly unknown[]> | AsyncIterable<readonly unknown[]>;
}

const identifier = /^[a-z_][a-z0-9_]*$/;
/** Type names with an optional modifier and array suffix: `numeric(12,2)`, `text[]`, `timestamp with time zone`. */
const typeName = /^[a-z_][a-z0-9_ ]*(\(\d+(,\s*\d+)?\))?(\[\])*$/i;

/** The encoder's chunk size: big enough to amortize per-write costs, small enough to stream. */
const CHUNK_CHARS = 64 * 1024;

function invalidSpec(path: string, message: string): GreenTrackError {
  return new GreenTrackError({
    code: CommonErrorCode.VALIDATION_FAILED,
    message: `Invalid staging table: ${path} ${message}`,
    details: { issues: [{ path, message }] },
  });
}

/** Checks names and types; they are inlined into DDL, so nothing else may pass. */
function checkSpec(table: string, columns: readonly StagingColumn[]): void {
  if (!identifier.test(table)) throw invalidSpec('table', 'must match [a-z_][a-z0-9_]*');
  if (columns.length === 0) throw invalidSpec('columns', 'must not be empty');
  const seen = new Set<string>();
  columns.forEach(({ name, type }, i) => {
    if (!identifier.test(name))
      throw invalidSpec(`columns.${i}.name`, 'must match [a-z_][a-z0-9_]*');
    if (seen.has(name)) throw invalidSpec(`columns.${i}.name`, 'is a duplicate');
    seen.add(name);
    if (!typeName.test(type.trim())) throw invalidSpec(`columns.${i}.type`, 'is not a type name');
  });
}

/** Encoded COPY text in chunks of about {@link CHUNK_CHARS}, pulled row by row from `rows`. */
async function* encodeRows(
  rows: StagingLoad['rows'],
  columns: ReadonlyArray<{ name: string; kind: CellKind }>,
): AsyncGenerator<string> {
  let chunk = '';
  let index = 0;
  for await (const row of rows as AsyncIterable<readonly unknown[]>) {
    chunk += encodeCopyRow(row, columns, index++);
    if (chunk.length >= CHUNK_CHARS) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk.length > 0) yield chunk;
}

function requireTransaction(trx: Kysely<Database>, what: string): void {
  if (!trx.isTransaction) {
    // ON COMMIT DROP outside a transaction would drop the table before anyone reads it.
    throw new GreenTrackError({
      code: CommonErrorCode.INTERNAL,
      message: `${what} must run inside a transaction`,
    });
  }
}

/**
 * Appends `rows` to an existing staging table (created by {@link copyIntoStaging}) with
 * COPY; returns the number of rows copied. Bad values fail with `VALIDATION_FAILED` naming
 * `rows.<index>.<column>`; the transaction must then be rolled back (Kysely's
 * `transaction().execute` does when its callback throws), since on PGlite earlier blobs of
 * the same call may already be in the table.
 */
export async function copyRows(trx: Kysely<Database>, load: StagingLoad): Promise<number> {
  requireTransaction(trx, 'copyRows');
  checkSpec(load.table, load.columns);
  const columns = load.columns.map(({ name, type }) => ({ name, kind: cellKindOf(type) }));
  const copySql = `COPY ${load.table} (${load.columns.map((c) => c.name).join(', ')}) FROM STDIN`;
  const job = new CopyJob(copySql, encodeRows(load.rows, columns));
  const result = await trx.executeQuery<{ count: number }>(CompiledQuery.raw(copySql, [job]));
  const count = result.rows[0]?.count;
  if (typeof count !== 'number') {
    // The connection was not one of `copy-pool.ts`'s: the job never ran as a COPY.
    throw new GreenTrackError({
      code: CommonErrorCode.INTERNAL,
      message: 'Bulk load needs a connection opened by connectDatabase',
    });
  }
  return count;
}

/**
 * Creates the temporary staging table `load.table` (`ON COMMIT DROP`) in the transaction
 * `trx` and COPYs `load.rows` into it; returns the number of rows copied. Must run inside a
 * transaction; a second call with the same table name in one transaction fails (use
 * {@link copyRows} to append).
 *
 * @example
 * await db.transaction().execute(async (trx) => {
 *   await copyIntoStaging(trx, {
 *     table: 'stage_invoices',
 *     columns: [{ name: 'external_id', type: 'text' }, { name: 'amount_cents', type: 'bigint' }],
 *     rows: pages.flatMap((p) => p.items.map((i) => [i.id, i.cents])),
 *   });
 *   await sql`INSERT INTO … SELECT … FROM stage_invoices …`.execute(trx);
 * });
 */
export async function copyIntoStaging(trx: Kysely<Database>, load: StagingLoad): Promise<number> {
  requireTransaction(trx, 'copyIntoStaging');
  checkSpec(load.table, load.columns);
  const columnsSql = load.columns.map((c) => `${c.name} ${c.type.trim()}`).join(', ');
  await sql.raw(`CREATE TEMP TABLE ${load.table} (${columnsSql}) ON COMMIT DROP`).execute(trx);
  return copyRows(trx, load);
}
