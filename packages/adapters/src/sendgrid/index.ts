/**
 * SendGrid (`@sendgrid/mail`) as a GreenTrack `EmailProvider`.
 *
 * @example
 * import { sendgrid } from '@greentrack/adapters/sendgrid';
 * const email = sendgrid({ apiKey: process.env.SENDGRID_API_KEY, sandboxMode: false });
 *
 * @packageDocumentation
 */
export type { SendGridOptions } from './options.js';
export { sendgrid } from './provider.js';
