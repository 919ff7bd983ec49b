/**
 * Stripe objects → `PaymentInput`, on self-contained example objects shaped as Stripe sends
 * them (the fields the mappers read plus their neighbours). The same mappers run on
 * Stripe's own published example objects in `payments.conformance.test.ts`.
 */
import type { PaymentInput } from '@greentrack/core';
import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import {
  paymentFromCharge,
  paymentFromCheckoutSession,
  paymentFromPaymentIntent,
  paymentFromRefund,
  paymentsFromEvent,
  refundsFromCharge,
} from './payments.js';

const ours = {
  greentrack_invoice_id: '0f8e6a4c-3b1d-4e2f-9a7c-6d5b4a3c2e1f',
  greentrack_organization_id: '5b0d7d4e-8a55-4c49-9d35-0a7e3c1f2a10',
  greentrack_external_invoice_id: 'INV-0042',
};
const CREATED = 1_780_000_000;

function charge(overrides: Record<string, unknown> = {}): Stripe.Charge {
  return {
    id: 'ch_3QxAbc2eZvKYlo2C0abc1234',
    object: 'charge',
    amount: 4250,
    amount_captured: 4250,
    amount_refunded: 0,
    captured: true,
    created: CREATED + 5,
    currency: 'usd',
    metadata: ours,
    paid: true,
    payment_intent: 'pi_3QxAbc2eZvKYlo2C0xyz9876',
    payment_method: 'pm_1QxAbc2eZvKYlo2CcardXYZ',
    payment_method_details: { card: { brand: 'visa', last4: '4242' }, type: 'card' },
    refunded: false,
    status: 'succeeded',
    ...overrides,
  } as unknown as Stripe.Charge;
}

function intent(overrides: Record<string, unknown> = {}): Stripe.PaymentIntent {
  return {
    id: 'pi_3QxAbc2eZvKYlo2C0xyz9876',
    object: 'payment_intent',
    amount: 4250,
    amount_received: 4250,
    capture_method: 'automatic',
    created: CREATED,
    currency: 'usd',
    last_payment_error: null,
    latest_charge: 'ch_3QxAbc2eZvKYlo2C0abc1234',
    livemode: false,
    metadata: ours,
    payment_method_types: ['card', 'link'],
    status: 'succeeded',
    ...overrides,
  } as unknown as Stripe.PaymentIntent;
}

function refund(overrides: Record<string, unknown> = {}): Stripe.Refund {
  return {
    id: 're_3QxAbc2eZvKYlo2C0ref5555',
    object: 'refund',
    amount: 1000,
    charge: 'ch_3QxAbc2eZvKYlo2C0abc1234',
    created: CREATED + 86_400,
    currency: 'usd',
    destination_details: { card: { type: 'refund' }, type: 'card' },
    metadata: {},
    payment_intent: 'pi_3QxAbc2eZvKYlo2C0xyz9876',
    reason: 'requested_by_customer',
    status: 'succeeded',
    ...overrides,
  } as unknown as Stripe.Refund;
}

function session(overrides: Record<string, unknown> = {}): Stripe.Checkout.Session {
  return {
    id: 'cs_test_a1b2c3d4e5f6',
    object: 'checkout.session',
    amount_subtotal: 4250,
    amount_total: 4250,
    created: CREATED - 60,
    currency: 'usd',
    metadata: ours,
    mode: 'payment',
    payment_intent: 'pi_3QxAbc2eZvKYlo2C0xyz9876',
    payment_link: 'plink_1QxAbc2eZvKYlo2Clink',
    payment_method_types: ['card'],
    payment_status: 'paid',
    status: 'complete',
    ...overrides,
  } as unknown as Stripe.Checkout.Session;
}

const paid: Omit<PaymentInput, 'rawPayload'> = {
  externalPaymentId: 'pi_3QxAbc2eZvKYlo2C0xyz9876',
  externalInvoiceId: 'INV-0042',
  kind: 'payment',
  amountCents: 4250,
  currency: 'usd',
  status: 'succeeded',
  method: 'card',
  processedAt: new Date((CREATED + 5) * 1000),
};

describe('paymentFromPaymentIntent', () => {
  it('maps a succeeded intent, reading the method from its expanded charge', () => {
    const object = intent({ latest_charge: charge() });
    expect(paymentFromPaymentIntent(object)).toEqual({ ...paid, rawPayload: object });
  });

  it.each([
    ['processing', null, 'pending'],
    ['requires_action', null, 'pending'],
    ['requires_capture', null, 'pending'],
    ['requires_payment_method', { type: 'card_error', code: 'card_declined' }, 'failed'],
    ['requires_payment_method', null, 'pending'],
    ['canceled', null, 'failed'],
  ] as const)('status %s (last error %j) → %s', (status, lastError, expected) => {
    const payment = paymentFromPaymentIntent(
      intent({ status, last_payment_error: lastError, amount_received: 0 }),
    );
    expect(payment?.status).toBe(expected);
    expect(payment?.amountCents).toBe(4250);
  });

  it('uses amount_received once succeeded (a partial capture), and lower-cases the currency', () => {
    const payment = paymentFromPaymentIntent(intent({ amount_received: 4000, currency: 'EUR' }));
    expect(payment).toMatchObject({ amountCents: 4000, currency: 'eur' });
  });

  it('takes the method from the allowed types only when there is one (ACH named ach)', () => {
    expect(paymentFromPaymentIntent(intent())?.method).toBeNull();
    expect(
      paymentFromPaymentIntent(intent({ payment_method_types: ['us_bank_account'] }))?.method,
    ).toBe('ach');
  });

  it('returns null for an intent that is not for one of our invoices', () => {
    expect(paymentFromPaymentIntent(intent({ metadata: {} }))).toBeNull();
    expect(paymentFromPaymentIntent(intent({ metadata: { order: '7' } }))).toBeNull();
  });
});

