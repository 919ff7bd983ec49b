/**
 * Error codes of the consent module.
 *
 * Consent has no failure of its own: its functions fail with codes other modules own (and
 * `error-status.ts` already maps). They are gathered here so a caller of this module finds
 * what to expect in one place.
 */
import { CustomerErrorCode } from '../customers/index.js';
import { CommonErrorCode } from '../errors.js';

export const ConsentErrorCode = {
  /** No such customer in the caller's organization (also for a malformed id). 404. */
  CUSTOMER_NOT_FOUND: CustomerErrorCode.CUSTOMER_NOT_FOUND,
  /** Unknown channel, status or policy mode, or a bad `source`; `details.issues` names each. 400. */
  VALIDATION_FAILED: CommonErrorCode.VALIDATION_FAILED,
  /** Staff changing the policy (needs admin), or a token without the `consent.*` scope. 403. */
  FORBIDDEN: CommonErrorCode.FORBIDDEN,
} as const;

export type ConsentErrorCode = (typeof ConsentErrorCode)[keyof typeof ConsentErrorCode];
