import type { EmailMessage, SendContext } from '@greentrack/core';
import type { MailDataRequired } from '@sendgrid/mail';
import { trackingIds } from '../internal/tracking-ids.js';

/**
 * One of our rendered emails as the SDK's mail data: one request, one personalization,
 * because every message is rendered for its recipient (decision 111). Our ids ride in the
 * personalization's `custom_args` (SendGrid copies them into every webhook event of the
 * message); the official OpenAPI types the message-level `custom_args` as a string, the
 * personalization's as an object, so the object goes there (decision 112). The campaign
 * is the category (SendGrid's stats group by it), our headers (`List-Unsubscribe`…) pass
 * through as they are.
 */
export function toMailData(
  message: EmailMessage,
  context: SendContext,
  sandboxMode: boolean,
): MailDataRequired {
  const data: MailDataRequired = {
    personalizations: [{ to: message.to, customArgs: trackingIds(message, context) }],
    from: message.from,
    subject: message.subject,
    // SendGrid refuses an empty content value (`minLength: 1`): an absent part is left out.
    ...(message.text === '' ? {} : { text: message.text }),
    ...(message.html === '' ? {} : { html: message.html }),
  } as MailDataRequired;
  if (message.replyTo !== undefined) data.replyTo = message.replyTo;
  if (Object.keys(message.headers).length > 0) data.headers = { ...message.headers };
  if (context.campaignId !== undefined) data.categories = [context.campaignId];
  if (sandboxMode) data.mailSettings = { sandboxMode: { enable: true } };
  return data;
}
