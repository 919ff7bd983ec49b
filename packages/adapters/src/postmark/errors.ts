import { ProviderError, type ProviderFailure, retryAfterMs } from '@greentrack/core';
import { networkErrorCode, networkErrorText, networkOutcome } from '../internal/network-outcome.js';
import type { CallSlot } from './call-context.js';

/**
 * Postmark's per-message `ErrorCode`s (https://postmarkapp.com/developer/api/overview#error-codes)
 * that are worth trying again later: maintenance, an account that may not send right now
 * (out of credits), a rate limit. Every other non-zero code is permanent for the message.
 */
const TRANSIENT_CODES = new Set([100, 405, 429]);

/** A per-message `ErrorCode` ≠ 0 of a batch answer, as a failure. */
export function messageFailure(errorCode: number, message: string): ProviderFailure {
  const code = String(errorCode);
  if (TRANSIENT_CODES.has(errorCode)) return { kind: 'transient', code, message };
  // Inactive: hard bounce, spam complaint or manual suppression at Postmark. Stop sending.
  if (errorCode === 406) return { kind: 'permanent', code, message, suppress: 'bounced' };
  // 300 covers every invalid request; only one naming the To address says the address is bad.
  if (errorCode === 300 && /'To'/.test(message)) {
    return { kind: 'permanent', code, message, suppress: 'invalid' };
  }
  return { kind: 'permanent', code, message };
}

/** The SDK's `PostmarkError`: `statusCode` 0 when no HTTP answer came. */
interface PostmarkSdkError {
  message: string;
  code: number;
  statusCode: number;
}

function isPostmarkError(error: unknown): error is PostmarkSdkError {
  return (
    error instanceof Error &&
    typeof (error as Partial<PostmarkSdkError>).statusCode === 'number' &&
    typeof (error as Partial<PostmarkSdkError>).code === 'number'
  );
}

/**
 * The `ProviderError` for an `/email/batch` call that failed as a whole: 401 and 422 (the
 * request itself refused: bad token, too many messages, bad JSON) are permanent; 429 and 503
 * transient, nothing sent; after a 500 Postmark says the message is "in most cases" lost, so
 * its outcome is unknown, as is a request that timed out or was aborted once sent.
 */
export function batchError(error: unknown, slot: CallSlot, now: Date): ProviderError {
  if (!isPostmarkError(error) || error.statusCode === 0) {
    const cause = slot.networkError ?? error;
    return new ProviderError({
      kind: 'transient',
      outcome: networkOutcome(cause),
      code: networkErrorCode(cause, 'NO_ANSWER'),
      message: `Postmark did not answer: ${networkErrorText(cause)}`,
      cause: error,
    });
  }
  const status = error.statusCode;
  const code = String(error.code === 0 ? status : error.code);
  const message = error.message;
  if (status === 429 || status === 503) {
    const wait = retryAfterMs(slot.response?.headers.get('retry-after'), now);
    return new ProviderError({
      kind: 'transient',
      outcome: 'not_sent',
      code,
      message,
      ...(wait === undefined ? {} : { retryAfterMs: wait }),
      cause: error,
    });
  }
  if (status >= 500) {
    return new ProviderError({
      kind: 'transient',
      outcome: 'unknown',
      code,
      message,
      cause: error,
    });
  }
  return new ProviderError({ kind: 'permanent', outcome: 'not_sent', code, message, cause: error });
}
