/**
 * The one error type GreenTrack throws on purpose.
 *
 * Every module declares its codes as UPPER_SNAKE constants in its own `error-codes.ts`;
 * `error-status.ts` maps each code to an HTTP status in one table. Boundaries (HTTP, CLI,
 * worker) turn anything else into `INTERNAL` so no stack trace or SQL leaks to a caller.
 */

/** Codes shared by every module. */
export const CommonErrorCode = {
  /** `createGreenTrack` got a config that fails validation; `details.issues` names the fields. */
  CONFIG_INVALID: 'CONFIG_INVALID',
  /** Input failed validation; `details.issues` lists `{ path, message }` per field. */
  VALIDATION_FAILED: 'VALIDATION_FAILED',
  /** The thing does not exist, or exists in an organization the caller cannot see. */
  NOT_FOUND: 'NOT_FOUND',
  /** No or bad credentials. */
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  /** Authenticated, but the role is below what the action needs. */
  FORBIDDEN: 'FORBIDDEN',
  /** A uniqueness rule would be broken. */
  CONFLICT: 'CONFLICT',
  /** The database could not be reached or prepared. */
  DATABASE_UNAVAILABLE: 'DATABASE_UNAVAILABLE',
  /** A migration failed; nothing of that migration was applied. */
  MIGRATION_FAILED: 'MIGRATION_FAILED',
  /** Anything unexpected. The message is generic; the cause is kept for logs only. */
  INTERNAL: 'INTERNAL',
} as const;

export type CommonErrorCode = (typeof CommonErrorCode)[keyof typeof CommonErrorCode];

/** The one message an `INTERNAL` error shows outside the process. */
export const INTERNAL_ERROR_MESSAGE = 'Internal error';

/** One field-level problem in `details.issues`. */
export interface ValidationIssue {
  /** Dotted path of the offending field, e.g. `database.url` or `members.0.role`. */
  path: string;
  message: string;
}

export interface GreenTrackErrorOptions {
  code: string;
  message: string;
  /** Safe-to-show structured details (never secrets or SQL). */
  details?: Record<string, unknown>;
  /** The underlying error, for logs. Never serialized into responses. */
  cause?: unknown;
}

/**
 * @example
 * throw new GreenTrackError({ code: 'NOT_FOUND', message: 'Customer not found' });
 */
export class GreenTrackError extends Error {
  readonly code: string;
  readonly details: Record<string, unknown> | undefined;

  constructor(options: GreenTrackErrorOptions) {
    super(options.message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'GreenTrackError';
    this.code = options.code;
    this.details = options.details;
  }

  /**
   * The JSON body shape the HTTP API returns: `{ error: { code, message, details? } }`.
   * `INTERNAL` always says {@link INTERNAL_ERROR_MESSAGE}: its own text was written for logs
   * and may name hosts, SQL or secrets.
   */
  toJSON(): { code: string; message: string; details?: Record<string, unknown> } {
    const message = this.code === CommonErrorCode.INTERNAL ? INTERNAL_ERROR_MESSAGE : this.message;
    return this.details === undefined
      ? { code: this.code, message }
      : { code: this.code, message, details: this.details };
  }
}

/** True for a `GreenTrackError`, optionally with the given code. */
export function isGreenTrackError(error: unknown, code?: string): error is GreenTrackError {
  return error instanceof GreenTrackError && (code === undefined || error.code === code);
}

/** Wraps any thrown value; a `GreenTrackError` passes through unchanged. */
export function toGreenTrackError(error: unknown): GreenTrackError {
  if (error instanceof GreenTrackError) return error;
  return new GreenTrackError({
    code: CommonErrorCode.INTERNAL,
    message: INTERNAL_ERROR_MESSAGE,
    cause: error,
  });
}
