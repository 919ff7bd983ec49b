/**
 * Putting customers on the embedding queue (`embedding_jobs`, migration 0006).
 *
 * Write paths call these inside their own transaction, so a customer change and its
 * embedding job commit (or roll back) together: no change is ever left un-embedded, and no
 * embedding is computed in the request path. The worker (`processEmbeddingJobs`) does the
 * rest.
 *
 * Versioning: every (re-)enqueue sets `enqueued_at = now()` (the transaction's start time).
 * The worker remembers the value it claimed and deletes the job only if it is unchanged, so
 * a customer edited while its embedding was being computed is embedded again with the new
 * text instead of being marked done with the old one.
 */
import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/types.js';
import type { Scope } from '../scope.js';

/** What enqueueing needs from a scope: the database (or transaction) and the tenant. */
export type EnqueueScope = Pick<Scope, 'db' | 'organizationId'>;

/**
 * Queues one customer of `scope.organizationId` for (re-)embedding. Call it in the same
 * transaction as the change. Idempotent: a customer already queued stays one job.
 *
 * ```sql
 * INSERT INTO embedding_jobs (organization_id, customer_id) VALUES ($1, $2)
 * ON CONFLICT (customer_id) DO UPDATE SET enqueued_at = now()
 * ```
 * @example
 * await inTransaction(scope, async (tx) => { ...update...; await enqueueEmbedding(tx, id); });
 */
export async function enqueueEmbedding(scope: EnqueueScope, customerId: string): Promise<void> {
  await scope.db
    .insertInto('embedding_jobs')
    .values({ organization_id: scope.organizationId, customer_id: customerId })
    .onConflict((oc) => oc.column('customer_id').doUpdateSet({ enqueued_at: sql`now()` }))
    .execute();
}

/**
 * Queues many customers of `scope.organizationId` in ONE statement, for bulk write paths
 * (CSV import, merges): pass the ids of the customers whose profile the statement created
 * or changed. Ids of other organizations or of missing customers are ignored. Returns how
 * many customers were queued.
 *
 * ```sql
 * INSERT INTO embedding_jobs (organization_id, customer_id)
 * SELECT organization_id, id FROM customers
 * WHERE organization_id = $1 AND id = ANY($2::uuid[])
 * ON CONFLICT (customer_id) DO UPDATE SET enqueued_at = excluded.enqueued_at
 * ```
 * @example
 * await enqueueEmbeddings(tx, upsertedRows.map((r) => r.id));
 */
export async function enqueueEmbeddings(
  scope: EnqueueScope,
  customerIds: readonly string[],
): Promise<number> {
  if (customerIds.length === 0) return 0;
  // One array parameter, not one parameter per id: a 100k-row import stays one statement
  // (Postgres allows at most 65,535 bind parameters).
  const result = await sql`
    INSERT INTO embedding_jobs (organization_id, customer_id)
    SELECT organization_id, id FROM customers
    WHERE organization_id = ${scope.organizationId} AND id = ANY(${[...customerIds]}::uuid[])
    ON CONFLICT (customer_id) DO UPDATE SET enqueued_at = excluded.enqueued_at`.execute(scope.db);
  return Number(result.numAffectedRows ?? 0);
}

/**
 * {@link enqueueEmbeddings} as SQL text without parameters, for the customer ids a query
 * returns: for bulk paths that send a whole merge in one round trip (`imports/merge.ts`).
 * `organizationId` must already be a checked UUID and `customerIdsQuery` trusted SQL: both
 * are inlined. With `created`, the customers were created in this same transaction, so
 * none can be queued yet: a plain INSERT, without the per-row speculative insertion of
 * `ON CONFLICT`.
 */
export function enqueueEmbeddingsSql(
  organizationId: string,
  customerIdsQuery: string,
  options: { created?: boolean } = {},
): string {
  if (options.created) {
    return `INSERT INTO embedding_jobs (organization_id, customer_id)
    SELECT '${organizationId}'::uuid, q.id FROM (${customerIdsQuery}) AS q(id)`;
  }
  // `= ANY (ARRAY(…))`: probes the primary key whatever the planner guesses of the query.
  return `INSERT INTO embedding_jobs (organization_id, customer_id)
    SELECT organization_id, id FROM customers
    WHERE organization_id = '${organizationId}'::uuid AND id = ANY (ARRAY(${customerIdsQuery}))
    ON CONFLICT (customer_id) DO UPDATE SET enqueued_at = excluded.enqueued_at`;
}

/**
 * Queues every customer (of one organization, or of all) for a backfill, in one
 * `INSERT … SELECT`. Unlike an edit, a backfill is an operator asking for "now": jobs that
 * were backing off after failures are made due again with their attempts reset.
 * Returns how many customers were queued.
 */
export async function enqueueAllCustomers(
  db: Kysely<Database>,
  organizationId: string | null,
): Promise<number> {
  const onlyOrganization =
    organizationId === null ? sql`` : sql`WHERE organization_id = ${organizationId}`;
  const result = await sql`
    INSERT INTO embedding_jobs (organization_id, customer_id)
    SELECT organization_id, id FROM customers ${onlyOrganization}
    ON CONFLICT (customer_id) DO UPDATE
      SET enqueued_at = excluded.enqueued_at, attempts = 0, last_error = NULL, locked_until = NULL`.execute(
    db,
  );
  return Number(result.numAffectedRows ?? 0);
}
