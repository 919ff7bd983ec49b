/**
 * `hashingEmbedder`: the built-in, offline, deterministic embedder.
 *
 * It is LEXICAL, NOT SEMANTIC. It compares spelling, not meaning: "Bakery in Portland" is
 * close to "Portland bakeries" (shared words and letter sequences) but far from "bread shop
 * in Oregon" (no shared words). It exists so GreenTrack works with no API key and no
 * network: the demo, tests, and vector segments over names, tags, cities and notes
 * vocabulary. For similarity of meaning, configure a semantic embedder
 * (`openaiEmbedder` in `@greentrack/adapters`, or your own `Embedder`).
 *
 * How a text becomes a vector (feature hashing, "the hashing trick"):
 * 1. Unicode NFKD, diacritics removed, lowercased: "Müller" and "muller" are the same.
 * 2. Tokens are runs of letters and digits. Features: every token (`w:bakery`), and, when
 *    `ngram > 0`, every character n-gram of the token padded with `<` `>`
 *    (`g:<ba`, `g:bak`, …, `g:ry>`), so near-spellings share most features.
 * 3. Each feature is hashed with FNV-1a (32-bit, over UTF-16 code units) and mixed with
 *    MurmurHash3's finalizer; the hash picks the bucket (`hash mod dimensions`) and an
 *    independent second mix picks the sign (+1/−1), so collisions cancel out on average
 *    instead of piling up.
 * 4. The vector is L2-normalized, so cosine similarity is a plain dot product.
 *
 * The same text gives the same vector on every machine and every run; there is no model
 * file and no state.
 */
import { CommonErrorCode, GreenTrackError } from '../errors.js';
import type { Embedder } from './embedder.js';

/** Options of `hashingEmbedder`. */
export interface HashingEmbedderOptions {
  /**
   * Length of the vectors. Must equal the database's `vector(N)` columns.
   * @default 1536
   */
  dimensions?: number;
  /**
   * Length of the character n-grams added beside whole words; `0` hashes whole words only
   * (then "bakery" and "bakeries" share nothing).
   * @default 3
   */
  ngram?: number;
  /**
   * Texts per `embed` call the worker sends. Hashing is local and cheap, so larger batches
   * only save round trips.
   * @default 256
   */
  maxBatch?: number;
}

/** Feature embedded for a text with no letters or digits (see `hashingEmbedder`). */
const EMPTY_FEATURE = '\u0000empty';

/** FNV-1a, 32-bit, over the UTF-16 code units of `text`. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** MurmurHash3's 32-bit finalizer: spreads every input bit over the whole output. */
function fmix32(value: number): number {
  let h = value;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Lowercased tokens of `text`: runs of letters and digits, diacritics removed. */
export function hashingTokens(text: string): string[] {
  const folded = text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
  return folded.match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** The hashed features of one text: every token, plus its padded character n-grams. */
function features(text: string, ngram: number): string[] {
  const out: string[] = [];
  for (const token of hashingTokens(text)) {
    out.push(`w:${token}`);
    if (ngram === 0) continue;
    const padded = `<${token}>`;
    if (padded.length <= ngram) {
      out.push(`g:${padded}`);
      continue;
    }
    for (let i = 0; i + ngram <= padded.length; i++) out.push(`g:${padded.slice(i, i + ngram)}`);
  }
  return out;
}

function invalidOption(path: string, message: string): GreenTrackError {
  return new GreenTrackError({
    code: CommonErrorCode.CONFIG_INVALID,
    message: `Invalid hashingEmbedder option ${path}: ${message}`,
    details: { issues: [{ path, message }] },
  });
}

/**
 * The built-in lexical embedder: deterministic, offline, no dependencies. Similar spelling
 * and shared words give similar vectors; meaning does not (see the module comment).
 *
 * Every vector has unit length. A text with no letters or digits (e.g. `''`) gets the
 * fixed unit vector of a reserved feature rather than a zero vector: pgvector's cosine
 * distance of a zero vector is NaN, and Postgres orders NaN above every number, so zero
 * vectors would leak into every `similarity > threshold` filter.
 *
 * @example
 * const gt = await createGreenTrack({ embedder: hashingEmbedder({ dimensions: 1536 }) });
 * @example
 * const [a, b] = await hashingEmbedder().embed(['Portland bakery', 'bakeries in Portland']);
 */
export function hashingEmbedder(options: HashingEmbedderOptions = {}): Embedder {
  const dimensions = options.dimensions ?? 1536;
  const ngram = options.ngram ?? 3;
  const maxBatch = options.maxBatch ?? 256;
  if (!Number.isInteger(dimensions) || dimensions < 1 || dimensions > 16000)
    throw invalidOption('dimensions', 'must be an integer from 1 to 16000');
  if (!Number.isInteger(ngram) || ngram < 0 || ngram > 16)
    throw invalidOption('ngram', 'must be an integer from 0 (words only) to 16');
  if (!Number.isInteger(maxBatch) || maxBatch < 1)
    throw invalidOption('maxBatch', 'must be a positive integer');

  const embedOne = (text: string): number[] => {
    const vector = new Float64Array(dimensions);
    const list = features(text, ngram);
    if (list.length === 0) list.push(EMPTY_FEATURE);
    for (const feature of list) {
      const hash = fnv1a(feature);
      const bucket = fmix32(hash) % dimensions;
      // A second, independent mix for the sign, so bucket and sign are uncorrelated.
      const sign = fmix32(hash ^ 0x9e3779b9) & 1 ? -1 : 1;
      vector[bucket] = (vector[bucket] ?? 0) + sign;
    }
    let norm = 0;
    for (const v of vector) norm += v * v;
    norm = Math.sqrt(norm);
    // Features can cancel out exactly (+1 and −1 in one bucket); fall back to the reserved
    // feature's vector so the result is never a zero vector.
    if (norm === 0) return embedOne('');
    return Array.from(vector, (v) => v / norm);
  };

  return {
    id: `hashing-v1:${dimensions}:ngram${ngram}`,
    dimensions,
    maxBatch,
    embed: async (texts) => texts.map(embedOne),
  };
}
