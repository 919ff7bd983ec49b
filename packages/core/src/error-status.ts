/**
 * The one table from error code to HTTP status. Add every new module's codes here; a test
 * fails if a declared code is missing.
 */

import { CustomerErrorCode } from './customers/error-codes.js';
import { EmbeddingErrorCode } from './embeddings/error-codes.js';
import { CommonErrorCode } from './errors.js';
import { HttpErrorCode } from './http/error-codes.js';
import { ImportErrorCode } from './imports/error-codes.js';
import { IntegrationErrorCode } from './integrations/error-codes.js';
import { SegmentErrorCode } from './segments/error-codes.js';
import { TenancyErrorCode } from './tenancy/error-codes.js';

export const errorStatus: Record<
  | CommonErrorCode
  | HttpErrorCode
  | TenancyErrorCode
  | IntegrationErrorCode
  | CustomerErrorCode
  | EmbeddingErrorCode
  | ImportErrorCode
  | SegmentErrorCode,
  number
> = {
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
  NOT_A_MEMBER: 403,
  USER_NOT_FOUND: 404,
  USER_EMAIL_TAKEN: 409,
  ORGANIZATION_NOT_FOUND: 404,
  MEMBERSHIP_NOT_FOUND: 404,
  MEMBERSHIP_EXISTS: 409,
  LAST_OWNER: 409,
  CUSTOMER_NOT_FOUND: 404,
  CUSTOMER_HAS_HISTORY: 409,
  INTEGRATION_NOT_FOUND: 404,
  INTEGRATION_EXISTS: 409,
  // A deployment problem (no `secret` configured), not the caller's.
  SECRET_REQUIRED: 500,
  CREDENTIALS_KEY_UNKNOWN: 500,
  CREDENTIALS_DECRYPT_FAILED: 500,
  // A deployment problem: the embedder does not fit the database's vector columns.
  EMBEDDING_DIMENSION_MISMATCH: 500,
  IMPORT_MALFORMED_CSV: 400,
  IMPORT_MAPPING_INVALID: 400,
  IMPORT_UNSUPPORTED_MEDIA_TYPE: 415,
  IMPORT_FILE_MISSING: 400,
  SEGMENT_NOT_FOUND: 404,
  SEGMENT_IN_USE: 409,
  SEGMENT_RULE_CORRUPT: 500,
};

/** The HTTP status for `code`; unknown codes are server errors. */
export function httpStatusFor(code: string): number {
  return (errorStatus as Record<string, number>)[code] ?? 500;
}

/** Every declared code, for the completeness test. */
export const declaredErrorCodes: string[] = [
  ...Object.values(CommonErrorCode),
  ...Object.values(HttpErrorCode),
  ...Object.values(TenancyErrorCode),
  ...Object.values(IntegrationErrorCode),
  ...Object.values(CustomerErrorCode),
  ...Object.values(EmbeddingErrorCode),
  ...Object.values(ImportErrorCode),
  ...Object.values(SegmentErrorCode),
];
