/**
 * The one table from error code to HTTP status. Add every new module's codes here; a test
 * fails if a declared code is missing.
 */
import { CommonErrorCode } from './errors.js';
import { TenancyErrorCode } from './tenancy/error-codes.js';

export const errorStatus: Record<CommonErrorCode | TenancyErrorCode, number> = {
  CONFIG_INVALID: 500,
  VALIDATION_FAILED: 400,
  NOT_FOUND: 404,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  CONFLICT: 409,
  DATABASE_UNAVAILABLE: 503,
  MIGRATION_FAILED: 500,
  INTERNAL: 500,
  NOT_A_MEMBER: 403,
  USER_NOT_FOUND: 404,
  USER_EMAIL_TAKEN: 409,
  ORGANIZATION_NOT_FOUND: 404,
  MEMBERSHIP_NOT_FOUND: 404,
  MEMBERSHIP_EXISTS: 409,
  LAST_OWNER: 409,
};

/** The HTTP status for `code`; unknown codes are server errors. */
export function httpStatusFor(code: string): number {
  return (errorStatus as Record<string, number>)[code] ?? 500;
}

/** Every declared code, for the completeness test. */
export const declaredErrorCodes: string[] = [
  ...Object.values(CommonErrorCode),
  ...Object.values(TenancyErrorCode),
];
