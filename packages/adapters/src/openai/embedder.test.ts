import { GreenTrackError, hashingEmbedder } from '@greentrack/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type LocalServer, startLocalServer } from '../../test/local-server.js';
import {
  type EmbeddingsRequestBody,
  embeddingsAnswer,
  openaiError,
} from '../../test/openai-server.js';
import { openaiEmbedder } from './index.js';

let server: LocalServer;
beforeAll(async () => {
  server = await startLocalServer(embeddingsAnswer);
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
  server.handle(embeddingsAnswer);
});

const embedderFor = (options: Parameters<typeof openaiEmbedder>[0] = {}) =>
  openaiEmbedder({ baseURL: `${server.url}/v1`, apiKey: 'sk-test-key', dimensions: 8, ...options });

async function thrown(promise: Promise<unknown>): Promise<GreenTrackError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GreenTrackError);
  return error as GreenTrackError;
}

/** Float32 round trip of the expected vectors, as they travel on the wire. */
const float32 = (vectors: number[][]) => vectors.map((v) => Array.from(new Float32Array(v)));

describe('openaiEmbedder against a local /v1/embeddings (real openai SDK)', () => {
  it('sends model, input, base64 encoding and dimensions with a bearer key; reads vectors by index', async () => {
    server.handle((request) => embeddingsAnswer(request, { reverse: true }));
    const embedder = embedderFor();
    expect(embedder).toMatchObject({ id: 'openai:text-embedding-3-small:8', dimensions: 8 });
    const texts = ['Portland bakery', 'dental clinic', 'bakeries in Portland'];
    const vectors = await embedder.embed(texts);

    expect(server.requests).toHaveLength(1);
    const [request] = server.requests;
    expect(request?.method).toBe('POST');
    expect(request?.url).toBe('/v1/embeddings');
    expect(request?.headers.authorization).toBe('Bearer sk-test-key');
    expect(request?.headers['content-type']).toContain('application/json');
    expect(request?.json).toEqual({
      model: 'text-embedding-3-small',
      input: texts,
      encoding_format: 'base64',
      dimensions: 8,
    } satisfies EmbeddingsRequestBody);
    // `data` came back reversed; the vectors are still in input order.
    expect(vectors).toEqual(float32(await hashingEmbedder({ dimensions: 8 }).embed(texts)));
  });

  it('reads float arrays from a server that ignores encoding_format', async () => {
    server.handle((request) => embeddingsAnswer(request, { ignoreEncoding: true }));
    const texts = ['Ana Baker', 'Bo Chen'];
    expect(await embedderFor().embed(texts)).toEqual(
      await hashingEmbedder({ dimensions: 8 }).embed(texts),
    );
  });

  it('splits an embed call into requests of at most maxBatch inputs, keeping the order', async () => {
    const texts = ['a1', 'b2', 'c3', 'd4', 'e5'];
    const vectors = await embedderFor({ maxBatch: 2 }).embed(texts);
    expect(server.requests.map((r) => (r.json as EmbeddingsRequestBody).input)).toEqual([
      ['a1', 'b2'],
      ['c3', 'd4'],
      ['e5'],
    ]);
    expect(vectors).toEqual(float32(await hashingEmbedder({ dimensions: 8 }).embed(texts)));
  });

  it('leaves out `dimensions` for models without the parameter (or when told to)', async () => {
    await openaiEmbedder({
      baseURL: `${server.url}/v1`,
      apiKey: 'k',
      model: 'text-embedding-ada-002',
      dimensions: 1536,
    }).embed(['x']);
    await embedderFor({ model: 'nomic-embed-text', dimensions: 1536 }).embed(['y']);
    await embedderFor({ sendDimensions: true, model: 'custom', dimensions: 4 }).embed(['z']);
    expect(server.requests.map((r) => (r.json as EmbeddingsRequestBody).dimensions)).toEqual([
      undefined,
      undefined,
      4,
    ]);
  });

  it('retries a 429 after the Retry-After it names, then succeeds', async () => {
    const answers = [
      openaiError(
        429,
        {
          message: 'Rate limit reached for text-embedding-3-small on requests per min (RPM).',
          type: 'requests',
          code: 'rate_limit_exceeded',
        },
        { 'retry-after': '1' },
      ),
    ];
    const at: number[] = [];
    server.handle((request) => {
      at.push(performance.now());
      return answers.shift() ?? embeddingsAnswer(request);
    });
    const [vector] = await embedderFor().embed(['retry me']);
    expect(vector).toHaveLength(8);
    expect(server.requests).toHaveLength(2);
    // The wait is the behaviour under test, so it is real time: one second, as asked.
    expect((at[1] ?? 0) - (at[0] ?? 0)).toBeGreaterThanOrEqual(950);
  });

  it('throws EMBEDDER_RATE_LIMITED with retryAfterMs when 429s outlast the retries', async () => {
    server.handle(() =>
      openaiError(
        429,
        { message: 'You exceeded your current quota', type: 'insufficient_quota', code: null },
        { 'retry-after': '20' },
      ),
    );
    const error = await thrown(embedderFor({ maxRetries: 0 }).embed(['x']));
    expect(error.code).toBe('EMBEDDER_RATE_LIMITED');
    expect(error.details).toEqual({
      status: 429,
      providerType: 'insufficient_quota',
      retryAfterMs: 20_000,
    });
    expect(server.requests).toHaveLength(1);
  });

  it('maps 401 to EMBEDDER_UNAUTHORIZED with OpenAI’s error code, without retrying', async () => {
    server.handle(() =>
      openaiError(401, {
        message:
          'Incorrect API key provided: sk-wrong. You can find your API key at https://platform.openai.com/account/api-keys.',
        type: 'invalid_request_error',
        code: 'invalid_api_key',
      }),
    );
    const error = await thrown(embedderFor().embed(['x']));
    expect(error.code).toBe('EMBEDDER_UNAUTHORIZED');
    expect(error.message).toContain('Incorrect API key provided');
    expect(error.details).toEqual({
      status: 401,
      providerCode: 'invalid_api_key',
      providerType: 'invalid_request_error',
    });
    expect(error.toJSON()).not.toHaveProperty('cause');
    expect(server.requests).toHaveLength(1);
  });

  it('maps a 400 (a dimensions the model refuses) to EMBEDDER_REQUEST_REJECTED', async () => {
    server.handle(() =>
      openaiError(400, {
        message: 'This model does not support specifying dimensions.',
        type: 'invalid_request_error',
        code: null,
      }),
    );
    expect((await thrown(embedderFor().embed(['x']))).code).toBe('EMBEDDER_REQUEST_REJECTED');
  });

  it('maps 5xx after retries, and a refused connection, to EMBEDDER_UNAVAILABLE', async () => {
    server.handle(() =>
      openaiError(503, { message: 'The server is overloaded', type: 'server_error', code: null }),
    );
    expect((await thrown(embedderFor({ maxRetries: 0 }).embed(['x']))).code).toBe(
      'EMBEDDER_UNAVAILABLE',
    );
    const closed = await startLocalServer(embeddingsAnswer);
    await closed.close();
    const refused = openaiEmbedder({ baseURL: `${closed.url}/v1`, apiKey: 'k', maxRetries: 0 });
    expect((await thrown(refused.embed(['x']))).code).toBe('EMBEDDER_UNAVAILABLE');
  });

  it('rejects vectors of the wrong length with EMBEDDER_VECTOR_INVALID (nothing returned)', async () => {
    // A server that ignores `dimensions` and answers its native length.
    server.handle((request) => embeddingsAnswer(request, { forceDimensions: 4 }));
    const error = await thrown(embedderFor().embed(['a', 'b']));
    expect(error.code).toBe('EMBEDDER_VECTOR_INVALID');
    expect(error.details).toEqual({ index: 0, expected: 8, actual: 'of length 4' });
    server.handle((request) =>
      embeddingsAnswer(request, { forceDimensions: 8, ignoreEncoding: true }).then((answer) => {
        const body = answer.body as { data: { embedding: unknown }[] };
        const second = body.data[1];
        if (second) second.embedding = [1, 2, 3, 4, 5, 6, 7, null];
        return answer;
      }),
    );
    const nonFinite = await thrown(embedderFor().embed(['a', 'b']));
    expect(nonFinite.details).toEqual({ index: 1, expected: 8, actual: 'not all finite numbers' });
  });

  it('rejects a response without one embedding per input with EMBEDDER_RESPONSE_INVALID', async () => {
    server.handle((request) =>
      embeddingsAnswer(request).then((answer) => {
        (answer.body as { data: unknown[] }).data.pop();
        return answer;
      }),
    );
    const error = await thrown(embedderFor().embed(['a', 'b', 'c']));
    expect(error.code).toBe('EMBEDDER_RESPONSE_INVALID');
    expect(error.details).toEqual({ received: 2, count: 3 });
  });

  it('rejects invalid options with CONFIG_INVALID naming the option', () => {
    for (const [options, path] of [
      [{ dimensions: 0 }, 'dimensions'],
      [{ maxBatch: 3000 }, 'maxBatch'],
      [{ model: ' ' }, 'model'],
    ] as const) {
      let error: unknown;
      try {
        openaiEmbedder({ apiKey: 'k', ...options });
      } catch (e) {
        error = e;
      }
      expect((error as GreenTrackError).code).toBe('CONFIG_INVALID');
      expect((error as GreenTrackError).details?.issues).toEqual([
        { path, message: expect.any(String) },
      ]);
    }
  });
});
