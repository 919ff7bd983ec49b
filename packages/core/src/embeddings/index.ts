/**
 * Embeddings: customer profiles embedded outside the request path through a queue table
 * processed by the worker. Write paths enqueue in their own transaction
 * (`enqueueEmbedding`, or `enqueueEmbeddings` for bulk writes); the worker runs
 * `processEmbeddingJobs`; `reembedAll` backfills. Templates whose embedding is missing are
 * embedded by `processTemplateEmbeddings` in the same tick.
 */
import { defineModule } from '../module.js';
import { embeddingsCustomerData } from './customer-data.js';
import type { EmbeddingErrorCode as Code } from './error-codes.js';

export { type ReembedOptions, type ReembedProgress, reembedAll } from './backfill.js';
export { assertEmbedderDimensions } from './dimensions.js';
export { EmbeddingErrorCode } from './error-codes.js';
export {
  DEFAULT_EMBEDDING_BATCH_SIZE,
  DEFAULT_EMBEDDING_LEASE_MS,
  DEFAULT_EMBEDDING_RETRY_BASE_MS,
  type EmbeddingDeps,
  processEmbeddingJobs,
} from './process.js';
export {
  type CustomerProfileFields,
  customerProfileText,
  profileChanged,
} from './profile.js';
export {
  enqueueEmbedding,
  enqueueEmbeddings,
  enqueueEmbeddingsSql,
} from './queue.js';
export { processTemplateEmbeddings } from './templates.js';

export const embeddingsModule = defineModule({
  name: 'embeddings',
  tenantTables: ['embedding_jobs'],
  customerData: embeddingsCustomerData,
  // A deployment problem: the embedder does not fit the database's vector columns.
  errorStatus: { EMBEDDING_DIMENSION_MISMATCH: 500 } satisfies Record<Code, number>,
});
