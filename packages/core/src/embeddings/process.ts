/**
 * Processing the embedding queue: the worker's embedding task.
 *
 * One run (`processEmbeddingJobs`):
 * 1. **Claim** up to `batchSize` due jobs in one statement. `FOR UPDATE SKIP LOCKED` lets
 *    any number of workers claim at once without waiting on or taking each other's jobs,
 *    and the claim sets a lease (`locked_until = now + leaseMs`) and commits at once: no
 *    transaction or row lock is held while the embedder is called, and a worker that dies
 *    mid-batch only delays its jobs until the lease runs out.
 * 2. **Read** the claimed customers' profile fields and render each profile
 *    (`customerProfileText`).
 * 3. **Embed** in chunks of `embedder.maxBatch` (default 64).
 * 4. Per chunk, in one transaction: **write** every vector with one set-based
 *    `UPDATE customers … FROM (VALUES …)`, **delete** the jobs whose version is the one
 *    claimed, and make due again the few that were re-enqueued meanwhile.
 * 5. A chunk whose `embed` call throws (or returns the wrong shape) is **not lost**: its
 *    jobs get `attempts + 1`, `last_error`, and `locked_until = now + backoff`, where the
 *    backoff doubles per attempt from `retryBaseMs` up to `retryMaxMs`. Jobs are retried
 *    until they succeed; `last_error` says why they have not.
 *
 * Time comes from the `Clock`, so tests move leases and backoffs by advancing a fixed clock.
 */
import { type Kysely, sql } from 'kysely';
import type { Clock } from '../clock.js';
import type { Database } from '../db/types.js';
import { toVector } from '../db/values.js';
import { DEFAULT_EMBEDDER_MAX_BATCH, type Embedder } from '../providers/embedder.js';
import { customerProfileText, profileColumns } from './profile.js';

/** Jobs claimed per run. @default 100 */
export const DEFAULT_EMBEDDING_BATCH_SIZE = 100;
/** How long a claim is held before another worker may take the job. @default 5 minutes */
export const DEFAULT_EMBEDDING_LEASE_MS = 5 * 60_000;
/** Backoff after the first failure; doubles per further failure. @default 30 seconds */
export const DEFAULT_EMBEDDING_RETRY_BASE_MS = 30_000;
/** Longest backoff between attempts. @default 1 hour */
const DEFAULT_EMBEDDING_RETRY_MAX_MS = 60 * 60_000;

/** Longest `last_error` kept; provider error bodies can be large. */
const MAX_ERROR_LENGTH = 2000;

/** What processing needs from the GreenTrack instance. */
export interface EmbeddingDeps {
  db: Kysely<Database>;
  clock: Clock;
  embedder: Embedder;
}

/** Options of one processing run. */
export interface ProcessEmbeddingOptions {
  /** Most jobs to claim. @default 100 */
  batchSize?: number;
  /** Only this organization's jobs (backfills of one organization). @default all */
  organizationId?: string;
  /** Lease of a claim. Keep it well above the time one batch takes. @default 300000 */
  leaseMs?: number;
  /** First retry delay after a failure. @default 30000 */
  retryBaseMs?: number;
  /** Retry delay cap. @default 3600000 */
  retryMaxMs?: number;
}

/** Outcome of one processing run. */
export interface ProcessEmbeddingResult {
  /** Jobs claimed. */
  claimed: number;
  /** Customers whose embedding was written. */
  embedded: number;
  /** Jobs whose embedding failed; they stay queued with a backoff. */
  failed: number;
}

interface ClaimedJob {
  customer_id: string;
  organization_id: string;
  /** `enqueued_at` as Postgres prints it (microseconds kept; a JS Date would drop them). */
  version: string;
}

