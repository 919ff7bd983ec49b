/**
 * Stripe's answers mapped to a `ProviderError`, in one place. Stripe answers an error with
 * `{ error: { type, code, message, param } }` and the SDK raises it as a `StripeError`
 * subclass by status; what core needs to know is whether trying again later can help and
 * whether anything may have been created.
 *
 * | Stripe answer                                        | `ProviderError`                          |
 * | ---------------------------------------------------- | ---------------------------------------- |
 * | 400 / 404 `invalid_request_error`, 402 `card_error`  | permanent, `not_sent`                    |
 * | 401 (bad key) / 403 (key lacks the permission)       | permanent, `not_sent`                    |
 * | 409 `idempotency_error` (same key, other parameters) | permanent, `not_sent`                    |
 * | 429 `rate_limit` / `lock_timeout`                    | transient, `not_sent`, `Retry-After`     |
 * | 5xx `api_error`                                      | transient, `unknown`                     |
 * | connection refused / reset / timeout                 | transient, `unknown`                     |
 *
 * The SDK has already retried what it could (5xx, 409 conflicts, 429 with
 * `Stripe-Should-Retry: true`, connection errors) under the SAME idempotency key before
 * this runs, so a transient error here means Stripe stayed unavailable for the whole
 * backoff; the caller may retry later with the same key and get the same object.
 */
import { ProviderError, retryAfterMs } from '@greentrack/core';
import Stripe from 'stripe';

function codeOf(error: InstanceType<typeof Stripe.errors.StripeError>): string {
  return error.code ?? error.rawType ?? error.type;
}

/** The `ProviderError` for a failed Stripe call (`error` as the SDK threw it). */
export function stripeFailure(error: unknown, now: Date = new Date()): ProviderError {
  if (!(error instanceof Stripe.errors.StripeError)) {
    return new ProviderError({
      message: `Stripe request failed: ${error instanceof Error ? error.message : String(error)}`,
      kind: 'transient',
      outcome: 'unknown',
      code: 'stripe_unknown',
      cause: error,
    });
  }
  const status = error.statusCode;
  const detail = error.param ? `${error.message} (param: ${error.param})` : error.message;
  const message = `Stripe ${status ?? 'connection'} ${codeOf(error)}: ${detail}`;
  if (error instanceof Stripe.errors.StripeConnectionError || status === undefined) {
    return new ProviderError({
      message,
      kind: 'transient',
      outcome: 'unknown',
      code: codeOf(error),
      cause: error,
    });
  }
  if (status === 429) {
    const wait = retryAfterMs(error.headers?.['retry-after'], now);
    return new ProviderError({
      message,
      kind: 'transient',
      outcome: 'not_sent',
      code: codeOf(error),
      ...(wait !== undefined && { retryAfterMs: wait }),
      cause: error,
    });
  }
  if (status >= 500) {
    return new ProviderError({
      message,
      kind: 'transient',
      outcome: 'unknown',
      code: codeOf(error),
      cause: error,
    });
  }
  return new ProviderError({
    message,
    kind: 'permanent',
    outcome: 'not_sent',
    code: codeOf(error),
    cause: error,
  });
}
