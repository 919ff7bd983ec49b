/**
 * Migration 0006: `embedding_jobs`, the queue of customers whose embedding is stale.
 *
 * - One row per customer at most (primary key `customer_id`): ten edits before the worker
 *   runs still cost one embedding. Re-enqueueing a queued customer refreshes `enqueued_at`,
 *   which doubles as the job's version (see `embeddings/queue.ts`).
 * - `organization_id` is carried so the table can be distributed by it (Citus) like every
 *   tenant table, and so a backfill can be limited to one organization.
 * - `locked_until` is both the lease of a worker that claimed the job and the backoff of a
 *   failed one: a job is due when it is NULL or in the past. A crashed worker's jobs become
 *   due again when their lease runs out.
 * - Both foreign keys cascade: deleting or erasing a customer (or an organization) drops
 *   its pending job.
 *
 * `embedding_jobs_claim_idx` serves the claim query's `ORDER BY locked_until NULLS FIRST,
 * enqueued_at`: due rows come first in that order, so a claim reads only the rows it takes.
 */
import { type Kysely, sql } from 'kysely';

const up = `
CREATE TABLE embedding_jobs (
  organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  customer_id uuid NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
  enqueued_at timestamptz NOT NULL DEFAULT now(),
  attempts int NOT NULL DEFAULT 0,
  locked_until timestamptz,
  last_error text,
  PRIMARY KEY (customer_id)
);
CREATE INDEX embedding_jobs_claim_idx ON embedding_jobs (locked_until NULLS FIRST, enqueued_at);
CREATE INDEX embedding_jobs_org_idx ON embedding_jobs (organization_id);
`;

export const embeddingQueueMigration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await sql.raw(up).execute(db);
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await sql.raw('DROP TABLE IF EXISTS embedding_jobs').execute(db);
  },
};
