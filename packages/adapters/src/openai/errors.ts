/** Maps what the `openai` SDK throws to a typed `GreenTrackError` (one code per cause). */
import {
  CommonErrorCode,
  GreenTrackError,
  isGreenTrackError,
  retryAfterMs,
} from '@greentrack/core';
import { APIConnectionError, APIError } from 'openai';
import { OpenAIEmbedderErrorCode } from './error-codes.js';

function codeForStatus(status: number): OpenAIEmbedderErrorCode {
  if (status === 401 || status === 403) return OpenAIEmbedderErrorCode.EMBEDDER_UNAUTHORIZED;
  if (status === 429) return OpenAIEmbedderErrorCode.EMBEDDER_RATE_LIMITED;
  if (status >= 400 && status < 500) return OpenAIEmbedderErrorCode.EMBEDDER_REQUEST_REJECTED;
  return OpenAIEmbedderErrorCode.EMBEDDER_UNAVAILABLE;
}

/** `error` as a `GreenTrackError`; the SDK's error stays as `cause` for logs. */
export function toEmbedderError(error: unknown, model: string): GreenTrackError {
  if (isGreenTrackError(error)) return error;
  // A connection error has no status (the SDK's APIError with `status: undefined`).
  if (error instanceof APIError && !(error instanceof APIConnectionError) && error.status) {
    const retryAfter = retryAfterMs(error.headers?.get('retry-after'), new Date());
    return new GreenTrackError({
      code: codeForStatus(error.status),
      // The SDK's message is "<status> <the server's error.message>"; OpenAI masks keys in it.
      message: `Embedding with ${model} failed: ${error.message}`,
      details: {
        status: error.status,
        ...(typeof error.code === 'string' ? { providerCode: error.code } : {}),
        ...(typeof error.type === 'string' ? { providerType: error.type } : {}),
        ...(retryAfter === undefined ? {} : { retryAfterMs: retryAfter }),
      },
      cause: error,
    });
  }
  if (error instanceof APIConnectionError)
    return new GreenTrackError({
      code: OpenAIEmbedderErrorCode.EMBEDDER_UNAVAILABLE,
      message: `Embedding with ${model} failed: ${error.message}`,
      cause: error,
    });
  return new GreenTrackError({
    code: CommonErrorCode.INTERNAL,
    message: `Embedding with ${model} failed unexpectedly`,
    cause: error,
  });
}
