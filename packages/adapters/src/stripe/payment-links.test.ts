/**
 * The Stripe adapter's payment links through the REAL `stripe` SDK against the local Stripe
 * (`test/stripe-api.ts`): the form-encoded wire format with Stripe's nested keys, the
 * `Stripe-Version` and `Idempotency-Key` headers, idempotent replays, the SDK's own retries
 * of 5xx and `Stripe-Should-Retry` answers, and Stripe's error objects mapped to
 * `ProviderError`s.
 */
import { type PaymentLinkRequest, ProviderError } from '@greentrack/core';
import Stripe from 'stripe';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { STRIPE_TEST_KEY, type StripeApi, startStripeApi } from '../../test/stripe-api.js';
import { StripeMetadataKey } from './metadata.js';
import { stripePayments } from './payment-links.js';

const API_VERSION = '2025-09-30.clover';

const request = (overrides: Partial<PaymentLinkRequest> = {}): PaymentLinkRequest => ({
  organizationId: '5b0d7d4e-8a55-4c49-9d35-0a7e3c1f2a10',
  invoiceId: '0f8e6a4c-3b1d-4e2f-9a7c-6d5b4a3c2e1f',
  externalInvoiceId: 'INV-0042',
  amountCents: 4250,
  currency: 'USD',
  description: 'Invoice INV-0042',
  idempotencyKey: 'gt-plink-0f8e6a4c-4250-usd',
  ...overrides,
});

