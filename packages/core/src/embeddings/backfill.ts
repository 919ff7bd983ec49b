/**
 * `gt.customers.reembedAll`: re-embeds every customer, e.g. after switching embedders or
 * for a database that had customers before embeddings existed.
 */
import type { Emit } from '../events.js';
import { type EmbeddingDeps, processEmbeddingJobs } from './process.js';
import { enqueueAllCustomers } from './queue.js';

/** Progress of a backfill, reported after the enqueue and after every batch. */
export interface ReembedProgress {
  /** The organization being re-embedded, or `null` for all. */
  organizationId: string | null;
  /** Customers embedded so far by this backfill. */
  embedded: number;
  /**
   * Failed embedding attempts in this backfill. Failed jobs stay queued and the worker
   * retries them with backoff.
   */
  failed: number;
  /** Customers queued by this backfill. */
  total: number;
}

/** Options of `gt.customers.reembedAll`. */
export interface ReembedOptions {
  /** Only this organization's customers. @default every organization */
  organizationId?: string;
  /** Called with the progress after the enqueue and after every batch. */
  onProgress?: (progress: ReembedProgress) => void;
  /** Jobs per batch. @default 100 */
  batchSize?: number;
}

/**
 * Queues every customer (of one organization, or of all) in one `INSERT … SELECT`, then
 * processes the queue batch by batch until nothing is due. Progress goes to `onProgress`
 * and to the `embedding.progress` event.
 *
 * It stops early when a whole batch fails (the embedder is down): those jobs stay queued
 * with their backoff and the worker finishes them later. Jobs another worker holds at the same time are finished by that
 * worker and not counted here.
 */
export async function reembedAll(
  deps: EmbeddingDeps & { emit: Emit },
  options: ReembedOptions = {},
): Promise<ReembedProgress> {
  const organizationId = options.organizationId ?? null;
  const total = await enqueueAllCustomers(deps.db, organizationId);
  const progress: ReembedProgress = { organizationId, embedded: 0, failed: 0, total };
  const report = () => {
    const snapshot = { ...progress };
    options.onProgress?.(snapshot);
    deps.emit('embedding.progress', snapshot);
  };
  report();
  for (;;) {
    const batch = await processEmbeddingJobs(deps, {
      batchSize: options.batchSize,
      organizationId: options.organizationId,
    });
    if (batch.claimed === 0) break;
    progress.embedded += batch.embedded;
    progress.failed += batch.failed;
    report();
    // Nothing succeeded: the embedder is failing; leave the backed-off jobs to the worker.
    if (batch.embedded === 0) break;
  }
  return { ...progress };
}
