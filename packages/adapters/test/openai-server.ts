/**
 * A local stand-in for OpenAI's `POST /v1/embeddings`, answering as the API reference
 * documents: `{ object: 'list', data: [{ object: 'embedding', index, embedding }], model,
 * usage }`, the embedding as base64 little-endian float32 when the request says
 * `encoding_format: 'base64'`, else as a float array; errors as `{ error: { message, type,
 * param, code } }`. The vectors are core's `hashingEmbedder` of the requested `dimensions`,
 * so similar texts are near each other and an end-to-end vector segment finds them.
 */
import { hashingEmbedder } from '@greentrack/core';
import type { LocalResponse, RecordedRequest } from './local-server.js';

/** The body the SDK sends, as the server reads it. */
export interface EmbeddingsRequestBody {
  model: string;
  input: string | string[];
  encoding_format?: 'float' | 'base64';
  dimensions?: number;
}

/** Native length of the server's model when the request has no `dimensions`. */
const NATIVE_DIMENSIONS = 1536;

function base64(vector: readonly number[]): string {
  const bytes = Buffer.alloc(vector.length * 4);
  for (const [i, v] of vector.entries()) bytes.writeFloatLE(v, i * 4);
  return bytes.toString('base64');
}

export interface EmbeddingsAnswerOptions {
  /** Answer with this many dimensions whatever was asked (a server ignoring `dimensions`). */
  forceDimensions?: number;
  /** Answer floats even when base64 was asked (a server ignoring `encoding_format`). */
  ignoreEncoding?: boolean;
  /** Send `data` in reverse order (the API does not promise the order; `index` decides). */
  reverse?: boolean;
}

/** A 200 answer to an embeddings request. */
export async function embeddingsAnswer(
  request: RecordedRequest,
  options: EmbeddingsAnswerOptions = {},
): Promise<LocalResponse> {
  const body = request.json as EmbeddingsRequestBody;
  const inputs = Array.isArray(body.input) ? body.input : [body.input];
  const dimensions = options.forceDimensions ?? body.dimensions ?? NATIVE_DIMENSIONS;
  const vectors = await hashingEmbedder({ dimensions }).embed(inputs);
  const asBase64 = body.encoding_format === 'base64' && !options.ignoreEncoding;
  const data = vectors.map((vector, index) => ({
    object: 'embedding',
    index,
    embedding: asBase64 ? base64(vector) : vector,
  }));
  if (options.reverse) data.reverse();
  const tokens = inputs.reduce((sum, text) => sum + text.split(/\s+/).length, 0);
  return {
    status: 200,
    headers: { 'x-request-id': `req_${request.body.length}` },
    body: {
      object: 'list',
      data,
      model: body.model,
      usage: { prompt_tokens: tokens, total_tokens: tokens },
    },
  };
}

/** An OpenAI error answer. */
export function openaiError(
  status: number,
  error: { message: string; type: string; code: string | null },
  headers: Record<string, string> = {},
): LocalResponse {
  return { status, headers, body: { error: { ...error, param: null } } };
}
