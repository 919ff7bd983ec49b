/**
 * Turns anything thrown while handling a request into `{ error: { code, message, details? } }`
 * with the status from the one status table. Unknown errors become a bare 500: the cause
 * goes to the logger, never into the response.
 */
import { HTTPException } from 'hono/http-exception';
import {
  CommonErrorCode,
  GreenTrackError,
  INTERNAL_ERROR_MESSAGE,
  toGreenTrackError,
} from '../errors.js';
import { HttpErrorCode } from './error-codes.js';

/** Where the HTTP layer reports server-side failures. */
export interface Logger {
  error(message: string, context: { error: unknown; method: string; path: string }): void;
}

/** Logs to stderr. */
export const consoleLogger: Logger = {
  error: (message, context) =>
    console.error(`[greentrack] ${message}`, context.method, context.path, context.error),
};

/**
 * Hono (and its validators) throw `HTTPException`s; each status maps to one of our codes so
 * the response keeps its 4xx and our error shape. The message comes from Hono, never from
 * user input.
 */
function fromHttpException(error: HTTPException): GreenTrackError {
  switch (error.status) {
    case 400:
      // Hono's validator throws this for a body that is not JSON at all.
      return new GreenTrackError({
        code: CommonErrorCode.VALIDATION_FAILED,
        message: error.message || 'Malformed request',
        details: { issues: [{ path: '(body)', message: error.message || 'malformed JSON' }] },
      });
    case 413:
      return new GreenTrackError({
        code: HttpErrorCode.PAYLOAD_TOO_LARGE,
        message: 'Request body too large',
      });
    case 415:
      return new GreenTrackError({
        code: HttpErrorCode.UNSUPPORTED_MEDIA_TYPE,
        message: 'Unsupported Content-Type for this route',
      });
  }
  if (error.status >= 400 && error.status < 500) {
    return new GreenTrackError({
      code: HttpErrorCode.BAD_REQUEST,
      message: error.message || 'Bad request',
      details: { status: error.status },
    });
  }
  return new GreenTrackError({
    code: CommonErrorCode.INTERNAL,
    message: INTERNAL_ERROR_MESSAGE,
    cause: error,
  });
}

/** Error code → HTTP status (the composition root's table). */
export type StatusFor = (code: string) => number;

/** The JSON error response for `error`. */
export function errorResponse(
  error: unknown,
  request: Request,
  logger: Logger,
  statusFor: StatusFor,
): Response {
  const gtError =
    error instanceof HTTPException ? fromHttpException(error) : toGreenTrackError(error);
  const status = statusFor(gtError.code);
  if (status >= 500) {
    logger.error(gtError.code === CommonErrorCode.INTERNAL ? 'Unhandled error' : gtError.message, {
      error,
      method: request.method,
      path: new URL(request.url).pathname,
    });
  }
  return Response.json({ error: gtError.toJSON() }, { status });
}
