import { decodeSecret } from './secret.js';
import { computeSignature, SYMMETRIC_VERSION } from './signature.js';

/**
 * Options for {@link signStandardWebhook}.
 *
 * @example
 * const options: SignStandardWebhookOptions = { secret, id: 'msg_1', timestamp: new Date(), rawBody: '{"type":"invoice.paid"}' };
 */
export interface SignStandardWebhookOptions {
  /** The endpoint's signing secret, `whsec_<base64>` (the prefix is optional). */
  secret: string;
  /**
   * The `webhook-id`. It must not contain `.` (the spec requires this of ids, because the
   * signed content is `.`-delimited and a dotted id could shift bytes between fields) nor
   * whitespace (it travels in a header).
   */
  id: string;
  /**
   * The `webhook-timestamp` of this attempt: a `Date` (truncated to whole seconds) or whole
   * seconds since the epoch. Send the same value in the header, e.g. `String(seconds)`.
   */
  timestamp: Date | number;
  /** The exact body that will be sent; sign the bytes you send, not an object. */
  rawBody: string | Uint8Array;
}

/** Anything that is not a visible ASCII character other than `.`. */
const UNSAFE_ID_CHARS = /[^\x21-\x2d\x2f-\x7e]/;

/**
 * Signs a webhook the Standard Webhooks way and returns the `webhook-signature` header value,
 * `v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{rawBody}">`. Used by our own senders and by
 * tests that need authentic deliveries.
 *
 * During a secret rotation, sign with both secrets and join the results with a space; the
 * spec defines the header as a space-delimited list for exactly that.
 *
 * @throws `TypeError` for an empty or unsafe `id` or an invalid `timestamp`;
 * `WebhookVerificationError` (`WEBHOOK_SECRET_INVALID`) for a bad secret.
 *
 * @example
 * import { signStandardWebhook } from '@greentrack/adapters/standard-webhooks';
 *
 * const rawBody = JSON.stringify({ type: 'invoice.paid', timestamp: new Date().toISOString(), data });
 * const timestamp = Math.floor(Date.now() / 1000);
 * await fetch(endpoint, {
 *   method: 'POST',
 *   body: rawBody,
 *   headers: {
 *     'content-type': 'application/json',
 *     'webhook-id': 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W',
 *     'webhook-timestamp': String(timestamp),
 *     'webhook-signature': signStandardWebhook({ secret, id: 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W', timestamp, rawBody }),
 *   },
 * });
 */
export function signStandardWebhook(options: SignStandardWebhookOptions): string {
  const { secret, id, timestamp, rawBody } = options;
  if (typeof id !== 'string' || id === '' || UNSAFE_ID_CHARS.test(id)) {
    throw new TypeError('id must be non-empty visible ASCII without "." or whitespace');
  }
  const key = decodeSecret(secret);
  const signature = computeSignature(key, id, String(toUnixSeconds(timestamp)), rawBody);
  return `${SYMMETRIC_VERSION},${signature}`;
}

function toUnixSeconds(timestamp: Date | number): number {
  const seconds = timestamp instanceof Date ? Math.floor(timestamp.getTime() / 1000) : timestamp;
  if (!Number.isSafeInteger(seconds) || seconds < 0) {
    throw new TypeError('timestamp must be a valid Date or whole, non-negative seconds');
  }
  return seconds;
}
