/**
 * SendGrid (`@sendgrid/mail`) as a GreenTrack `EmailProvider`, and its Signed Event Webhook
 * (`@sendgrid/eventwebhook`) as a `WebhookSource`.
 *
 * @example
 * import { sendgrid } from '@greentrack/adapters/sendgrid';
 * const email = sendgrid({ apiKey: process.env.SENDGRID_API_KEY, sandboxMode: false });
 *
 * @packageDocumentation
 */
export type { SendGridOptions } from './options.js';
export { sendgrid } from './provider.js';
export { type SendGridWebhookOptions, sendgridWebhooks } from './webhooks.js';
