/**
 * The events every data-loading GreenTrack widget dispatches, and how a failure becomes one.
 * Both bubble and are composed, so one listener on `document` (or on `<gt-provider>`) hears
 * every widget on the page.
 */
import { GreenTrackApiError } from '../internal/client.js';
import type { ErrorMessages } from './messages.js';

/**
 * What failed, as a stable code: the server's own code for API errors (e.g. `FORBIDDEN`,
 * `NOT_FOUND`, `INTERNAL`), `NETWORK_ERROR` when no answer came, `NOT_CONFIGURED` without an
 * API base, `UNKNOWN` for anything else.
 */
export type GtErrorCode =
  | 'NETWORK_ERROR'
  | 'NOT_CONFIGURED'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'VALIDATION_FAILED'
  | 'INTERNAL'
  | 'UNKNOWN'
  // Any other server code, kept verbatim.
  | (string & {});

/** The `detail` of `gt-error`. */
export interface GtErrorDetail {
  code: GtErrorCode;
  /** Plain language from the messages object, safe to show to the user. */
  message: string;
  /** The HTTP status, or `0` when there was no answer. */
  status: number;
  /** What was thrown (a `GreenTrackApiError`, a `TypeError` from `fetch`…), for logs only. */
  cause?: unknown;
}

/** The `detail` of `gt-token-expired`: the server's 401 answer. */
export interface GtTokenExpiredDetail {
  code: 'UNAUTHENTICATED';
  /** The server's message, e.g. "Token expired" (for logs, not for users). */
  message: string;
  status: 401;
}

export type GtErrorEvent = CustomEvent<GtErrorDetail>;
export type GtTokenExpiredEvent = CustomEvent<GtTokenExpiredDetail>;

declare global {
  interface HTMLElementEventMap {
    'gt-error': GtErrorEvent;
    'gt-token-expired': GtTokenExpiredEvent;
  }
}

/** True for the server's 401, the one failure a fresh token can cure. */
export function isUnauthenticated(error: unknown): error is GreenTrackApiError {
  return error instanceof GreenTrackApiError && error.status === 401;
}

/** True when `fetch` was aborted (a newer request replaced this one). */
export function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'AbortError';
}

/** Maps anything a call threw to the detail of one `gt-error`, worded by `messages.errors`. */
export function toErrorDetail(error: unknown, text: ErrorMessages): GtErrorDetail {
  if (error instanceof GreenTrackApiError) {
    const { status, code } = error;
    const message =
      status === 401
        ? text.unauthenticated
        : status === 403
          ? text.forbidden
          : status === 404
            ? text.notFound
            : code === 'VALIDATION_FAILED'
              ? text.validation
              : status >= 500
                ? text.server
                : text.unknown;
    return { code, message, status, cause: error };
  }
  // fetch rejects with a TypeError when no answer arrives (offline, CORS, refused port).
  if (error instanceof TypeError) {
    return { code: 'NETWORK_ERROR', message: text.network, status: 0, cause: error };
  }
  return { code: 'UNKNOWN', message: text.unknown, status: 0, cause: error };
}
