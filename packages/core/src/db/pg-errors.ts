/**
 * Recognizes Postgres errors by SQLSTATE, the same on `pg` and PGlite.
 */

/** SQLSTATE codes GreenTrack reacts to. */
export const PgErrorCode = {
  UNIQUE_VIOLATION: '23505',
  FOREIGN_KEY_VIOLATION: '23503',
  CHECK_VIOLATION: '23514',
  NOT_NULL_VIOLATION: '23502',
  INVALID_TEXT_REPRESENTATION: '22P02',
} as const;

interface PgLikeError {
  code?: unknown;
  constraint?: unknown;
}

/** The SQLSTATE of a database error, or `undefined` for anything else. */
export function pgErrorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as PgLikeError).code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/** The violated constraint's name, when the database reported one. */
export function pgConstraint(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const constraint = (error as PgLikeError).constraint;
  return typeof constraint === 'string' ? constraint : undefined;
}

/** True for a unique violation, optionally of one named constraint. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  return (
    pgErrorCode(error) === PgErrorCode.UNIQUE_VIOLATION &&
    (constraint === undefined || pgConstraint(error) === constraint)
  );
}

/** True for a foreign-key violation, optionally of one named constraint. */
export function isForeignKeyViolation(error: unknown, constraint?: string): boolean {
  return (
    pgErrorCode(error) === PgErrorCode.FOREIGN_KEY_VIOLATION &&
    (constraint === undefined || pgConstraint(error) === constraint)
  );
}
