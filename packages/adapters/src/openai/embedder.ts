/**
 * `openaiEmbedder`: core's `Embedder` through the official `openai` SDK, for OpenAI and any
 * server that speaks its `/v1/embeddings` API (Azure's compatible endpoint, vLLM, Ollama,
 * LiteLLM, …).
 *
 * Retries are the SDK's own (`maxRetries`): it retries 408/409/429/5xx and dropped
 * connections, waiting what `Retry-After` / `retry-after-ms` say, else exponential backoff
 * (0.5 s doubling to 8 s). Only when those are spent does `embed` throw, and core's worker
 * then retries the batch later with its own backoff (decision 103).
 */
import type { Embedder } from '@greentrack/core';
import { CommonErrorCode, GreenTrackError } from '@greentrack/core';
import OpenAI from 'openai';
import { toEmbedderError } from './errors.js';
import { vectorsByIndex } from './vectors.js';

/** Options of `openaiEmbedder`. Pass `client`, or the options to build one. */
export interface OpenAIEmbedderOptions {
  /**
   * A configured SDK client (the caller owns it: proxies, headers, Azure). When set,
   * `apiKey`, `baseURL`, `maxRetries` and `timeout` are not used.
   */
  client?: OpenAI;
  /**
   * The API key. @default process.env.OPENAI_API_KEY (the SDK's default)
   */
  apiKey?: string;
  /**
   * Base URL of an OpenAI-compatible API, including its `/v1`.
   * @default 'https://api.openai.com/v1' (or `OPENAI_BASE_URL`)
   * @example 'http://localhost:11434/v1' // Ollama
   */
  baseURL?: string;
  /**
   * The embedding model.
   * @default 'text-embedding-3-small'
   */
  model?: string;
  /**
   * Length of every vector. Must equal the database's `vector(N)` columns. For
   * `text-embedding-3-*` models it is sent as the `dimensions` parameter (the model shortens
   * its vectors); other models must produce this length natively.
   * @default 1536
   */
  dimensions?: number;
  /**
   * Send `dimensions` in the request. Servers and models without the parameter reject it
   * (OpenAI's `text-embedding-ada-002` does).
   * @default true for models whose name starts with `text-embedding-3`, else false
   */
  sendDimensions?: boolean;
  /**
   * Inputs per request. OpenAI accepts up to 2,048 inputs and 300,000 tokens per request;
   * a customer profile is ~50–200 tokens, so 256 stays far from the token limit.
   * @default 256
   */
  maxBatch?: number;
  /**
   * Retries of one request by the SDK (429, 5xx, dropped connection).
   * @default 2
   */
  maxRetries?: number;
  /**
   * Per-request timeout in milliseconds.
   * @default 60000
   */
  timeout?: number;
}

/** Most inputs the OpenAI API takes in one request. */
const OPENAI_MAX_INPUTS = 2048;

function invalidOption(path: string, message: string): GreenTrackError {
  return new GreenTrackError({
    code: CommonErrorCode.CONFIG_INVALID,
    message: `Invalid openaiEmbedder option ${path}: ${message}`,
    details: { issues: [{ path, message }] },
  });
}

function positiveInteger(value: number, path: string, max: number): number {
  if (!Number.isInteger(value) || value < 1 || value > max)
    throw invalidOption(path, `must be an integer from 1 to ${max}`);
  return value;
}

/**
 * An `Embedder` backed by the OpenAI embeddings API (or any compatible server).
 *
 * Each `embed` call sends its texts in requests of at most `maxBatch` inputs, one after the
 * other, and checks every returned vector: wrong length or non-finite values throw
 * `EMBEDDER_VECTOR_INVALID` and nothing of that batch is stored. HTTP failures throw typed
 * codes (`EMBEDDER_UNAUTHORIZED`, `EMBEDDER_RATE_LIMITED`, …, see `OpenAIEmbedderErrorCode`).
 *
 * @example
 * import { openaiEmbedder } from '@greentrack/adapters/openai';
 * const gt = await createGreenTrack({
 *   embedder: openaiEmbedder({ apiKey: process.env.OPENAI_API_KEY, dimensions: 1536 }),
 * });
 * @example
 * // A local OpenAI-compatible server with a 768-d model.
 * openaiEmbedder({ baseURL: 'http://localhost:11434/v1', apiKey: 'ollama', model: 'nomic-embed-text', dimensions: 768 });
 */
export function openaiEmbedder(options: OpenAIEmbedderOptions = {}): Embedder {
  const model = options.model ?? 'text-embedding-3-small';
  if (model.trim() === '') throw invalidOption('model', 'must not be empty');
  const dimensions = positiveInteger(options.dimensions ?? 1536, 'dimensions', 16000);
  const maxBatch = positiveInteger(options.maxBatch ?? 256, 'maxBatch', OPENAI_MAX_INPUTS);
  const sendDimensions = options.sendDimensions ?? model.startsWith('text-embedding-3');
  const client =
    options.client ??
    new OpenAI({
      ...(options.apiKey === undefined ? {} : { apiKey: options.apiKey }),
      ...(options.baseURL === undefined ? {} : { baseURL: options.baseURL }),
      maxRetries: options.maxRetries ?? 2,
      timeout: options.timeout ?? 60_000,
    });

  const request = async (texts: string[]): Promise<number[][]> => {
    let data: { index: number; embedding: unknown }[];
    try {
      // An explicit encoding_format makes the SDK hand back `data` untouched (it decodes
      // base64 itself only when it chose the format), so `vectorsByIndex` reads either form.
      const response = await client.embeddings.create({
        model,
        input: texts,
        encoding_format: 'base64',
        ...(sendDimensions ? { dimensions } : {}),
      });
      data = response.data;
    } catch (error) {
      throw toEmbedderError(error, model);
    }
    return vectorsByIndex(data, texts.length, dimensions);
  };

  return {
    id: `openai:${model}:${dimensions}`,
    dimensions,
    maxBatch,
    embed: async (texts) => {
      const vectors: number[][] = [];
      for (let start = 0; start < texts.length; start += maxBatch)
        vectors.push(...(await request(texts.slice(start, start + maxBatch))));
      return vectors;
    },
  };
}
