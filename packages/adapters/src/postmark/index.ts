/**
 * Postmark (`postmark`) as a GreenTrack `EmailProvider`.
 *
 * @example
 * import { postmark } from '@greentrack/adapters/postmark';
 * const email = postmark({ serverToken: process.env.POSTMARK_SERVER_TOKEN });
 *
 * @packageDocumentation
 */
export type { PostmarkOptions } from './options.js';
export { postmark } from './provider.js';
