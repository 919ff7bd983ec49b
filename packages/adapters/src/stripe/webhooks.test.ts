/**
 * `stripeWebhooks`: verification with Stripe's REAL signing (`generateTestHeaderString`, the
 * SDK's HMAC over `{t}.{body}`) — valid, tampered body, wrong secret, stale timestamp,
 * missing header — and the effects each handled event type gives.
 */
import {
  type InboundWebhookRequest,
  type WebhookEffect,
  WebhookSignatureError,
} from '@greentrack/core';
import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { StripeMetadataKey } from './metadata.js';
import { stripeWebhooks } from './webhooks.js';

const secret = 'whsec_test_5b0d7d4e8a554c499d350a7e3c1f2a10';
const receivedAt = new Date('2026-06-10T12:00:00.000Z');
const now = Math.floor(receivedAt.getTime() / 1000);
const ours = { [StripeMetadataKey.externalInvoiceId]: 'INV-0042' };

function event(type: string, object: Record<string, unknown>, created = now - 5) {
  return { id: `evt_${type}`, object: 'event', type, created, data: { object } };
}

const intent = (over: Record<string, unknown> = {}) => ({
  id: 'pi_1',
  object: 'payment_intent',
  amount: 2500,
  amount_received: 2500,
  currency: 'usd',
  status: 'succeeded',
  created: now - 60,
  latest_charge: 'ch_1',
  last_payment_error: null,
  payment_method_types: ['card'],
  metadata: ours,
  ...over,
});

function request(
  body: string,
  headers: Record<string, string>,
  at: Date = receivedAt,
): InboundWebhookRequest {
  return {
    url: 'https://app.example.com/api/greentrack/webhooks/stripe/acct',
    method: 'POST',
    headers,
    rawBody: new TextEncoder().encode(body),
    receivedAt: at,
  };
}

/** A request signed as Stripe signs it. */
function signed(payload: unknown, options: { secret?: string; timestamp?: number } = {}) {
  const body = JSON.stringify(payload);
  const header = Stripe.webhooks.generateTestHeaderString({
    payload: body,
    secret: options.secret ?? secret,
    timestamp: options.timestamp ?? now - 2,
  });
  return { body, header };
}

async function refusal(promise: unknown): Promise<string> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(WebhookSignatureError);
    return (error as WebhookSignatureError).reason;
  }
  throw new Error('verify accepted the request');
}

const source = stripeWebhooks();
const credentials = { webhookSecret: secret };

function effectsOf(payload: unknown, over = source): WebhookEffect[] {
  return over.interpret({
    id: 'w1',
    organizationId: 'o1',
    eventType: null,
    payload,
    receivedAt,
  });
}

describe('stripeWebhooks: verify', () => {
  it('accepts a request signed with the endpoint secret and stores the event as sent', async () => {
    const payload = event('payment_intent.succeeded', intent());
    const { body, header } = signed(payload);
    const verified = await source.verify(
      request(body, { 'stripe-signature': header }),
      credentials,
    );
    expect(verified).toEqual({
      eventType: 'payment_intent.succeeded',
      payload: JSON.parse(body),
      eventCount: 1,
    });
    expect(source.secretHeaders).toContain('stripe-signature');
  });

  it('refuses a tampered body', async () => {
    const { body, header } = signed(event('payment_intent.succeeded', intent()));
    const tampered = body.replace('2500', '9999');
    expect(tampered).not.toBe(body);
    const reason = await refusal(
      source.verify(request(tampered, { 'stripe-signature': header }), credentials),
    );
    expect(reason).toBe('bad_signature');
  });

  it('refuses a request signed with another secret', async () => {
    const { body, header } = signed(event('charge.succeeded', {}), {
      secret: 'whsec_someone_else',
    });
    expect(
      await refusal(source.verify(request(body, { 'stripe-signature': header }), credentials)),
    ).toBe('bad_signature');
  });

  it("refuses a timestamp older than 300 s by core's clock, accepts one at 299 s", async () => {
    const stale = signed(event('charge.succeeded', {}), { timestamp: now - 301 });
    expect(
      await refusal(
        source.verify(request(stale.body, { 'stripe-signature': stale.header }), credentials),
      ),
    ).toBe('stale_timestamp');
    const fresh = signed(event('charge.succeeded', {}), { timestamp: now - 299 });
    await expect(
      source.verify(request(fresh.body, { 'stripe-signature': fresh.header }), credentials),
    ).resolves.toMatchObject({ eventType: 'charge.succeeded' });
  });

  it('refuses a request without Stripe-Signature, or an account without webhookSecret', async () => {
    const { body, header } = signed(event('charge.succeeded', {}));
    expect(await refusal(source.verify(request(body, {}), credentials))).toBe('missing_header');
    expect(await refusal(source.verify(request(body, { 'stripe-signature': header }), {}))).toBe(
      'missing_secret',
    );
    expect(
      await refusal(
        source.verify(request(body, { 'stripe-signature': 'not-a-signature' }), credentials),
      ),
    ).toBe('malformed');
  });
});

