/**
 * Error codes thrown by `verifyStandardWebhook`. They are part of the public API: callers map
 * them to HTTP statuses and alert on them, so a code is never renamed, only added.
 *
 * All codes except `WEBHOOK_SECRET_INVALID` describe the incoming request (answer 400/401 and
 * let the sender retry); `WEBHOOK_SECRET_INVALID` is our own misconfiguration (answer 500 and
 * page someone, because every delivery will fail the same way).
 *
 * @example
 * import { StandardWebhookErrorCode } from '@greentrack/adapters/standard-webhooks';
 * if (error.code === StandardWebhookErrorCode.WEBHOOK_SIGNATURE_INVALID) return new Response(null, { status: 401 });
 */
export const StandardWebhookErrorCode = {
  /** The configured secret is empty, not base64, or an asymmetric (`whsk_`/`whpk_`) key. */
  WEBHOOK_SECRET_INVALID: 'WEBHOOK_SECRET_INVALID',
  /**
   * `webhook-id`, `webhook-timestamp` or `webhook-signature` is absent or empty, so the request
   * is unsigned. `details.header` names the first one missing.
   */
  WEBHOOK_SIGNATURE_MISSING: 'WEBHOOK_SIGNATURE_MISSING',
  /** No `v1` entry of `webhook-signature` matches the HMAC of `{id}.{timestamp}.{body}`. */
  WEBHOOK_SIGNATURE_INVALID: 'WEBHOOK_SIGNATURE_INVALID',
  /** The signature matched but `webhook-timestamp` is not an integer number of seconds. */
  WEBHOOK_TIMESTAMP_INVALID: 'WEBHOOK_TIMESTAMP_INVALID',
  /** The signature matched but the timestamp is further than the tolerance from now (replay). */
  WEBHOOK_TIMESTAMP_OUT_OF_RANGE: 'WEBHOOK_TIMESTAMP_OUT_OF_RANGE',
  /** The signature matched but the body is not UTF-8 JSON. */
  WEBHOOK_PAYLOAD_INVALID: 'WEBHOOK_PAYLOAD_INVALID',
} as const;

/**
 * One of the {@link StandardWebhookErrorCode} values.
 *
 * @example
 * const statusFor = (code: StandardWebhookErrorCode): number => (code === 'WEBHOOK_SECRET_INVALID' ? 500 : 401);
 */
export type StandardWebhookErrorCode =
  (typeof StandardWebhookErrorCode)[keyof typeof StandardWebhookErrorCode];