/** Checks the embedder kept its contract; returns why not, or `null`. */
function contractViolation(
  vectors: unknown,
  count: number,
  dimensions: number,
  embedderId: string,
): string | null {
  if (!Array.isArray(vectors) || vectors.length !== count)
    return `embedder ${embedderId} returned ${Array.isArray(vectors) ? vectors.length : typeof vectors} vectors for ${count} texts`;
  for (const vector of vectors) {
    if (!Array.isArray(vector) || vector.length !== dimensions)
      return `embedder ${embedderId} returned a vector of length ${Array.isArray(vector) ? vector.length : typeof vector}, expected ${dimensions}`;
    if (!vector.every((v) => typeof v === 'number' && Number.isFinite(v)))
      return `embedder ${embedderId} returned a non-finite number`;
  }
  return null;
}

function errorMessage(error: unknown): string {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return message.length > MAX_ERROR_LENGTH ? `${message.slice(0, MAX_ERROR_LENGTH - 1)}…` : message;
}

/**
 * Claims due jobs and sets their lease, in one autocommitted statement.
 *
 * ```sql
 * UPDATE embedding_jobs AS j SET locked_until = $leaseEnd
 * FROM (SELECT customer_id FROM embedding_jobs
 *       WHERE (locked_until IS NULL OR locked_until <= $now) [AND organization_id = $org]
 *       ORDER BY locked_until NULLS FIRST, enqueued_at LIMIT $batchSize
 *       FOR UPDATE SKIP LOCKED) AS due
 * WHERE j.customer_id = due.customer_id
 * RETURNING j.customer_id, j.organization_id, j.enqueued_at::text AS version
 * ```
 * Fresh jobs (no lease, no backoff) come first, oldest first; then retries whose backoff
 * is over. A row another worker is claiming is skipped, and once its claim commits the
 * re-checked `WHERE` excludes it, so concurrent claims are disjoint.
 */
async function claimJobs(
  db: Kysely<Database>,
  now: Date,
  leaseEnd: Date,
  batchSize: number,
  organizationId: string | undefined,
): Promise<ClaimedJob[]> {
  return db
    .updateTable('embedding_jobs as j')
    .set({ locked_until: leaseEnd })
    .from((eb) => {
      let due = eb
        .selectFrom('embedding_jobs')
        .select('customer_id')
        .where((w) => w.or([w('locked_until', 'is', null), w('locked_until', '<=', now)]));
      if (organizationId !== undefined) due = due.where('organization_id', '=', organizationId);
      return due
        .orderBy('locked_until', (ob) => ob.asc().nullsFirst())
        .orderBy('enqueued_at')
        .limit(batchSize)
        .forUpdate()
        .skipLocked()
        .as('due');
    })
    .whereRef('j.customer_id', '=', 'due.customer_id')
    .returning([
      'j.customer_id',
      'j.organization_id',
      sql<string>`j.enqueued_at::text`.as('version'),
    ])
    .execute();
}

/**
 * Writes one chunk's vectors and retires its jobs, in one transaction:
 *
 * ```sql
 * UPDATE customers AS c SET embedding = v.embedding
 * FROM (VALUES ($id::uuid, $org::uuid, $vector::vector), …) AS v(id, organization_id, embedding)
 * WHERE c.id = v.id AND c.organization_id = v.organization_id;
 * DELETE FROM embedding_jobs AS j USING (VALUES ($id::uuid, $version::timestamptz), …) AS v(customer_id, version)
 * WHERE j.customer_id = v.customer_id AND j.enqueued_at = v.version;
 * UPDATE embedding_jobs SET locked_until = NULL, attempts = 0, last_error = NULL
 * WHERE customer_id = ANY($ids);   -- only re-enqueued jobs are left: due again now
 * ```
 * Returns how many customers were written (a customer deleted meanwhile is skipped).
 */
async function writeEmbeddings(
  db: Kysely<Database>,
  rows: Array<{ job: ClaimedJob; vector: number[] }>,
): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const values = sql.join(
      rows.map(
        ({ job, vector }) =>
          sql`(${job.customer_id}::uuid, ${job.organization_id}::uuid, ${toVector(vector)}::vector)`,
      ),
    );
    const written = await sql`
      UPDATE customers AS c SET embedding = v.embedding
      FROM (VALUES ${values}) AS v(id, organization_id, embedding)
      WHERE c.id = v.id AND c.organization_id = v.organization_id`.execute(trx);
    const versions = sql.join(
      rows.map(({ job }) => sql`(${job.customer_id}::uuid, ${job.version}::timestamptz)`),
    );
    await sql`
      DELETE FROM embedding_jobs AS j USING (VALUES ${versions}) AS v(customer_id, version)
      WHERE j.customer_id = v.customer_id AND j.enqueued_at = v.version`.execute(trx);
    const ids = rows.map(({ job }) => job.customer_id);
    await sql`
      UPDATE embedding_jobs SET locked_until = NULL, attempts = 0, last_error = NULL
      WHERE customer_id = ANY(${ids}::uuid[])`.execute(trx);
    return Number(written.numAffectedRows ?? 0);
  });
}

