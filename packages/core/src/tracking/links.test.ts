/**
 * A message's tracking without a database: signed URLs per message, headers for email
 * only, SMS links with UTM only unless the click redirect is asked for.
 */
import { describe, expect, it } from 'vitest';
import { fixedClock } from '../clock.js';
import { purposeKey } from '../secrets/index.js';
import { createTrackingLinks, untrackedMessage } from './links.js';
import { createTrackingTokens } from './tokens.js';

const clock = fixedClock('2026-06-01T09:00:00.000Z');
const tokens = createTrackingTokens(
  (label) => purposeKey('links-test-secret-0123456789abcdefghijkl', label),
  () => clock.now(),
);
const options = { tokens, apiUrl: 'https://shop.example/api', ttlSeconds: 3600 };
const message = {
  organizationId: '11111111-1111-4111-8111-111111111111',
  messageId: '22222222-2222-4222-8222-222222222222',
  utm: { source: 'greentrack', medium: 'sms', campaign: 'spring' },
};
const sms = { channel: 'sms' as const, text: 'Sale: https://shop.example/s' };
const withUtm = 'https://shop.example/s?utm_source=greentrack&utm_medium=sms&utm_campaign=spring';

describe('message tracking', () => {
  it('gives SMS UTM only by default, and the click redirect when asked', () => {
    const plain = createTrackingLinks({ ...options, smsClickRedirect: false }).forMessage({
      ...message,
      channel: 'sms',
    });
    expect(plain.decorate(sms).text).toBe(`Sale: ${withUtm}`);
    expect(plain.headers).toEqual({});
    const redirected = createTrackingLinks({ ...options, smsClickRedirect: true }).forMessage({
      ...message,
      channel: 'sms',
    });
    const [url] =
      /https:\/\/shop\.example\/api\/t\/c\/\S+/.exec(redirected.decorate(sms).text) ?? [];
    const token = (url ?? '').split('/').pop() ?? '';
    expect(tokens.verify(token, 'click')).toMatchObject({
      organizationId: message.organizationId,
      messageId: message.messageId,
      url: withUtm,
    });
  });

  it('signs unsubscribe links for the message, with the RFC 8058 headers on email', () => {
    const email = createTrackingLinks({ ...options, smsClickRedirect: false }).forMessage({
      ...message,
      channel: 'email',
    });
    const token = email.urls.unsubscribe.split('/').pop() ?? '';
    expect(tokens.verify(token, 'unsubscribe')).toMatchObject({
      organizationId: message.organizationId,
      messageId: message.messageId,
      expiresAt: clock.now().getTime() / 1000 + 3600,
    });
    expect(email.headers).toEqual({
      'List-Unsubscribe': `<${email.urls.unsubscribe}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    });
    // An unsubscribe token is not a click or open token.
    expect(() => tokens.verify(token, 'click')).toThrow(/not valid/);
  });

  it('without tracking, uses the placeholders and still adds UTM', () => {
    const placeholders = {
      unsubscribe: 'https://preview.greentrack.invalid/u',
      preferences: 'https://preview.greentrack.invalid/p',
    };
    const untracked = untrackedMessage({ ...message, channel: 'sms' }, placeholders);
    expect(untracked.urls).toEqual(placeholders);
    expect(untracked.headers).toEqual({});
    expect(untracked.decorate(sms).text).toBe(`Sale: ${withUtm}`);
  });
});
