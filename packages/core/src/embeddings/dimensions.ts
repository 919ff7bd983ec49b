/**
 * The startup check that the embedder fits the database's `vector(N)` columns. A mismatch
 * would otherwise surface only at the first embedding write, in the worker, as a pgvector
 * error per job; failing `createGreenTrack` says what is wrong before anything runs.
 */
import { GreenTrackError } from '../errors.js';
import type { Embedder } from '../providers/embedder.js';
import { EmbeddingErrorCode } from './error-codes.js';

/**
 * Throws `EMBEDDING_DIMENSION_MISMATCH` unless `embedder.dimensions` equals `expected`.
 * @param source what `expected` is, for the message (the column, or the config option).
 */
export function assertEmbedderDimensions(
  embedder: Embedder,
  expected: number,
  source: 'column' | 'config',
): void {
  if (embedder.dimensions === expected) return;
  const where =
    source === 'column'
      ? `the database's vector columns are vector(${expected})`
      : `embeddingDimensions is ${expected}`;
  throw new GreenTrackError({
    code: EmbeddingErrorCode.EMBEDDING_DIMENSION_MISMATCH,
    message:
      `Embedder ${embedder.id} produces ${embedder.dimensions}-dimensional vectors but ${where}. ` +
      (source === 'column'
        ? `Configure an embedder with ${expected} dimensions; the column's dimension is fixed when the database is first migrated.`
        : 'Give one dimension: drop embeddingDimensions or make them equal.'),
    details: {
      embedderId: embedder.id,
      embedderDimensions: embedder.dimensions,
      ...(source === 'column' ? { columnDimensions: expected } : { embeddingDimensions: expected }),
    },
  });
}
