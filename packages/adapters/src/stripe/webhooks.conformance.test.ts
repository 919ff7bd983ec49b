/**
 * Conformance (`pnpm test:conformance`): `stripeWebhooks` on Stripe's OWN example objects,
 * read in place from `../shared/spec/providers/stripe/fixtures3.json`. Stripe's event
 * envelope gets the type and object under test (as the spec README says), is signed by the
 * SDK's test signer, verified, and read back into effects.
 */
import type { InboundWebhookRequest, WebhookEffect } from '@greentrack/core';
import Stripe from 'stripe';
import { beforeAll, describe, expect, it } from 'vitest';
import { readSpecFile } from '../../../../conformance.shared.js';
import { StripeMetadataKey } from './metadata.js';
import { stripeWebhooks } from './webhooks.js';

type Fixtures = Record<string, Record<string, unknown>>;

const secret = 'whsec_conformance';
const source = stripeWebhooks();

describe("stripeWebhooks on Stripe's example objects (fixtures3.json)", () => {
  let fixtures: Fixtures;
  const example = (name: string, overrides: Record<string, unknown> = {}) => {
    const object = fixtures[name];
    if (object === undefined) throw new Error(`fixtures3.json has no resource ${name}`);
    return { ...structuredClone(object), ...overrides };
  };

  beforeAll(() => {
    fixtures = (
      JSON.parse(readSpecFile('providers/stripe/fixtures3.json')) as { resources: Fixtures }
    ).resources;
  });

  /** Stripe's event envelope around `object`, signed, verified and interpreted. */
  async function delivered(type: string, object: unknown): Promise<WebhookEffect[]> {
    const event = example('event', { type, data: { object } });
    const body = JSON.stringify(event);
    const created = event.created as number;
    const request: InboundWebhookRequest = {
      url: 'https://app.example.com/api/greentrack/webhooks/stripe/acct',
      method: 'POST',
      headers: {
        'stripe-signature': Stripe.webhooks.generateTestHeaderString({
          payload: body,
          secret,
          timestamp: created,
        }),
      },
      rawBody: new TextEncoder().encode(body),
      receivedAt: new Date((created + 10) * 1000),
    };
    const verified = await source.verify(request, { webhookSecret: secret });
    expect(verified.eventType).toBe(type);
    return source.interpret({
      id: 'w1',
      organizationId: 'o1',
      eventType: verified.eventType,
      payload: verified.payload,
      receivedAt: request.receivedAt,
    });
  }

  it('invoice.finalized: the example invoice as an invoice effect dated by the event', async () => {
    const invoice = example('invoice', { status: 'open' });
    const effects = await delivered('invoice.finalized', invoice);
    expect(effects).toMatchObject([
      {
        kind: 'invoice',
        invoice: {
          externalInvoiceId: invoice.id,
          status: 'sent',
          totalCents: invoice.total,
          amountDueCents: invoice.amount_remaining,
          updatedAt: new Date(1234567890 * 1000),
        },
      },
    ]);
  });

  it('payment_intent.succeeded: a payment only when the intent carries our metadata', async () => {
    const base = { status: 'succeeded', last_payment_error: null };
    expect(await delivered('payment_intent.succeeded', example('payment_intent', base))).toEqual(
      [],
    );
    const ours = example('payment_intent', {
      ...base,
      metadata: { [StripeMetadataKey.externalInvoiceId]: 'INV-0042' },
    });
    expect(await delivered('payment_intent.succeeded', ours)).toMatchObject([
      {
        kind: 'payment',
        payment: { externalPaymentId: ours.id, externalInvoiceId: 'INV-0042', status: 'succeeded' },
      },
    ]);
  });
});
