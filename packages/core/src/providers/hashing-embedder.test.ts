import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config.js';
import { GreenTrackError } from '../errors.js';
import { hashingEmbedder, hashingTokens } from './hashing-embedder.js';

const dot = (a: number[], b: number[]) => a.reduce((sum, v, i) => sum + v * (b[i] ?? 0), 0);
const norm = (a: number[]) => Math.sqrt(dot(a, a));
/** Cosine similarity (the vectors are unit length, but do not rely on it here). */
const cosine = (a: number[], b: number[]) => dot(a, b) / (norm(a) * norm(b));

async function embedOne(text: string, options?: Parameters<typeof hashingEmbedder>[0]) {
  const [vector] = await hashingEmbedder(options).embed([text]);
  if (!vector) throw new Error('no vector');
  return vector;
}

describe('hashingEmbedder', () => {
  it('is deterministic across calls and instances, and pinned to its hash', async () => {
    const texts = ['Ana Baker (customer)\nTags: VIP, wholesale', 'Portland', ''];
    const first = await hashingEmbedder().embed(texts);
    const second = await hashingEmbedder().embed(texts);
    expect(second).toEqual(first);
    // Pinned: changing the tokenizer or hash silently invalidates every stored vector, so
    // it must be a deliberate change (with a new `id`), not an accident.
    const small = await embedOne('bakery', { dimensions: 16 });
    const nonZero = small.flatMap((v, i) => (v === 0 ? [] : [[i, Math.sign(v)]]));
    expect(nonZero).toMatchInlineSnapshot(`
      [
        [
          3,
          1,
        ],
        [
          4,
          -1,
        ],
        [
          6,
          1,
        ],
        [
          7,
          1,
        ],
        [
          10,
          -1,
        ],
        [
          11,
          1,
        ],
        [
          14,
          -1,
        ],
      ]
    `);
    expect(hashingEmbedder({ dimensions: 16 }).id).toBe('hashing-v1:16:ngram3');
  });

  it('returns unit-length vectors of exactly `dimensions`, never NaN, also for empty text', async () => {
    for (const dimensions of [8, 384, 1536]) {
      const embedder = hashingEmbedder({ dimensions });
      expect(embedder.dimensions).toBe(dimensions);
      const vectors = await embedder.embed(['Ana Baker', '', '  ... !!! ', 'a'.repeat(5000)]);
      expect(vectors).toHaveLength(4);
      for (const vector of vectors) {
        expect(vector).toHaveLength(dimensions);
        expect(vector.every(Number.isFinite)).toBe(true);
        expect(norm(vector)).toBeCloseTo(1, 10);
      }
      // Text without letters or digits all maps to the one fixed "empty" vector.
      expect(vectors[2]).toEqual(vectors[1]);
    }
  });

  it('puts similar spellings closer than unrelated text (lexical, not semantic)', async () => {
    const query = await embedOne('Portland bakery, wholesale sourdough');
    const similar = await embedOne('bakeries in portland: sourdough');
    const unrelated = await embedOne('Dental clinic in Boston');
    const synonym = await embedOne('bread shop Oregon');
    expect(cosine(query, similar)).toBeGreaterThan(0.4);
    expect(cosine(query, similar)).toBeGreaterThan(cosine(query, unrelated) + 0.3);
    // Same meaning, no shared letters: the hashing embedder cannot tell (it is lexical).
    expect(Math.abs(cosine(query, synonym))).toBeLessThan(0.25);
    expect(cosine(query, query)).toBeCloseTo(1, 10);
  });

  it('folds case and diacritics; ngram 0 compares whole words only', async () => {
    expect(hashingTokens('Müller-Lüdenscheidt, CAFÉ 42')).toEqual([
      'muller',
      'ludenscheidt',
      'cafe',
      '42',
    ]);
    expect(await embedOne('MÜLLER')).toEqual(await embedOne('muller'));
    const words = { dimensions: 1536, ngram: 0 };
    expect(cosine(await embedOne('bakery', words), await embedOne('bakeries', words))).toBe(0);
    expect(cosine(await embedOne('bakery'), await embedOne('bakeries'))).toBeGreaterThan(0.3);
  });

  it('rejects invalid options with CONFIG_INVALID naming the option', () => {
    for (const [options, path] of [
      [{ dimensions: 0 }, 'dimensions'],
      [{ dimensions: 1.5 }, 'dimensions'],
      [{ ngram: -1 }, 'ngram'],
      [{ maxBatch: 0 }, 'maxBatch'],
    ] as const) {
      let error: unknown;
      try {
        hashingEmbedder(options);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(GreenTrackError);
      expect((error as GreenTrackError).code).toBe('CONFIG_INVALID');
      expect((error as GreenTrackError).details?.issues).toEqual([
        { path, message: expect.any(String) },
      ]);
    }
  });

  it('is accepted as the `embedder` option; a non-embedder is CONFIG_INVALID naming `embedder`', () => {
    expect(
      parseConfig({ embedder: hashingEmbedder({ dimensions: 384 }) }).embedder?.dimensions,
    ).toBe(384);
    for (const bad of [{}, { id: 'x', dimensions: 0, embed: async () => [] }, 'hashing']) {
      let error: unknown;
      try {
        parseConfig({ embedder: bad });
      } catch (e) {
        error = e;
      }
      expect((error as GreenTrackError).code).toBe('CONFIG_INVALID');
      expect((error as GreenTrackError).details?.issues).toEqual([
        { path: 'embedder', message: expect.stringContaining('must be an Embedder') },
      ]);
    }
  });
});
