/**
 * Error codes thrown by `openaiEmbedder`. Part of the public API: a code is never renamed,
 * only added. Every one is thrown as core's `GreenTrackError`; the worker records the message
 * and retries the batch later, so nothing a code describes ever reaches the database.
 */
export const OpenAIEmbedderErrorCode = {
  /** The server answered 401/403: a missing, wrong or revoked API key. `details.status`. */
  EMBEDDER_UNAUTHORIZED: 'EMBEDDER_UNAUTHORIZED',
  /**
   * Still 429 after the SDK's retries (it waits as `Retry-After` says between them).
   * `details.retryAfterMs` is the server's last `Retry-After`, when it sent one.
   */
  EMBEDDER_RATE_LIMITED: 'EMBEDDER_RATE_LIMITED',
  /** Any other 4xx: an unknown model, a `dimensions` the model does not support, input too long. */
  EMBEDDER_REQUEST_REJECTED: 'EMBEDDER_REQUEST_REJECTED',
  /** 5xx after retries, a refused connection or a timeout. */
  EMBEDDER_UNAVAILABLE: 'EMBEDDER_UNAVAILABLE',
  /**
   * A returned vector has a length other than `dimensions`, or a value that is not a finite
   * number. `details` has `index`, `expected` and `actual`. Usually a `dimensions` the server
   * ignored (a model without the parameter, or a server that does not implement it).
   */
  EMBEDDER_VECTOR_INVALID: 'EMBEDDER_VECTOR_INVALID',
  /** The response does not hold exactly one embedding per input, indexed `0..n-1`. */
  EMBEDDER_RESPONSE_INVALID: 'EMBEDDER_RESPONSE_INVALID',
} as const;

export type OpenAIEmbedderErrorCode =
  (typeof OpenAIEmbedderErrorCode)[keyof typeof OpenAIEmbedderErrorCode];
