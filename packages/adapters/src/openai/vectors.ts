/**
 * Turns the `data` of an `/embeddings` response into one checked vector per input, in input
 * order. The request asks for base64 (a quarter of the bytes of JSON floats, and what the
 * SDK asks for by default), but OpenAI-compatible servers that ignore `encoding_format` answer
 * with float arrays, so both forms are read.
 */
import { GreenTrackError } from '@greentrack/core';
import { OpenAIEmbedderErrorCode } from './error-codes.js';

/** One item of the response's `data`, as the server sent it. */
export interface EmbeddingItem {
  index: number;
  embedding: unknown;
}

/** Little-endian float32s, as the API encodes them. */
function decodeBase64(text: string): number[] | null {
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length % 4 !== 0) return null;
  const out = new Array<number>(bytes.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = bytes.readFloatLE(i * 4);
  return out;
}

function invalidVector(index: number, expected: number, actual: string): GreenTrackError {
  return new GreenTrackError({
    code: OpenAIEmbedderErrorCode.EMBEDDER_VECTOR_INVALID,
    message: `Embedding ${index} is ${actual}, expected ${expected} finite numbers`,
    details: { index, expected, actual },
  });
}

/** The vector of one item, or a typed error naming what is wrong with it. */
function readVector(item: EmbeddingItem, dimensions: number): number[] {
  const raw = item.embedding;
  const vector =
    typeof raw === 'string' ? decodeBase64(raw) : Array.isArray(raw) ? (raw as unknown[]) : null;
  if (vector === null) throw invalidVector(item.index, dimensions, `not a vector (${typeof raw})`);
  if (vector.length !== dimensions)
    throw invalidVector(item.index, dimensions, `of length ${vector.length}`);
  if (!vector.every((v) => typeof v === 'number' && Number.isFinite(v)))
    throw invalidVector(item.index, dimensions, 'not all finite numbers');
  return vector as number[];
}

/**
 * One vector per input, ordered by each item's `index` (the API does not promise the order
 * of `data`). Throws before returning anything if any vector is wrong: a batch is stored
 * whole or not at all.
 */
export function vectorsByIndex(
  data: readonly EmbeddingItem[],
  count: number,
  dimensions: number,
): number[][] {
  const out = new Array<number[] | undefined>(count);
  for (const item of data) {
    if (!Number.isInteger(item.index) || item.index < 0 || item.index >= count || out[item.index])
      throw new GreenTrackError({
        code: OpenAIEmbedderErrorCode.EMBEDDER_RESPONSE_INVALID,
        message: `Embedding index ${String(item.index)} is out of range or repeated (inputs: ${count})`,
        details: { index: item.index, count },
      });
    out[item.index] = readVector(item, dimensions);
  }
  // Indexes are distinct and in range, so `count` of them fill every slot.
  if (data.length !== count)
    throw new GreenTrackError({
      code: OpenAIEmbedderErrorCode.EMBEDDER_RESPONSE_INVALID,
      message: `Got ${data.length} embeddings for ${count} inputs`,
      details: { received: data.length, count },
    });
  return out as number[][];
}
