/**
 * Postmark (`postmark`) as a GreenTrack `EmailProvider`, and its webhooks (basic-auth
 * credentials in the URL, optional IP allowlist) as a `WebhookSource`.
 *
 * @example
 * import { postmark } from '@greentrack/adapters/postmark';
 * const email = postmark({ serverToken: process.env.POSTMARK_SERVER_TOKEN });
 *
 * @packageDocumentation
 */
export type { PostmarkOptions } from './options.js';
export { postmark } from './provider.js';
export { postmarkWebhooks } from './webhooks.js';
