/** Error codes of the HTTP layer. */
export const HttpErrorCode = {
  /** The request body exceeds the configured limit. */
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  /** The route does not accept the request's `Content-Type` (e.g. `text/plain` for JSON). */
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  /**
   * The HTTP layer refused the request for a reason without a code of its own (any other
   * 4xx a Hono middleware throws); answered as 400, `details.status` keeps Hono's status.
   */
  BAD_REQUEST: 'BAD_REQUEST',
  /** No route matches the method and path. */
  ROUTE_NOT_FOUND: 'ROUTE_NOT_FOUND',
} as const;

export type HttpErrorCode = (typeof HttpErrorCode)[keyof typeof HttpErrorCode];
