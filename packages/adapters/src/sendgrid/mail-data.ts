import type { EmailMessage, SendContext } from '@greentrack/core';
import type { MailDataRequired } from '@sendgrid/mail';
import { trackingIds } from '../internal/tracking-ids.js';

/**
 * One of our rendered emails as the SDK's mail data: one request, one personalization,
 * because every message is rendered for its recipient (decision S1). Our ids ride in
 * `custom_args` (SendGrid copies them into every webhook event of the message), the campaign
 * is the category (SendGrid's stats group by it), our headers (`List-Unsubscribe`…) pass
 * through as they are.
 */
export function toMailData(
  message: EmailMessage,
  context: SendContext,
  sandboxMode: boolean,
): MailDataRequired {
  const data: MailDataRequired = {
    to: message.to,
    from: message.from,
    subject: message.subject,
    customArgs: trackingIds(message, context),
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
