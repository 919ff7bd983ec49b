/**
 * Error codes thrown by the ZeroInvoice client and connector. Part of the public API: a code
 * is never renamed, only added. Each is thrown as core's `GreenTrackError`; `details.status`
 * holds the HTTP status and `details.detail` FastAPI's `detail` when the server sent them.
 */
export const ZeroInvoiceErrorCode = {
  /**
   * 401 (or 403): the login was refused, the caller's token is invalid or expired, or a fresh
   * login's token was refused again right away (the client re-logs in once per request).
   */
  ZEROINVOICE_UNAUTHORIZED: 'ZEROINVOICE_UNAUTHORIZED',
  /** 404: no such invoice (or client) for this account. */
  ZEROINVOICE_NOT_FOUND: 'ZEROINVOICE_NOT_FOUND',
  /**
   * 422: FastAPI's validation error. `details.issues` lists `{ path, message, type }`, one per
   * entry of `detail` (`path` is `loc` joined with dots, e.g. `body.amount`).
   */
  ZEROINVOICE_VALIDATION_FAILED: 'ZEROINVOICE_VALIDATION_FAILED',
  /** 429. `details.retryAfterMs` when the server sent `Retry-After`. */
  ZEROINVOICE_RATE_LIMITED: 'ZEROINVOICE_RATE_LIMITED',
  /** Any other 4xx. */
  ZEROINVOICE_REQUEST_REJECTED: 'ZEROINVOICE_REQUEST_REJECTED',
  /** 5xx, a refused connection, a timeout, or a redirect loop. */
  ZEROINVOICE_UNAVAILABLE: 'ZEROINVOICE_UNAVAILABLE',
  /** A 2xx whose body is not the JSON shape the API returns (`details.path` says where). */
  ZEROINVOICE_RESPONSE_INVALID: 'ZEROINVOICE_RESPONSE_INVALID',
  /**
   * An amount that is not a finite decimal with at most 15 integer digits, or whose cents do
   * not fit the cache's `int` columns (±21,474,836.47). `details.value` holds it.
   */
  ZEROINVOICE_AMOUNT_INVALID: 'ZEROINVOICE_AMOUNT_INVALID',
} as const;

export type ZeroInvoiceErrorCode = (typeof ZeroInvoiceErrorCode)[keyof typeof ZeroInvoiceErrorCode];
