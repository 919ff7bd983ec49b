import type { StandardWebhookErrorCode } from './error-codes.js';

/**
 * Options for {@link WebhookVerificationError}.
 *
 * @example
 * new WebhookVerificationError({ code: 'WEBHOOK_SIGNATURE_MISSING', message: 'Missing webhook-id', details: { header: 'webhook-id' } });
 */
export interface WebhookVerificationErrorOptions {
  /** Stable machine-readable code; see {@link StandardWebhookErrorCode}. */
  code: StandardWebhookErrorCode;
  /** Human-readable explanation. Never contains the secret or the expected signature. */
  message: string;
  /** Safe-to-show structured details, e.g. `{ header: 'webhook-id' }`. */
  details?: Record<string, unknown>;
  /** The underlying error (e.g. the `SyntaxError` from `JSON.parse`), for logs only. */
  cause?: unknown;
}

/**
 * Thrown by `verifyStandardWebhook` when a delivery must not be trusted or processed.
 *
 * Same shape as `GreenTrackError` in `@greentrack/core` (`code`, `message`, `details`,
 * `cause`, `toJSON`) so a boundary can re-wrap it without a lookup table of its own. It is a
 * separate class because this package must not depend on core.
 *
 * @example
 * try {
 *   verifyStandardWebhook({ secret, headers: request.headers, rawBody });
 * } catch (error) {
 *   if (error instanceof WebhookVerificationError) {
 *     console.warn(error.code, error.details); // e.g. 'WEBHOOK_SIGNATURE_INVALID'
 *   }
 *   throw error;
 * }
 */
export class WebhookVerificationError extends Error {
  /** Stable machine-readable code; switch on this, never on `message`. */
  readonly code: StandardWebhookErrorCode;
  /** Safe-to-show structured details, or `undefined`. */
  readonly details: Record<string, unknown> | undefined;

  constructor(options: WebhookVerificationErrorOptions) {
    super(options.message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'WebhookVerificationError';
    this.code = options.code;
    this.details = options.details;
  }

  /**
   * The JSON body shape GreenTrack's HTTP API returns for errors.
   *
   * @example
   * Response.json({ error: error.toJSON() }, { status: 401 });
   */
  toJSON(): { code: string; message: string; details?: Record<string, unknown> } {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

/**
 * True when `error` is a {@link WebhookVerificationError}, optionally with the given code.
 *
 * @example
 * if (isWebhookVerificationError(error, 'WEBHOOK_TIMESTAMP_OUT_OF_RANGE')) metrics.replays.inc();
 */
export function isWebhookVerificationError(
  error: unknown,
  code?: StandardWebhookErrorCode,
): error is WebhookVerificationError {
  return error instanceof WebhookVerificationError && (code === undefined || error.code === code);
}
