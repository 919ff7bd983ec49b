/**
 * Twilio's answers mapped to GreenTrack's outcomes — in one place, so the table below is the
 * whole story. Twilio has no batch send, so a call is one message: what concerns the
 * recipient is that message's `ProviderFailure`; what concerns the account or Twilio
 * itself (credentials, rate limit, outage, network) is a `ProviderError` for the call.
 *
 * | Twilio answer                               | Outcome                                              |
 * | ------------------------------------------- | ---------------------------------------------------- |
 * | 21610 (recipient replied STOP)              | permanent, `suppress: 'unsubscribed'`                |
 * | 21211 / 21614 (invalid / not a mobile)      | permanent, `suppress: 'invalid'`                     |
 * | any other 4xx                               | permanent (Twilio's code and text)                   |
 * | 401 / 403 (20003 bad credentials)           | `ProviderError` permanent, `not_sent`                |
 * | 429 / 20429 (too many requests)             | `ProviderError` transient, `not_sent`, `Retry-After` |
 * | 503                                         | `ProviderError` transient, `not_sent`                |
 * | other 5xx                                   | `ProviderError` transient, `unknown`                 |
 * | refused / DNS / TLS before the request      | `ProviderError` transient, `not_sent`                |
 * | timeout, reset, anything else               | `ProviderError` transient, `unknown`                 |
 *
 * A 503 is Twilio saying it cannot take the request now (nothing was created); a 500, or a
 * 502/504 from a gateway in front of it, may come after the message was created, so those
 * count as `unknown` and core only resends them through an idempotent path.
 */
import { ProviderError, type ProviderFailure, retryAfterMs } from '@greentrack/core';

/** Twilio error codes that say the recipient's number should get nothing more. */
const SUPPRESS: Readonly<Record<number, ProviderFailure['suppress']>> = {
  21610: 'unsubscribed',
  21211: 'invalid',
  21614: 'invalid',
};

/** Network errors raised before a byte of the request left: nothing can have been created. */
const BEFORE_REQUEST = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** What the SDK's `RestException` (legacy body) or `TwilioServiceException` (RFC 9457) carry. */
interface TwilioApiError {
  status: number;
  code: number | undefined;
  message: string;
  moreInfo: string | undefined;
}

function asApiError(error: unknown): TwilioApiError | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as Record<string, unknown>;
  if (typeof e.status !== 'number') return undefined;
  const text = [e.message, e.detail, e.title].find((t) => typeof t === 'string' && t !== '');
  return {
    status: e.status,
    code: typeof e.code === 'number' ? e.code : undefined,
    message: (text as string | undefined) ?? `HTTP ${e.status}`,
    moreInfo: typeof e.moreInfo === 'string' ? e.moreInfo : undefined,
  };
}

function header(headers: Readonly<Record<string, unknown>> | undefined, name: string) {
  const value = headers?.[name] ?? headers?.[name.toLowerCase()];
  return typeof value === 'string' ? value : undefined;
}

/**
 * The failure of one `messages.create` call: a `ProviderFailure` for the message, or a
 * `ProviderError` to throw for the call.
 */
export function twilioFailure(
  error: unknown,
  responseHeaders: Readonly<Record<string, unknown>> | undefined,
  now: Date,
): ProviderFailure | ProviderError {
  const api = asApiError(error);
  if (api === undefined) return networkFailure(error);
  const code = String(api.code ?? api.status);
  const message = api.moreInfo ? `${api.message} (${api.moreInfo})` : api.message;
  if (api.status === 429 || api.code === 20429) {
    const wait = retryAfterMs(header(responseHeaders, 'retry-after'), now);
    return new ProviderError({
      message,
      code,
      kind: 'transient',
      outcome: 'not_sent',
      cause: error,
      ...(wait === undefined ? {} : { retryAfterMs: wait }),
    });
  }
  if (api.status === 401 || api.status === 403) {
    return new ProviderError({
      message,
      code,
      kind: 'permanent',
      outcome: 'not_sent',
      cause: error,
    });
  }
  if (api.status >= 500) {
    const outcome = api.status === 503 ? 'not_sent' : 'unknown';
    return new ProviderError({ message, code, kind: 'transient', outcome, cause: error });
  }
  const suppress = api.code === undefined ? undefined : SUPPRESS[api.code];
  return { kind: 'permanent', code, message, ...(suppress ? { suppress } : {}) };
}

function networkFailure(error: unknown): ProviderError {
  const code =
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { code?: unknown }).code === 'string'
      ? (error as { code: string }).code
      : 'TWILIO_REQUEST_FAILED';
  return new ProviderError({
    message: error instanceof Error ? error.message : String(error),
    code,
    kind: 'transient',
    outcome: BEFORE_REQUEST.has(code) ? 'not_sent' : 'unknown',
    cause: error,
  });
}
