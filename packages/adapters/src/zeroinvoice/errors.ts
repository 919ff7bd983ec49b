/** Maps ZeroInvoice's answers (FastAPI `{ detail }` bodies) to a typed `GreenTrackError`. */
import { GreenTrackError, retryAfterMs } from '@greentrack/core';
import { ZeroInvoiceErrorCode } from './error-codes.js';
import { fastApiErrorSchema } from './wire.js';

function codeForStatus(status: number): ZeroInvoiceErrorCode {
  if (status === 401 || status === 403) return ZeroInvoiceErrorCode.ZEROINVOICE_UNAUTHORIZED;
  if (status === 404) return ZeroInvoiceErrorCode.ZEROINVOICE_NOT_FOUND;
  if (status === 422) return ZeroInvoiceErrorCode.ZEROINVOICE_VALIDATION_FAILED;
  if (status === 429) return ZeroInvoiceErrorCode.ZEROINVOICE_RATE_LIMITED;
  if (status >= 400 && status < 500) return ZeroInvoiceErrorCode.ZEROINVOICE_REQUEST_REJECTED;
  return ZeroInvoiceErrorCode.ZEROINVOICE_UNAVAILABLE;
}

/** A non-2xx answer as a typed error; `bodyText` is the raw body (maybe not JSON). */
export function httpError(
  what: string,
  status: number,
  bodyText: string,
  headers: Headers,
  now: Date = new Date(),
): GreenTrackError {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bodyText);
  } catch {
    parsed = undefined;
  }
  const error = fastApiErrorSchema.safeParse(parsed);
  const detail = error.success ? error.data.detail : undefined;
  const issues = Array.isArray(detail)
    ? detail.map((d) => ({
        // FastAPI's `loc` starts with where the value was (`body`, `query`): kept in the path.
        path: (d.loc ?? []).join('.'),
        message: d.msg,
        ...(d.type === undefined ? {} : { type: d.type }),
      }))
    : undefined;
  const summary =
    typeof detail === 'string'
      ? detail
      : issues
        ? issues.map((i) => `${i.path}: ${i.message}`).join('; ')
        : `HTTP ${status}`;
  const retryAfter = retryAfterMs(headers.get('retry-after'), now);
  return new GreenTrackError({
    code: codeForStatus(status),
    message: `ZeroInvoice ${what} failed: ${summary}`,
    details: {
      status,
      ...(detail === undefined ? {} : { detail }),
      ...(issues ? { issues } : {}),
      ...(retryAfter === undefined ? {} : { retryAfterMs: retryAfter }),
    },
  });
}

/** A request that never got an answer (refused connection, DNS, abort by timeout). */
export function networkError(what: string, cause: unknown): GreenTrackError {
  return new GreenTrackError({
    code: ZeroInvoiceErrorCode.ZEROINVOICE_UNAVAILABLE,
    message: `ZeroInvoice ${what} failed: ${cause instanceof Error ? cause.message : String(cause)}`,
    cause,
  });
}

/** A 2xx body that is not what the API returns. */
export function responseInvalid(what: string, path: string, cause?: unknown): GreenTrackError {
  return new GreenTrackError({
    code: ZeroInvoiceErrorCode.ZEROINVOICE_RESPONSE_INVALID,
    message: `ZeroInvoice ${what} returned an unexpected body (at ${path || 'the top level'})`,
    details: { path },
    ...(cause === undefined ? {} : { cause }),
  });
}