/**
 * Records a failed chunk: every job keeps its place in the queue with one more attempt, the
 * error, and a backoff of `min(retryBaseMs · 2^(attempts), retryMaxMs)` from now.
 */
async function recordFailure(
  db: Kysely<Database>,
  jobs: ClaimedJob[],
  error: string,
  now: Date,
  retryBaseMs: number,
  retryMaxMs: number,
): Promise<void> {
  await sql`
    UPDATE embedding_jobs
    SET attempts = attempts + 1,
        last_error = ${error},
        locked_until = ${now}::timestamptz
          + least(${retryBaseMs}::float8 * power(2, attempts), ${retryMaxMs}::float8)
            * interval '1 millisecond'
    WHERE customer_id = ANY(${jobs.map((j) => j.customer_id)}::uuid[])`.execute(db);
}

/**
 * Claims one batch of due embedding jobs and processes it (see the module comment).
 * Safe to run from many processes at once.
 * @example
 * const { embedded, failed } = await processEmbeddingJobs({ db, clock, embedder }, { batchSize: 50 });
 */
export async function processEmbeddingJobs(
  deps: EmbeddingDeps,
  options: ProcessEmbeddingOptions = {},
): Promise<ProcessEmbeddingResult> {
  const { db, clock, embedder } = deps;
  const batchSize = options.batchSize ?? DEFAULT_EMBEDDING_BATCH_SIZE;
  const leaseMs = options.leaseMs ?? DEFAULT_EMBEDDING_LEASE_MS;
  const retryBaseMs = options.retryBaseMs ?? DEFAULT_EMBEDDING_RETRY_BASE_MS;
  const retryMaxMs = options.retryMaxMs ?? DEFAULT_EMBEDDING_RETRY_MAX_MS;
  const chunkSize = Math.max(1, embedder.maxBatch ?? DEFAULT_EMBEDDER_MAX_BATCH);

  const now = clock.now();
  const jobs = await claimJobs(
    db,
    now,
    new Date(now.getTime() + leaseMs),
    batchSize,
    options.organizationId,
  );
  if (jobs.length === 0) return { claimed: 0, embedded: 0, failed: 0 };

  const customers = await db
    .selectFrom('customers')
    .select(['id', ...profileColumns])
    .where(sql<boolean>`id = ANY(${jobs.map((j) => j.customer_id)}::uuid[])`)
    .execute();
  const profiles = new Map(customers.map((c) => [c.id, customerProfileText(c)]));
  // A customer deleted after the claim took its job with it (ON DELETE CASCADE).
  const live = jobs.filter((job) => profiles.has(job.customer_id));

  let embedded = 0;
  let failed = 0;
  for (let start = 0; start < live.length; start += chunkSize) {
    const chunk = live.slice(start, start + chunkSize);
    const texts = chunk.map((job) => profiles.get(job.customer_id) ?? '');
    let vectors: number[][];
    try {
      vectors = await embedder.embed(texts);
      const violation = contractViolation(vectors, texts.length, embedder.dimensions, embedder.id);
      if (violation) throw new Error(violation);
    } catch (error) {
      await recordFailure(db, chunk, errorMessage(error), clock.now(), retryBaseMs, retryMaxMs);
      failed += chunk.length;
      continue;
    }
    embedded += await writeEmbeddings(
      db,
      chunk.map((job, i) => ({ job, vector: vectors[i] as number[] })),
    );
  }
  return { claimed: jobs.length, embedded, failed };
}