async function failureOf(work: Promise<unknown>): Promise<ProviderError> {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

describe('stripePayments: payment links through the real SDK', () => {
  let api: StripeApi;
  let connect: (secretKey?: string) => ReturnType<ReturnType<typeof stripePayments>['connect']>;

  beforeAll(async () => {
    api = await startStripeApi();
    const { port } = new URL(api.server.url);
    const connector = stripePayments({
      host: '127.0.0.1',
      port: Number(port),
      protocol: 'http',
      apiVersion: API_VERSION,
    });
    connect = (secretKey = STRIPE_TEST_KEY) => connector.connect({ secretKey });
  });
  afterAll(() => api?.close());
  beforeEach(() => {
    api.server.requests.length = 0;
  });

  it('creates a link for the invoice amount, with our ids in the link and PaymentIntent metadata', async () => {
    const link = await connect().createPaymentLink(request());

    expect(link.id).toMatch(/^plink_/);
    expect(link.url).toMatch(/^https:\/\/buy\.stripe\.com\//);
    expect(api.server.requests).toHaveLength(1);
    const [sent] = api.server.requests;
    expect(sent?.method).toBe('POST');
    expect(sent?.url).toBe('/v1/payment_links');
    expect(sent?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(sent?.headers.authorization).toBe(`Bearer ${STRIPE_TEST_KEY}`);
    expect(sent?.headers['stripe-version']).toBe(API_VERSION);
    expect(sent?.headers['idempotency-key']).toBe('gt-plink-0f8e6a4c-4250-usd');
    const form = sent?.form;
    expect(Object.fromEntries(form ?? [])).toEqual({
      'line_items[0][quantity]': '1',
      'line_items[0][price_data][currency]': 'usd',
      'line_items[0][price_data][unit_amount]': '4250',
      'line_items[0][price_data][product_data][name]': 'Invoice INV-0042',
      'line_items[0][price_data][product_data][metadata][greentrack_invoice_id]':
        '0f8e6a4c-3b1d-4e2f-9a7c-6d5b4a3c2e1f',
      'line_items[0][price_data][product_data][metadata][greentrack_organization_id]':
        '5b0d7d4e-8a55-4c49-9d35-0a7e3c1f2a10',
      'line_items[0][price_data][product_data][metadata][greentrack_external_invoice_id]':
        'INV-0042',
      'metadata[greentrack_invoice_id]': '0f8e6a4c-3b1d-4e2f-9a7c-6d5b4a3c2e1f',
      'metadata[greentrack_organization_id]': '5b0d7d4e-8a55-4c49-9d35-0a7e3c1f2a10',
      'metadata[greentrack_external_invoice_id]': 'INV-0042',
      'payment_intent_data[metadata][greentrack_invoice_id]':
        '0f8e6a4c-3b1d-4e2f-9a7c-6d5b4a3c2e1f',
      'payment_intent_data[metadata][greentrack_organization_id]':
        '5b0d7d4e-8a55-4c49-9d35-0a7e3c1f2a10',
      'payment_intent_data[metadata][greentrack_external_invoice_id]': 'INV-0042',
      'payment_intent_data[description]': 'Invoice INV-0042',
      'restrictions[completed_sessions][limit]': '1',
    });
    expect(api.links.get(link.id)?.payment_intent_data.metadata).toMatchObject({
      [StripeMetadataKey.externalInvoiceId]: 'INV-0042',
    });
  });

  it("sends the SDK's own Stripe-Version when none is configured", async () => {
    const { port } = new URL(api.server.url);
    const connector = stripePayments({ host: '127.0.0.1', port: Number(port), protocol: 'http' });
    await connector
      .connect({ secretKey: STRIPE_TEST_KEY })
      .createPaymentLink(request({ idempotencyKey: 'k-default-version' }));
    expect(api.server.requests[0]?.headers['stripe-version']).toBe(Stripe.API_VERSION);
  });

  it('a repeated idempotency key gets the first link back, not a second one', async () => {
    const provider = connect();
    const before = api.links.size;
    const first = await provider.createPaymentLink(request({ idempotencyKey: 'k-replay' }));
    const second = await provider.createPaymentLink(request({ idempotencyKey: 'k-replay' }));
    expect(second).toEqual(first);
    expect(api.links.size).toBe(before + 1);
    expect(api.server.requests).toHaveLength(2);
  });

  it('the same key with another amount is refused by Stripe: a permanent failure', async () => {
    const provider = connect();
    await provider.createPaymentLink(request({ idempotencyKey: 'k-mismatch' }));
    const error = await failureOf(
      provider.createPaymentLink(request({ idempotencyKey: 'k-mismatch', amountCents: 999 })),
    );
    expect(error).toMatchObject({
      kind: 'permanent',
      outcome: 'not_sent',
      code: 'idempotency_error',
    });
  });

  it('retries a 500 with the same Idempotency-Key (the SDK retry), then succeeds', async () => {
    api.failNext('api_error');
    const link = await connect().createPaymentLink(request({ idempotencyKey: 'k-retry-500' }));
    expect(link.id).toMatch(/^plink_/);
    expect(api.server.requests).toHaveLength(2);
    expect(api.server.requests.map((r) => r.headers['idempotency-key'])).toEqual([
      'k-retry-500',
      'k-retry-500',
    ]);
    expect(
      api.server.requests[1]?.body.equals(api.server.requests[0]?.body ?? Buffer.alloc(0)),
    ).toBe(true);
  });

  it('retries a 429 lock_timeout that Stripe marks Stripe-Should-Retry', async () => {
    api.failNext('lock_timeout');
    await connect().createPaymentLink(request({ idempotencyKey: 'k-retry-429' }));
    expect(api.server.requests).toHaveLength(2);
  });

  it('gives up after the retries: a transient failure whose outcome is unknown', async () => {
    api.failNext('api_error', 'api_error', 'api_error');
    const error = await failureOf(
      connect().createPaymentLink(request({ idempotencyKey: 'k-500s' })),
    );
    expect(api.server.requests).toHaveLength(3);
    expect(error).toMatchObject({ kind: 'transient', outcome: 'unknown', code: 'api_error' });
  });

  it('a rate limit is not retried by the SDK: transient, not sent, with Retry-After', async () => {
    api.failNext('rate_limit');
    const error = await failureOf(
      connect().createPaymentLink(request({ idempotencyKey: 'k-429' })),
    );
    expect(api.server.requests).toHaveLength(1);
    expect(error).toMatchObject({
      kind: 'transient',
      outcome: 'not_sent',
      code: 'rate_limit',
      retryAfterMs: 3000,
    });
  });

  it('a wrong secret key is a permanent failure (401)', async () => {
    const error = await failureOf(connect('sk_test_wrong').createPaymentLink(request()));
    expect(error.kind).toBe('permanent');
    expect(error.message).toMatch(/^Stripe 401 /);
  });

  it("Stripe's parameter errors name the parameter", async () => {
    const error = await failureOf(
      connect().createPaymentLink(request({ amountCents: 12.5, idempotencyKey: 'k-bad-amount' })),
    );
    expect(error).toMatchObject({ kind: 'permanent', code: 'parameter_invalid_integer' });
    expect(error.message).toContain('line_items[0][price_data][unit_amount]');
  });

  it('refuses credentials without a secret key', () => {
    expect(() => stripePayments().connect({})).toThrow(/secretKey/);
    expect(() => stripePayments({ apiKey: STRIPE_TEST_KEY }).connect({})).not.toThrow();
  });
});
