/**
 * Rendered emails as the dispatcher hands them to a provider, for the adapter tests: names
 * with quotes and non-ASCII, the List-Unsubscribe pair core's tracking adds, one with a
 * reply-to, one without a name.
 */
import { randomUUID } from 'node:crypto';
import type { EmailMessage, SendContext } from '@greentrack/core';

export const FROM = { email: 'news@bakery.example', name: 'Corner Bakery' };

/** `n` distinct messages (n ≥ 1), each rendered for its own recipient. */
export function emailMessages(n: number, prefix = 'reader'): EmailMessage[] {
  return Array.from({ length: n }, (_, i): EmailMessage => {
    const messageId = randomUUID();
    const name = i % 3 === 1 ? `Zoë "Z" O'Brien ${i}` : i % 3 === 2 ? undefined : `Reader ${i}`;
    return {
      messageId,
      to:
        name === undefined
          ? { email: `${prefix}${i}@example.com` }
          : { email: `${prefix}${i}@example.com`, name },
      from: FROM,
      ...(i === 0 ? { replyTo: 'owner@bakery.example' } : {}),
      subject: `Fresh bread for you, ${name ?? 'friend'}`,
      html: `<p>Hello ${name ?? 'friend'}</p><a href="https://shop.example/t/c/${messageId}">Shop</a>`,
      text: `Hello ${name ?? 'friend'}\n\nShop: https://shop.example/t/c/${messageId}`,
      headers: {
        'List-Unsubscribe': `<https://shop.example/t/u/${messageId}>`,
        'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      },
    };
  });
}

/** A campaign batch's context. */
export function campaignContext(signal?: AbortSignal): SendContext {
  return {
    organizationId: randomUUID(),
    campaignId: randomUUID(),
    campaignRunId: randomUUID(),
    ...(signal === undefined ? {} : { signal }),
  };
}