describe('paymentFromCharge', () => {
  it("is keyed by the charge's PaymentIntent: the same row as the intent's", () => {
    const object = charge();
    expect(paymentFromCharge(object)).toEqual({ ...paid, rawPayload: object });
  });

  it('is keyed by its own id without an intent, and maps failed / pending', () => {
    expect(paymentFromCharge(charge({ payment_intent: null }))?.externalPaymentId).toBe(
      'ch_3QxAbc2eZvKYlo2C0abc1234',
    );
    expect(paymentFromCharge(charge({ status: 'failed' }))?.status).toBe('failed');
    expect(paymentFromCharge(charge({ status: 'pending' }))?.status).toBe('pending');
  });

  it("finds the invoice in the expanded intent's metadata", () => {
    const payment = paymentFromCharge(charge({ metadata: {}, payment_intent: intent() }));
    expect(payment).toMatchObject({
      externalInvoiceId: 'INV-0042',
      externalPaymentId: 'pi_3QxAbc2eZvKYlo2C0xyz9876',
    });
    expect(paymentFromCharge(charge({ metadata: {} }))).toBeNull();
  });
});

describe('refunds', () => {
  it('maps a refund with its expanded charge as kind refund, a positive amount', () => {
    const object = refund({ charge: charge() });
    expect(paymentFromRefund(object)).toEqual({
      externalPaymentId: 're_3QxAbc2eZvKYlo2C0ref5555',
      externalInvoiceId: 'INV-0042',
      kind: 'refund',
      amountCents: 1000,
      currency: 'usd',
      status: 'succeeded',
      method: 'card',
      processedAt: new Date((CREATED + 86_400) * 1000),
      rawPayload: object,
    });
  });

  it('needs the invoice from somewhere: Stripe does not copy metadata to refunds', () => {
    expect(paymentFromRefund(refund())).toBeNull();
    expect(paymentFromRefund(refund(), { externalInvoiceId: 'INV-0042' })).toMatchObject({
      externalInvoiceId: 'INV-0042',
      method: 'card',
    });
  });

  it.each([
    ['pending', 'pending'],
    ['requires_action', 'pending'],
    ['failed', 'failed'],
    ['canceled', 'failed'],
  ] as const)('refund status %s → %s', (status, expected) => {
    expect(paymentFromRefund(refund({ status, charge: charge() }))?.status).toBe(expected);
  });

  it("lists a charge's refunds under the charge's invoice", () => {
    const refunded = charge({
      amount_refunded: 1500,
      refunds: {
        object: 'list',
        data: [refund(), refund({ id: 're_second', amount: 500 })],
        has_more: false,
        url: '/v1/charges/ch_3QxAbc2eZvKYlo2C0abc1234/refunds',
      },
    });
    expect(
      refundsFromCharge(refunded).map((r) => [r.externalPaymentId, r.amountCents, r.kind]),
    ).toEqual([
      ['re_3QxAbc2eZvKYlo2C0ref5555', 1000, 'refund'],
      ['re_second', 500, 'refund'],
    ]);
    expect(refundsFromCharge(charge())).toEqual([]);
  });
});

describe('paymentFromCheckoutSession', () => {
  it('maps a paid session under its PaymentIntent', () => {
    const object = session();
    expect(paymentFromCheckoutSession(object)).toEqual({
      ...paid,
      processedAt: new Date((CREATED - 60) * 1000),
      rawPayload: object,
    });
  });

  it('an unpaid completed session (a delayed method) is pending; other modes are not payments', () => {
    expect(paymentFromCheckoutSession(session({ payment_status: 'unpaid' }))?.status).toBe(
      'pending',
    );
    expect(paymentFromCheckoutSession(session({ mode: 'subscription' }))).toBeNull();
    expect(paymentFromCheckoutSession(session({ metadata: {} }))).toBeNull();
  });
});

describe('paymentsFromEvent', () => {
  const event = (type: string, object: unknown) => ({
    id: 'evt_1',
    object: 'event',
    type,
    data: { object },
  });

  it('dispatches on the object inside the event', () => {
    expect(paymentsFromEvent(event('payment_intent.succeeded', intent()))).toHaveLength(1);
    expect(paymentsFromEvent(event('refund.created', refund({ charge: charge() })))[0]?.kind).toBe(
      'refund',
    );
    expect(paymentsFromEvent(event('checkout.session.completed', session()))).toHaveLength(1);
  });

  it('charge.refunded gives the payment and its refunds', () => {
    const refunded = charge({
      refunds: { object: 'list', data: [refund()], has_more: false, url: '/v1/refunds' },
    });
    expect(
      paymentsFromEvent(event('charge.refunded', refunded)).map((p) => [
        p.kind,
        p.externalPaymentId,
      ]),
    ).toEqual([
      ['payment', 'pi_3QxAbc2eZvKYlo2C0xyz9876'],
      ['refund', 're_3QxAbc2eZvKYlo2C0ref5555'],
    ]);
  });

  it('an expired session paid nothing; a failed delayed payment fails', () => {
    expect(paymentsFromEvent(event('checkout.session.expired', session()))).toEqual([]);
    expect(
      paymentsFromEvent(
        event('checkout.session.async_payment_failed', session({ payment_status: 'unpaid' })),
      )[0]?.status,
    ).toBe('failed');
  });

  it('other objects, and objects not for our invoices, give nothing', () => {
    expect(
      paymentsFromEvent(event('customer.created', { object: 'customer', id: 'cus_1' })),
    ).toEqual([]);
    expect(paymentsFromEvent(event('payment_intent.succeeded', intent({ metadata: {} })))).toEqual(
      [],
    );
  });
});