describe('stripeWebhooks: interpret', () => {
  it('payment_intent.succeeded / payment_failed → a payment keyed by the intent', () => {
    expect(effectsOf(event('payment_intent.succeeded', intent()))).toEqual([
      {
        kind: 'payment',
        payment: expect.objectContaining({
          externalPaymentId: 'pi_1',
          externalInvoiceId: 'INV-0042',
          kind: 'payment',
          amountCents: 2500,
          status: 'succeeded',
          method: 'card',
        }),
      },
    ]);
    const failed = intent({
      status: 'requires_payment_method',
      amount_received: 0,
      last_payment_error: { code: 'card_declined' },
    });
    expect(effectsOf(event('payment_intent.payment_failed', failed))).toMatchObject([
      { kind: 'payment', payment: { externalPaymentId: 'pi_1', status: 'failed' } },
    ]);
  });

  it('charge.succeeded and charge.refunded → the payment (by its intent) and its refunds', () => {
    const charge = {
      id: 'ch_1',
      object: 'charge',
      amount: 2500,
      currency: 'usd',
      status: 'succeeded',
      created: now - 50,
      payment_intent: 'pi_1',
      payment_method_details: { type: 'card' },
      metadata: ours,
    };
    expect(effectsOf(event('charge.succeeded', charge))).toMatchObject([
      { kind: 'payment', payment: { externalPaymentId: 'pi_1', status: 'succeeded' } },
    ]);
    const refunded = {
      ...charge,
      refunded: true,
      refunds: {
        object: 'list',
        data: [
          {
            id: 're_1',
            object: 'refund',
            amount: 1000,
            currency: 'usd',
            status: 'succeeded',
            created: now - 10,
            charge: 'ch_1',
            metadata: {},
          },
        ],
      },
    };
    expect(effectsOf(event('charge.refunded', refunded))).toMatchObject([
      { kind: 'payment', payment: { externalPaymentId: 'pi_1', kind: 'payment' } },
      {
        kind: 'payment',
        payment: { externalPaymentId: 're_1', kind: 'refund', amountCents: 1000 },
      },
    ]);
  });

  it('checkout.session.completed → the payment of its intent', () => {
    const session = {
      id: 'cs_1',
      object: 'checkout.session',
      mode: 'payment',
      amount_total: 2500,
      currency: 'usd',
      payment_status: 'paid',
      payment_intent: 'pi_1',
      payment_method_types: ['card'],
      created: now - 70,
      metadata: ours,
    };
    expect(effectsOf(event('checkout.session.completed', session))).toMatchObject([
      { kind: 'payment', payment: { externalPaymentId: 'pi_1', status: 'succeeded' } },
    ]);
  });

  it('invoice.paid → the invoice as the cache has it, dated by the event', () => {
    const invoice = {
      id: 'in_1',
      object: 'invoice',
      customer: 'cus_1',
      customer_email: 'ada@example.com',
      status: 'paid',
      currency: 'usd',
      subtotal: 5000,
      total: 5000,
      total_excluding_tax: 5000,
      amount_remaining: 0,
      due_date: null,
      lines: { object: 'list', data: [], has_more: false },
      metadata: {},
    };
    const effects = effectsOf(event('invoice.paid', invoice, now - 30));
    expect(effects).toMatchObject([
      {
        kind: 'invoice',
        invoice: {
          externalInvoiceId: 'in_1',
          status: 'paid',
          amountDueCents: 0,
          totalCents: 5000,
          updatedAt: new Date((now - 30) * 1000),
        },
      },
    ]);
    expect(effectsOf(event('invoice.paid', invoice), stripeWebhooks({ invoices: false }))).toEqual(
      [],
    );
  });

  it('gives nothing for objects without our metadata, unhandled types, and invoice.upcoming', () => {
    expect(effectsOf(event('payment_intent.succeeded', intent({ metadata: {} })))).toEqual([]);
    expect(effectsOf(event('payment_intent.created', intent()))).toEqual([]);
    expect(effectsOf(event('customer.created', { id: 'cus_1', object: 'customer' }))).toEqual([]);
    expect(effectsOf(event('invoice.upcoming', { object: 'invoice' }))).toEqual([]);
  });

  it('throws on a stored payload that is not a Stripe event (the row becomes failed)', () => {
    expect(() => effectsOf({ hello: 'world' })).toThrow(/not a Stripe event/);
  });
});
