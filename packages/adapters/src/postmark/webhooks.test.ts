/**
 * `postmarkWebhooks()`: Postmark's basic-auth credentials (constant-time compare), the
 * optional IP allowlist, and the mapping of Postmark's documented webhook records.
 */
import type { InboundWebhookRequest, StoredWebhook } from '@greentrack/core';
import { describe, expect, it } from 'vitest';
import { basicAuth, postmarkRecords } from '../../test/postmark-webhook.js';
import { messageEvents, refusal } from '../../test/webhook-source.js';
import { postmarkWebhooks } from './index.js';

const now = new Date('2026-06-01T12:00:00.000Z');
const source = postmarkWebhooks();
const credentials = { webhookUsername: 'gt-hook', webhookPassword: 's3cret:with-colon' };
const MESSAGE = '3f1e2d4c-5b6a-4978-8a9b-0c1d2e3f4a5b';
const PM_ID = '883953f4-6105-42a2-a16a-77a8eac79483';
const delivery = postmarkRecords.delivery({
  messageId: MESSAGE,
  postmarkMessageId: PM_ID,
  at: now,
});

function request(
  record: unknown,
  headers: Record<string, string>,
  remoteAddress?: string,
): InboundWebhookRequest {
  return {
    url: 'https://app.example.com/api/greentrack/webhooks/postmark/acc',
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    rawBody: new TextEncoder().encode(typeof record === 'string' ? record : JSON.stringify(record)),
    receivedAt: now,
    ...(remoteAddress ? { remoteAddress } : {}),
  };
}

const interpretEvents = (webhook: StoredWebhook) => messageEvents(source, webhook);

const auth = { authorization: basicAuth(credentials.webhookUsername, credentials.webhookPassword) };

describe('postmarkWebhooks: verify', () => {
  it('accepts the right credentials, says the header is secret, and stores the record', () => {
    expect(source.secretHeaders).toContain('authorization');
    expect(source.verify(request(delivery, auth), credentials)).toEqual({
      eventType: 'Delivery',
      payload: delivery,
      eventCount: 1,
    });
  });

  it('refuses wrong or missing credentials, and an account without any', () => {
    const wrong = (u: string, p: string) =>
      refusal(() =>
        source.verify(request(delivery, { authorization: basicAuth(u, p) }), credentials),
      );
    expect(wrong('gt-hook', 's3cret')).toBe('bad_credentials');
    expect(wrong('gt-hook', 's3cret:with-colon!')).toBe('bad_credentials');
    expect(wrong('someone', 's3cret:with-colon')).toBe('bad_credentials');
    expect(refusal(() => source.verify(request(delivery, {}), credentials))).toBe('missing_header');
    expect(
      refusal(() => source.verify(request(delivery, { authorization: 'Bearer x' }), credentials)),
    ).toBe('missing_header');
    expect(refusal(() => source.verify(request(delivery, auth), {}))).toBe('missing_secret');
  });

  it('checks the client address against the allowlist, IPv4-mapped and CIDR ranges included', () => {
    const allowed = { ...credentials, webhookAllowedIps: '3.134.147.250, 50.31.156.0/24' };
    const from = (address?: string) =>
      refusal(() => source.verify(request(delivery, auth, address), allowed));
    expect(from('3.134.147.250')).toBe('accepted');
    expect(from('::ffff:3.134.147.250')).toBe('accepted');
    expect(from('50.31.156.77')).toBe('accepted');
    expect(from('50.31.157.1')).toBe('ip_not_allowed');
    expect(from(undefined)).toBe('ip_not_allowed');
    // Without an allowlist, any address.
    expect(refusal(() => source.verify(request(delivery, auth, '10.0.0.1'), credentials))).toBe(
      'accepted',
    );
  });

  it('refuses a body that is not one Postmark record', () => {
    expect(refusal(() => source.verify(request('not json', auth), credentials))).toBe('malformed');
    expect(refusal(() => source.verify(request([delivery], auth), credentials))).toBe('malformed');
  });
});

describe('postmarkWebhooks: interpret', () => {
  const interpret = (payload: unknown) =>
    interpretEvents({ id: 'w', organizationId: 'o', eventType: null, payload, receivedAt: now });
  const o = { messageId: MESSAGE, postmarkMessageId: PM_ID, at: now };

  it('maps each record type to its effect with our id, Postmark’s id and the record’s time', () => {
    expect(interpret(delivery)).toEqual([
      {
        kind: 'message.event',
        type: 'delivered',
        messageId: MESSAGE,
        providerMessageId: PM_ID,
        occurredAt: now,
        metadata: { Details: 'Test delivery webhook details' },
      },
    ]);
    const one = (payload: unknown) => {
      const [effect] = interpret(payload);
      return effect ? [effect.type, effect.bounce ?? null, effect.providerEventId ?? null] : null;
    };
    expect(one(postmarkRecords.bounce({ ...o, type: 'HardBounce', id: 4323372036 }))).toEqual([
      'bounce',
      'hard',
      'Bounce:4323372036',
    ]);
    expect(one(postmarkRecords.bounce({ ...o, type: 'SoftBounce', id: 7 }))).toEqual([
      'bounce',
      'soft',
      'Bounce:7',
    ]);
    expect(one(postmarkRecords.bounce({ ...o, type: 'Transient', id: 8 }))).toEqual([
      'deferred',
      null,
      'Bounce:8',
    ]);
    expect(one(postmarkRecords.bounce({ ...o, type: 'AutoResponder', id: 9 }))).toBeNull();
    expect(one(postmarkRecords.spamComplaint({ ...o, id: 10 }))).toEqual([
      'spam',
      null,
      'SpamComplaint:10',
    ]);
    expect(one(postmarkRecords.open(o))).toEqual(['open', null, null]);
    expect(
      interpret(postmarkRecords.click({ ...o, url: 'https://shop.example/sale' }))[0]?.metadata,
    ).toMatchObject({ url: 'https://shop.example/sale' });
    expect(one(postmarkRecords.subscriptionChange({ ...o, suppress: true }))).toEqual([
      'unsubscribe',
      null,
      null,
    ]);
    // Reactivation, and suppressions whose own record (bounce, complaint) says it already.
    expect(one(postmarkRecords.subscriptionChange({ ...o, suppress: false }))).toBeNull();
    expect(
      one(postmarkRecords.subscriptionChange({ ...o, suppress: true, reason: 'HardBounce' })),
    ).toBeNull();
  });

  it('reads Postmark’s seven-digit fractions and offsets, and gives nothing for unknown records', () => {
    const [effect] = interpret({ ...delivery, DeliveredAt: '2014-08-01T13:28:10.2735393-04:00' });
    expect(effect?.occurredAt.toISOString()).toBe('2014-08-01T17:28:10.273Z');
    expect(interpret({ RecordType: 'Inbound' })).toEqual([]);
    expect(() => interpret([delivery])).toThrow();
  });
});
