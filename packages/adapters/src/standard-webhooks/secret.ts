import { StandardWebhookErrorCode } from './error-codes.js';
import { WebhookVerificationError } from './errors.js';

/** Prefix the spec gives symmetric secrets "for easy identification"; not part of the key. */
const SYMMETRIC_PREFIX = 'whsec_';

/** Prefixes of ed25519 keys (`v1a` signatures), which this module does not implement. */
const ASYMMETRIC_PREFIXES = ['whsk_', 'whpk_'] as const;

/**
 * Canonical standard base64 with padding. `Buffer.from(s, 'base64')` alone would skip invalid
 * characters and accept URL-safe input, quietly turning a mistyped secret into a different
 * key; every delivery would then fail with a misleading `WEBHOOK_SIGNATURE_INVALID`.
 */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Turns a `whsec_<base64>` secret into the raw HMAC key bytes.
 *
 * The prefix is optional, as in the official libraries, because some dashboards show the
 * bare base64 part. Error messages never echo the secret: they end up in logs.
 */
export function decodeSecret(secret: string): Buffer {
  const fail = (message: string): never => {
    throw new WebhookVerificationError({
      code: StandardWebhookErrorCode.WEBHOOK_SECRET_INVALID,
      message,
    });
  };
  if (typeof secret !== 'string' || secret.trim() === '') {
    return fail('Webhook secret is empty; configure the whsec_... secret from the provider.');
  }
  const trimmed = secret.trim();
  if (ASYMMETRIC_PREFIXES.some((prefix) => trimmed.startsWith(prefix))) {
    return fail('Webhook secret is an ed25519 (v1a) key; only v1 (HMAC-SHA256) is supported.');
  }
  const encoded = trimmed.startsWith(SYMMETRIC_PREFIX)
    ? trimmed.slice(SYMMETRIC_PREFIX.length)
    : trimmed;
  if (encoded === '' || !BASE64.test(encoded)) {
    return fail('Webhook secret is not valid base64 after the whsec_ prefix.');
  }
  return Buffer.from(encoded, 'base64');
}
