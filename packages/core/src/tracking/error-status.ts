import type { TrackingErrorCode } from './error-codes.js';

/**
 * The HTTP status of each code (the module's rows of the status table). Apart from the
 * codes: the composition-root test reads every table in `error-codes.ts` as codes.
 */
export const TRACKING_ERROR_STATUS = {
  TRACKING_TOKEN_INVALID: 404,
  TRACKING_TOKEN_EXPIRED: 410,
  TRACKING_UNSUBSCRIBE_BODY: 400,
} as const satisfies Record<TrackingErrorCode, number>;
