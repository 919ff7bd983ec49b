/**
 * Streaming CSV import of customers.
 *
 * The file is never held whole: `csv-parse` turns the byte stream into records, records are
 * validated as they arrive, and every `batchSize` rows the batch is written — in ONE
 * transaction with ONE audit row — while the next batch is parsed; the one after waits for
 * that write (async iteration pulls, so a slow database pauses the parser, which pauses
 * the source). Memory is bounded by two batches plus stream buffers, not the file size.
 *
 * Per batch, whatever its size, the database work is a fixed handful of round trips:
 * the matches are looked up set-based, the rows are applied to them in memory, in file
 * order (`targets.ts`), and the new and changed customers are COPYed into a staging table
 * and merged out of it in one multi-statement round trip (`merge.ts`).
 */
import { randomUUID } from 'node:crypto';
import { pipeline, Readable } from 'node:stream';
import { CsvError, parse } from 'csv-parse';
import { sql } from 'kysely';
import { recordAudit } from '../audit/index.js';
import { CommonErrorCode, GreenTrackError } from '../errors.js';
import { inTransaction, type Scope } from '../scope.js';
import { parseInput } from '../validation.js';
import { ImportErrorCode } from './error-codes.js';
import { type ColumnPlan, planColumns } from './mapping.js';
import { findMatches, writeTargets } from './merge.js';
import { type ParsedRow, parseRow, type RowOutcome } from './rows.js';
import {
  type ImportOptions,
  type ImportProgress,
  type ImportResult,
  type ImportRowError,
  importOptionsSchema,
} from './schema.js';
import { applyRows, isChanged } from './targets.js';

/**
 * Where the CSV comes from: a string, a Node `Readable`, a Web `ReadableStream` (e.g.
 * `request.body`) or any async iterable of byte or text chunks (UTF-8; a BOM is dropped).
 */
export type ImportSource =
  | string
  | Readable
  | ReadableStream<Uint8Array>
  | AsyncIterable<Uint8Array | string>;

/**
 * The longest one CSV record may be. A record is buffered whole while parsed, so this caps
 * memory even for a file whose quote never closes (it fails instead of swallowing the rest).
 */
const MAX_RECORD_BYTES = 1024 * 1024;

/** Counters of the whole import so far. */
interface Totals {
  processed: number;
  created: number;
  updated: number;
  skipped: number;
  failed: number;
  batches: number;
}

function toReadable(source: ImportSource): Readable {
  if (typeof source === 'string') return Readable.from([source]);
  if (source instanceof Readable) return source;
  if (typeof (source as ReadableStream).getReader === 'function') {
    return Readable.fromWeb(source as Parameters<typeof Readable.fromWeb>[0]);
  }
  return Readable.from(source as AsyncIterable<Uint8Array | string>);
}

/**
 * Imports customers from CSV, upserting by email, then by phone, within the organization.
 *
 * - **Rows** are numbered from 1, the header excluded (blank lines are not counted). Each
 *   row is validated with the API's rules; a bad row is reported in `errors` (one entry per
 *   bad field, with its row number) and the others still import.
 * - **Matching:** a row updates the customer with its email (compared case-insensitively,
 *   as `citext` does), else the one with its phone (compared in E.164, so `(415) 555-2671`
 *   finds `+14155552671`), else it creates one (which needs a `name`). Several stored
 *   matches: the oldest wins. Rows with neither email nor phone are rejected, since they
 *   could never be matched again.
 * - **Updates** write only the row's non-empty cells: an empty cell never erases stored
 *   data. Tags are only ever added.
 * - **Duplicates in the file** do not create two customers: a later row updates the
 *   customer an earlier row created or matched.
 * - **Idempotent:** a customer whose values end up identical is not written at all (no
 *   `updated_at` bump), so importing the same file again creates 0 and updates 0 — except
 *   for a file whose duplicate rows of one customer lie more than `batchSize` rows apart
 *   and disagree: those re-apply in file order each time (same end state, counted as
 *   updates). Within a batch the rows of one customer are merged first, then compared.
 * - **Atomicity** is per batch: each batch commits with its audit row, and a failure
 *   (malformed CSV, aborted upload) keeps the batches committed before it
 *   (`details.committed` of the error). Re-importing the whole file is the safe retry.
 *
 * Writes one `customer.import` audit row per batch (counts, row range, ids) rather than
 * one per customer, and emits `import.progress` after each committed batch.
 *
 * @throws `VALIDATION_FAILED` (options), `IMPORT_MAPPING_INVALID`, `IMPORT_MALFORMED_CSV`
 * @example
 * const result = await org.customers.import(fs.createReadStream('contacts.csv'), {
 *   mapping: { 'Email Address': 'email' },
 *   tags: ['imported-2026-05'],
 * });
 */
