/**
 * Standard Webhooks (https://www.standardwebhooks.com) signature verification and signing,
 * symmetric `v1` (HMAC-SHA256) scheme. Providers that speak it (ZeroInvoice, anything built on
 * Svix) all go through here.
 *
 * Only the public API is re-exported; the helpers behind it (`headers.ts`, `secret.ts`,
 * `signature.ts`) may change at any time.
 *
 * @example
 * import { verifyStandardWebhook } from '@greentrack/adapters/standard-webhooks';
 * const { id, timestamp, payload } = verifyStandardWebhook({ secret, headers, rawBody });
 *
 * @packageDocumentation
 */
export { StandardWebhookErrorCode } from './error-codes.js';
export {
  isWebhookVerificationError,
  WebhookVerificationError,
  type WebhookVerificationErrorOptions,
} from './errors.js';
export { type HeadersLike, STANDARD_WEBHOOK_HEADERS, type WebhookHeaders } from './headers.js';
export { type SignStandardWebhookOptions, signStandardWebhook } from './sign.js';
export {
  type VerifiedStandardWebhook,
  type VerifyStandardWebhookOptions,
  verifyStandardWebhook,
} from './verify.js';
