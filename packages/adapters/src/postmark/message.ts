import type { EmailMessage, SendContext } from '@greentrack/core';
import type { Message } from 'postmark';
import { trackingIds } from '../internal/tracking-ids.js';

/** `"Name" <email>`, the display name quoted so punctuation in it cannot break the address. */
function address({ email, name }: { email: string; name?: string }): string {
  if (name === undefined || name === '') return email;
  return `"${name.replace(/["\\]/g, '\\$&')}" <${email}>`;
}

/**
 * One of our rendered emails as an `/email/batch` entry: our ids in `Metadata` (returned in
 * every webhook of the message), the campaign as its `Tag`, our headers as `Headers`.
 */
export function toPostmarkMessage(
  message: EmailMessage,
  context: SendContext,
  stream: string,
): Message {
  const entry: Message = {
    From: address(message.from),
    To: address(message.to),
    Subject: message.subject,
    MessageStream: stream,
    Metadata: trackingIds(message, context),
  };
  if (message.html !== '') entry.HtmlBody = message.html;
  if (message.text !== '') entry.TextBody = message.text;
  if (message.replyTo !== undefined) entry.ReplyTo = message.replyTo;
  if (context.campaignId !== undefined) entry.Tag = context.campaignId;
  const headers = Object.entries(message.headers);
  if (headers.length > 0) entry.Headers = headers.map(([Name, Value]) => ({ Name, Value }));
  return entry;
}