export async function importCustomers(
  scope: Scope,
  source: ImportSource,
  options: ImportOptions = {},
): Promise<ImportResult> {
  const opts = parseInput(importOptionsSchema, options, { what: 'import options' });
  const importId = randomUUID();
  const totals: Totals = {
    processed: 0,
    created: 0,
    updated: 0,
    skipped: 0,
    failed: 0,
    batches: 0,
  };
  const errors: ImportRowError[] = [];
  let errorsTruncated = false;
  const addErrors = (rowErrors: readonly ImportRowError[]) => {
    for (const error of rowErrors) {
      if (errors.length < opts.maxErrors) errors.push(error);
      else errorsTruncated = true;
    }
  };

  const parser = parse({
    bom: true,
    skip_empty_lines: true,
    // A row with the wrong number of fields is that row's error, not the whole file's.
    relax_column_count: true,
    max_record_size: MAX_RECORD_BYTES,
  });
  // Errors of the source (e.g. an upload over its limit) destroy the parser and surface
  // from the loop below; breaking out of the loop destroys the source.
  pipeline(toReadable(source), parser, () => {});

  let plan: ColumnPlan | undefined;
  let rowNumber = 0;
  let batch: BatchRow[] = [];
  // One batch is written while the next is parsed and validated (CPU work that would
  // otherwise wait for the database): at most two batches are in memory, and writes stay
  // strictly in file order.
  let writing: Promise<void> = Promise.resolve();
  let writeFailure: { error: unknown } | undefined;
  const settle = async () => {
    await writing;
    if (writeFailure) throw writeFailure.error;
  };
  const flush = async () => {
    await settle();
    if (batch.length === 0) return;
    const rows = batch;
    batch = [];
    // Failures (of the write or of `onProgress`) are kept, never left as a rejected promise
    // nobody awaits yet, and rethrown by the next `settle`.
    writing = writeBatch(scope, { importId, rows, opts, totals, addErrors })
      .then((progress) => opts.onProgress?.(progress))
      .catch((error: unknown) => {
        writeFailure = { error };
      });
  };

  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      if (!plan) {
        plan = planColumns(record, opts.mapping);
        continue;
      }
      rowNumber += 1;
      batch.push({
        row: rowNumber,
        outcome: parseRow(rowNumber, record, plan, opts.defaultCountry),
      });
      if (batch.length >= opts.batchSize) await flush();
    }
    await flush();
    await settle();
  } catch (error) {
    // Never return while a batch is still being written: `committed` must be final.
    await writing;
    throw withCommitted(writeFailure?.error ?? error, totals);
  } finally {
    parser.destroy();
  }

  return {
    importId,
    ...totals,
    errors,
    errorsTruncated,
    columns: plan?.columns ?? {},
    ignoredColumns: plan?.ignored ?? [],
  };
}

/**
 * Turns parser errors into `IMPORT_MALFORMED_CSV`; adds what was committed to every error.
 *
 * csv-parse's errors carry the offending record and cell values (in `message`, `record`,
 * `raw`, ...): personal data. Only their code and line survive, in the message, the details
 * and the `cause` a logger may print.
 */
