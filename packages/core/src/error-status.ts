/**
 * The one table from error code to HTTP status: the kits' codes below, then every module's
 * own (`errorStatus` in its descriptor), folded from the composition root. A code declared
 * twice with two statuses fails at startup; a test checks every declared code has a row.
 */
import type { CommonErrorCode } from './errors.js';
import type { HttpErrorCode } from './http/error-codes.js';
import { modules } from './modules.js';
import type { SecretErrorCode } from './secrets/index.js';

/** Statuses of the codes that belong to no module (the shared kits). */
const kitErrorStatus: Record<CommonErrorCode | HttpErrorCode | SecretErrorCode, number> = {
  CONFIG_INVALID: 500,
  VALIDATION_FAILED: 400,
  NOT_FOUND: 404,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  CONFLICT: 409,
  DATABASE_UNAVAILABLE: 503,
  MIGRATION_FAILED: 500,
  INTERNAL: 500,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  BAD_REQUEST: 400,
  ROUTE_NOT_FOUND: 404,
  // Deployment problems (no or a wrong `secret` configured), not the caller's.
  SECRET_REQUIRED: 500,
  CREDENTIALS_KEY_UNKNOWN: 500,
  CREDENTIALS_DECRYPT_FAILED: 500,
};

function foldErrorStatus(): Readonly<Record<string, number>> {
  const table: Record<string, number> = { ...kitErrorStatus };
  for (const module of modules) {
    for (const [code, status] of Object.entries(
      'errorStatus' in module ? (module.errorStatus ?? {}) : {},
    )) {
      if (code in table && table[code] !== status)
        throw new Error(`Error code ${code} has two statuses: ${table[code]} and ${status}`);
      table[code] = status;
    }
  }
  return Object.freeze(table);
}

/** Error code → HTTP status, for every code GreenTrack throws. */
export const errorStatus: Readonly<Record<string, number>> = foldErrorStatus();

/** The HTTP status for `code`; unknown codes are server errors. */
export function httpStatusFor(code: string): number {
  return errorStatus[code] ?? 500;
}
