import { type ProviderFailure, retryAfterMs } from '@greentrack/core';
import { networkErrorCode, networkErrorText, networkOutcome } from '../internal/network-outcome.js';

/**
 * What one `/v3/mail/send` request came to. `scope: 'call'` marks a failure every other
 * request of the batch would meet as well (credentials, rate limit, SendGrid down): the
 * batch stops there, and if nothing went out it is reported as a `ProviderError`.
 */
export type RequestOutcome =
  | { status: 'sent'; providerMessageId: string | null }
  | { status: 'failed'; failure: ProviderFailure; scope: 'message' | 'call' }
  | { status: 'unknown'; error: unknown };

/** The SDK's `ResponseError` (`@sendgrid/helpers`): an HTTP answer ≥ 400. */
interface SendGridResponseError {
  code: number;
  message: string;
  response: { headers: Record<string, unknown>; body: unknown };
}

function isResponseError(error: unknown): error is SendGridResponseError {
  if (typeof error !== 'object' || error === null) return false;
  const { code, response } = error as Partial<SendGridResponseError>;
  return typeof code === 'number' && typeof response === 'object' && response !== null;
}

function header(headers: Record<string, unknown>, name: string): string | undefined {
  const value = headers[name] ?? headers[name.toLowerCase()];
  return typeof value === 'string' ? value : undefined;
}

/** SendGrid's error entries (`{ errors: [{ message, field, help }] }`), or none. */
function errorEntries(body: unknown): Array<{ message: string; field: string | null }> {
  const errors = (body as { errors?: unknown } | null)?.errors;
  if (!Array.isArray(errors)) return [];
  return errors.flatMap((entry: { message?: unknown; field?: unknown }) =>
    typeof entry?.message === 'string'
      ? [{ message: entry.message, field: typeof entry.field === 'string' ? entry.field : null }]
      : [],
  );
}

/**
 * How long a 429 asks us to wait: `Retry-After` when present, else SendGrid's own
 * `X-RateLimit-Reset` (epoch seconds of the refresh).
 */
function rateLimitWaitMs(headers: Record<string, unknown>, now: Date): number | undefined {
  const retryAfter = retryAfterMs(header(headers, 'retry-after'), now);
  if (retryAfter !== undefined) return retryAfter;
  const reset = Number(header(headers, 'x-ratelimit-reset'));
  return Number.isFinite(reset) && reset > 0
    ? Math.max(0, reset * 1000 - now.getTime())
    : undefined;
}

/** Maps an HTTP answer ≥ 400 from SendGrid to an outcome. */
function fromResponse(error: SendGridResponseError, now: Date): RequestOutcome {
  const status = error.code;
  const entries = errorEntries(error.response.body);
  const text =
    entries.map((entry) => entry.message).join('; ') || error.message || `HTTP ${status}`;
  const code = String(status);
  if (status === 429) {
    const wait = rateLimitWaitMs(error.response.headers, now);
    return {
      status: 'failed',
      scope: 'call',
      failure: {
        kind: 'transient',
        code,
        message: text,
        ...(wait === undefined ? {} : { retryAfterMs: wait }),
      },
    };
  }
  // Bad key, missing scope, unverified sender: every message of the batch fails alike.
  if (status === 401 || status === 403) {
    return { status: 'failed', scope: 'call', failure: { kind: 'permanent', code, message: text } };
  }
  if (status < 500) {
    // 400 names the field; one on the recipient's address means the address is unusable.
    const invalidAddress = entries.some((entry) =>
      entry.field?.startsWith('personalizations.0.to'),
    );
    return {
      status: 'failed',
      scope: 'message',
      failure: {
        kind: 'permanent',
        code,
        message: text,
        ...(invalidAddress ? { suppress: 'invalid' as const } : {}),
      },
    };
  }
  // Only "unavailable" proves the request was turned away; after a 500 or a gateway's
  // 502/504 SendGrid may still have accepted the message.
  if (status === 503) {
    return { status: 'failed', scope: 'call', failure: { kind: 'transient', code, message: text } };
  }
  return { status: 'unknown', error };
}

/**
 * Maps what `MailService#send` rejected with: an HTTP error answer, a network failure
 * (axios), our abort, or the SDK's own refusal of the mail data before any request.
 */
export function classifySendGridError(
  error: unknown,
  signal: AbortSignal | undefined,
  now: Date,
): RequestOutcome {
  if (isResponseError(error)) return fromResponse(error, now);
  if (signal?.aborted && error === signal.reason) return { status: 'unknown', error };
  if ((error as { isAxiosError?: unknown } | null)?.isAxiosError === true) {
    if (networkOutcome(error) === 'unknown') return { status: 'unknown', error };
    return {
      status: 'failed',
      scope: 'call',
      failure: {
        kind: 'transient',
        code: networkErrorCode(error, 'NETWORK'),
        message: networkErrorText(error),
      },
    };
  }
  // `Mail.create` refused the data (e.g. a malformed address): no request was made.
  return {
    status: 'failed',
    scope: 'message',
    failure: {
      kind: 'permanent',
      code: 'INVALID_MESSAGE',
      message: error instanceof Error ? error.message : String(error),
    },
  };
}
