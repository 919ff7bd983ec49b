/**
 * Conformance (`pnpm test:conformance`): the mappers on Stripe's OWN example objects, read in
 * place from `../shared/spec/providers/stripe/fixtures3.json` (the fixture set stripe-mock
 * serves; one object per resource). Our metadata is added where a real object made through
 * our payment link would carry it; the event fixture's `data.object` (a plan) is swapped for
 * the object under test, as the spec README says. Everything else is Stripe's.
 */
import type Stripe from 'stripe';
import { beforeAll, describe, expect, it } from 'vitest';
import { readSpecFile } from '../../../../conformance.shared.js';
import { sourceInvoiceFromStripe } from './invoices.js';
import {
  paymentFromCharge,
  paymentFromCheckoutSession,
  paymentFromPaymentIntent,
  paymentFromRefund,
  paymentsFromEvent,
} from './payments.js';

type Fixtures = Record<string, Record<string, unknown>>;

const ours = {
  greentrack_invoice_id: '0f8e6a4c-3b1d-4e2f-9a7c-6d5b4a3c2e1f',
  greentrack_organization_id: '5b0d7d4e-8a55-4c49-9d35-0a7e3c1f2a10',
  greentrack_external_invoice_id: 'INV-0042',
};

describe("the Stripe mappers on Stripe's example objects (fixtures3.json)", () => {
  let fixtures: Fixtures;
  /** A deep copy of Stripe's example `name`, with `overrides` applied on top. */
  const example = <T>(name: string, overrides: Record<string, unknown> = {}): T => {
    const object = fixtures[name];
    if (object === undefined) throw new Error(`fixtures3.json has no resource ${name}`);
    return { ...structuredClone(object), ...overrides } as T;
  };

  beforeAll(() => {
    fixtures = (
      JSON.parse(readSpecFile('providers/stripe/fixtures3.json')) as { resources: Fixtures }
    ).resources;
  });

  it('payment_intent: its status, amount, currency and method; null without our metadata', () => {
    const raw = example<Stripe.PaymentIntent>('payment_intent');
    // Stripe's example is an intent whose attempt failed (requires_payment_method + an error).
    expect(raw.status).toBe('requires_payment_method');
    expect(paymentFromPaymentIntent(raw)).toBeNull();

    const object = example<Stripe.PaymentIntent>('payment_intent', { metadata: ours });
    expect(paymentFromPaymentIntent(object)).toEqual({
      externalPaymentId: raw.id,
      externalInvoiceId: 'INV-0042',
      kind: 'payment',
      amountCents: raw.amount,
      currency: 'usd',
      status: 'failed',
      method: 'card',
      processedAt: new Date(raw.created * 1000),
      rawPayload: object,
    });
    const succeeded = example<Stripe.PaymentIntent>('payment_intent', {
      metadata: ours,
      status: 'succeeded',
      amount_received: raw.amount,
      last_payment_error: null,
    });
    expect(paymentFromPaymentIntent(succeeded)).toMatchObject({
      status: 'succeeded',
      amountCents: 1099,
    });
  });

  it("charge: keyed by the charge's id when it has no intent, method from payment_method_details", () => {
    const raw = example<Stripe.Charge>('charge');
    expect(paymentFromCharge(raw)).toBeNull();
    const object = example<Stripe.Charge>('charge', { metadata: ours });
    expect(paymentFromCharge(object)).toEqual({
      externalPaymentId: raw.id,
      externalInvoiceId: 'INV-0042',
      kind: 'payment',
      amountCents: raw.amount,
      currency: 'usd',
      status: 'succeeded',
      method: 'card',
      processedAt: new Date(raw.created * 1000),
      rawPayload: object,
    });
  });

  it("refund: kind refund, invoice from the refunded charge's metadata", () => {
    const raw = example<Stripe.Refund>('refund');
    expect(paymentFromRefund(raw)).toBeNull();
    const object = example<Stripe.Refund>('refund', {
      charge: example<Stripe.Charge>('charge', { metadata: ours }),
    });
    expect(paymentFromRefund(object)).toMatchObject({
      externalPaymentId: raw.id,
      externalInvoiceId: 'INV-0042',
      kind: 'refund',
      amountCents: raw.amount,
      currency: 'usd',
      status: 'succeeded',
      method: 'card',
    });
  });

  it('checkout.session: the completed session of a payment link, keyed by its intent', () => {
    const raw = example<Stripe.Checkout.Session>('checkout.session');
    // Stripe's example is an open session: no total yet, so not a payment.
    expect(paymentFromCheckoutSession({ ...raw, metadata: ours })).toBeNull();
    const completed = example<Stripe.Checkout.Session>('checkout.session', {
      metadata: ours,
      status: 'complete',
      payment_status: 'paid',
      amount_subtotal: 1099,
      amount_total: 1099,
      currency: 'usd',
    });
    expect(paymentFromCheckoutSession(completed)).toMatchObject({
      externalPaymentId: raw.payment_intent,
      externalInvoiceId: 'INV-0042',
      amountCents: 1099,
      status: 'succeeded',
      method: 'card',
    });
  });

  it("event: Stripe's envelope with the object swapped in", () => {
    const envelope = (type: string, object: unknown) =>
      example<{ type: string; data: { object: unknown } }>('event', { type, data: { object } });
    expect(paymentsFromEvent(example('event'))).toEqual([]);
    expect(
      paymentsFromEvent(
        envelope('payment_intent.payment_failed', example('payment_intent', { metadata: ours })),
      ),
    ).toMatchObject([{ status: 'failed', externalInvoiceId: 'INV-0042' }]);
    expect(
      paymentsFromEvent(envelope('charge.succeeded', example('charge', { metadata: ours }))),
    ).toMatchObject([{ status: 'succeeded', kind: 'payment' }]);
    expect(
      paymentsFromEvent(
        envelope('checkout.session.expired', example('checkout.session', { metadata: ours })),
      ),
    ).toEqual([]);
  });

  it('invoice: a Stripe Invoicing invoice as a SourceInvoice', () => {
    const raw = example<Stripe.Invoice>('invoice');
    expect(sourceInvoiceFromStripe(raw)).toMatchObject({
      externalInvoiceId: raw.id,
      externalCustomerId: 'cus_QXg1o8vcGmoR32',
      status: 'draft',
      currency: 'usd',
      subtotalCents: raw.subtotal,
      taxCents: 0,
      totalCents: raw.total,
      amountDueCents: raw.amount_remaining,
      dueDate: '2009-02-13',
      items: [{ totalCents: 1000, quantity: '1', unitPriceCents: 1000, position: 0 }],
    });
  });
});
