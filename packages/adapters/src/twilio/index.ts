/**
 * `@greentrack/adapters/twilio`: an `SmsProvider` over Twilio's Messages API, and the
 * `WebhookSource` of its status callbacks and inbound messages, through the official
 * `twilio` SDK (an optional peer dependency).
 *
 * @example
 * import { twilioSms } from '@greentrack/adapters/twilio';
 * const sms = twilioSms({ accountSid, authToken, messagingServiceSid: 'MG…' });
 *
 * @packageDocumentation
 */
export { TwilioErrorCode } from './error-codes.js';
export {
  type TwilioClientOptions,
  type TwilioCredentialsOptions,
  type TwilioSmsOptions,
  twilioSms,
} from './provider.js';
export { type TwilioWebhooksOptions, twilioWebhooks } from './webhooks.js';
