/** Error codes of the embeddings module. */
export const EmbeddingErrorCode = {
  /**
   * The configured `embedder.dimensions` differs from the dimension of the database's
   * `vector(N)` columns (or from `embeddingDimensions`). Raised by `createGreenTrack` and
   * `gt.migrate()`, so a misconfiguration fails at startup, not at the first embedding.
   * `details` has both numbers.
   */
  EMBEDDING_DIMENSION_MISMATCH: 'EMBEDDING_DIMENSION_MISMATCH',
} as const;

export type EmbeddingErrorCode = (typeof EmbeddingErrorCode)[keyof typeof EmbeddingErrorCode];
