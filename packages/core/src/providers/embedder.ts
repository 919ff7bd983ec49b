/**
 * The `Embedder` provider interface: turns texts into fixed-length vectors for the
 * `vector(N)` columns (`customers.embedding`, `templates.embedding`, `segments.vector_query`).
 *
 * Core ships one built-in, `hashingEmbedder` (offline, lexical); semantic embedders such as
 * `openaiEmbedder` live in `@greentrack/adapters`. Core embeds customers only in the
 * worker, never inside a request, so a slow or failing provider delays embeddings but never
 * a CRM call. The one exception is a segment's query text, which the caller is waiting for
 * (decision 27).
 */

/** Default number of texts core sends to one `embed` call when `maxBatch` is not set. */
export const DEFAULT_EMBEDDER_MAX_BATCH = 64;

/**
 * Turns texts into vectors of a fixed dimension.
 *
 * Implementations must return exactly one vector per input text, in input order, each of
 * length `dimensions` with finite numbers. Core checks this and treats a violation like a
 * thrown error: the jobs of that batch are retried later, never dropped.
 *
 * @example
 * const embedder: Embedder = {
 *   id: 'my-model-v1',
 *   dimensions: 768,
 *   maxBatch: 32,
 *   embed: async (texts) => (await myModel.embed(texts)).vectors,
 * };
 * const gt = await createGreenTrack({ embedder, embeddingDimensions: 768 });
 */
export interface Embedder {
  /**
   * Stable name of the model (and its settings), e.g. `hashing-1536-3` or
   * `openai:text-embedding-3-small`. Recorded for diagnostics; change it when the vectors
   * it produces change.
   */
  id: string;
  /**
   * Length of every vector `embed` returns. Must equal the dimension of the database's
   * `vector(N)` columns, which the first migration fixes: `createGreenTrack` fails with
   * `EMBEDDING_DIMENSION_MISMATCH` otherwise.
   */
  dimensions: number;
  /**
   * Most texts the provider accepts in one `embed` call; core splits larger batches.
   * @default 64
   */
  maxBatch?: number;
  /**
   * Embeds `texts` (at most `maxBatch` of them). Throwing (or rejecting) marks the whole
   * batch as failed; core records the message and retries with backoff.
   */
  embed(texts: string[]): Promise<number[][]>;
}