function withCommitted(error: unknown, totals: Totals): unknown {
  const committed = { ...totals };
  if (error instanceof CsvError) {
    const line = typeof error.lines === 'number' ? error.lines : undefined;
    const where = line === undefined ? '' : ` near line ${line}`;
    return new GreenTrackError({
      code: ImportErrorCode.IMPORT_MALFORMED_CSV,
      message: `Malformed CSV${where} (${error.code})`,
      details: { reason: error.code, ...(line === undefined ? {} : { line }), committed },
      cause: new Error(`csv-parse ${error.code}${where}`),
    });
  }
  if (error instanceof GreenTrackError) {
    return new GreenTrackError({
      code: error.code,
      message: error.message,
      details: { ...error.details, committed },
      cause: error,
    });
  }
  // Unexpected failures too must say what is already stored: the caller cannot tell otherwise.
  return new GreenTrackError({
    code: CommonErrorCode.INTERNAL,
    message: 'Internal error',
    details: { committed },
    cause: error,
  });
}

/** One data row of a batch, already validated. */
interface BatchRow {
  row: number;
  outcome: RowOutcome;
}

interface BatchInput {
  importId: string;
  rows: BatchRow[];
  opts: ReturnType<typeof importOptionsSchema.parse>;
  totals: Totals;
  addErrors: (errors: readonly ImportRowError[]) => void;
}

/** Validates, matches and writes one batch in one transaction; returns the progress. */
async function writeBatch(scope: Scope, input: BatchInput): Promise<ImportProgress> {
  const { importId, rows, opts, totals } = input;
  const valid: ParsedRow[] = [];
  const counts = { created: 0, updated: 0, skipped: 0, failed: 0 };
  const rejected: ImportRowError[][] = [];
  for (const { outcome } of rows) {
    if (outcome.kind === 'valid') valid.push(outcome.value);
    else if (outcome.kind === 'blank') counts.skipped += 1;
    else rejected.push(outcome.errors);
  }
  const from = rows[0]?.row ?? 0;
  const to = rows.at(-1)?.row ?? 0;

  // The transaction works on a copy: the caller's totals (reported as `committed` on a
  // failure) only move once the batch has committed.
  const next: Totals = { ...totals };
  const batchErrors: ImportRowError[][] = [];
  const progress = await inTransaction(scope, async (tx) => {
    // Concurrent imports into one organization take turns per batch, so two of them cannot
    // both create the same new email. (API writes do not take this lock.)
    await sql`SELECT pg_advisory_xact_lock(hashtext(${`greentrack.customer_import:${tx.organizationId}`}))`.execute(
      tx.db,
    );
    const stored = await findMatches(tx, valid);
    const { targets, rowErrors } = applyRows(stored, valid, opts);
    // Rejected while parsing or while matching: reported in row order either way.
    rejected.push(...rowErrors);
    rejected.sort((a, b) => (a[0]?.row ?? 0) - (b[0]?.row ?? 0));
    counts.failed = rejected.length;
    batchErrors.push(...rejected);

    for (const target of targets) {
      const changed = target.isNew || isChanged(target);
      target.rows.forEach(({ changed: rowChanged }, i) => {
        if (target.isNew && i === 0) counts.created += 1;
        else if (changed && rowChanged) counts.updated += 1;
        else counts.skipped += 1;
      });
    }
    const written = await writeTargets(tx, targets, tx.clock.now());

    next.batches += 1;
    next.processed += rows.length;
    next.created += counts.created;
    next.updated += counts.updated;
    next.skipped += counts.skipped;
    next.failed += counts.failed;

    await recordAudit(tx, {
      action: 'customer.import',
      entity: 'customer',
      entityId: null,
      after: {
        importId,
        batch: next.batches,
        rows: { from, to },
        processed: rows.length,
        ...counts,
        createdIds: written.inserted,
        updatedIds: written.updated,
      },
    });
    const progress: ImportProgress = {
      importId,
      batch: next.batches,
      rows: { from, to },
      processed: next.processed,
      created: next.created,
      updated: next.updated,
      skipped: next.skipped,
      failed: next.failed,
    };
    tx.emit('import.progress', {
      organizationId: tx.organizationId,
      importId,
      batch: progress.batch,
      processed: progress.processed,
      created: progress.created,
      updated: progress.updated,
      skipped: progress.skipped,
      errors: progress.failed,
      actor: tx.actor,
    });
    return progress;
  });
  Object.assign(totals, next);
  for (const errors of batchErrors) input.addErrors(errors);
  return progress;
}
