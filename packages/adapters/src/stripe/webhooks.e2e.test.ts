/**
 * Stripe webhooks end to end: requests signed with Stripe's REAL signing
 * (`generateTestHeaderString`) posted to `{base}/webhooks/stripe/{account}` through
 * `gt.handler`, verified by `stripeWebhooks()` with the account's `webhookSecret`, stored and
 * processed by core's payment and invoice handlers, on PGlite or Postgres (`DATABASE_URL`).
 * Refused requests (tampered body, wrong secret, stale timestamp, no header) answer 401 and
 * store nothing.
 */
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKind } from '../../test/greentrack.js';
import {
  startWebhookRoute,
  WEBHOOK_TEST_NOW,
  type WebhookRoute,
} from '../../test/webhook-route.js';
import { StripeMetadataKey } from './metadata.js';
import { stripeWebhooks } from './webhooks.js';

const secret = 'whsec_e2e_3c1f2a105b0d7d4e8a554c49';
const now = Math.floor(Date.parse(WEBHOOK_TEST_NOW) / 1000);
let sequence = 0;

function signed(
  type: string,
  object: Record<string, unknown>,
  options: { secret?: string; timestamp?: number; created?: number } = {},
) {
  const body = JSON.stringify({
    id: `evt_${++sequence}`,
    object: 'event',
    type,
    created: options.created ?? now - 60,
    data: { object },
  });
  const header = Stripe.webhooks.generateTestHeaderString({
    payload: body,
    secret: options.secret ?? secret,
    timestamp: options.timestamp ?? now - 2,
  });
  return { body, headers: { 'stripe-signature': header } };
}

const intent = (id: string, externalInvoiceId: string, amount: number) => ({
  id,
  object: 'payment_intent',
  amount,
  amount_received: amount,
  currency: 'usd',
  status: 'succeeded',
  created: now - 120,
  latest_charge: `ch_${id}`,
  last_payment_error: null,
  payment_method_types: ['card'],
  metadata: { [StripeMetadataKey.externalInvoiceId]: externalInvoiceId },
});

const stripeInvoice = (id: string, status: string, remaining: number) => ({
  id,
  object: 'invoice',
  customer: 'cus_e2e',
  customer_email: 'payer@example.com',
  status,
  currency: 'usd',
  subtotal: 5000,
  total: 5000,
  total_excluding_tax: 5000,
  amount_remaining: remaining,
  due_date: null,
  lines: { object: 'list', data: [], has_more: false },
  metadata: {},
});

describe(`Stripe webhooks through the route [${databaseKind}]`, () => {
  let route: WebhookRoute;
  beforeAll(async () => {
    route = await startWebhookRoute(stripeWebhooks(), { webhookSecret: secret });
  }, 60_000);
  afterAll(() => route.cleanup());

  const invoiceRow = (external: string) =>
    route.gt.db
      .selectFrom('zeroinvoice_invoices_cache')
      .select(['status', 'amount_due_cents'])
      .where('organization_id', '=', route.organizationId)
      .where('external_invoice_id', '=', external)
      .executeTakeFirst();
  const paymentRows = (external: string) =>
    route.gt.db
      .selectFrom('payments')
      .select(['external_payment_id', 'amount_cents', 'status'])
      .where('organization_id', '=', route.organizationId)
      .where('external_invoice_id', '=', external)
      .orderBy('external_payment_id')
      .execute();

  it('a payment-link payment pays its cached invoice once, however often it is delivered', async () => {
    await route.gt.db
      .insertInto('zeroinvoice_invoices_cache')
      .values({
        organization_id: route.organizationId,
        external_invoice_id: 'INV-E2E-1',
        status: 'sent',
        currency: 'usd',
        total_cents: 4250,
        amount_due_cents: 4250,
        snapshot: JSON.stringify({ id: 'INV-E2E-1' }),
      })
      .execute();
    const delivery = signed('payment_intent.succeeded', intent('pi_e2e_1', 'INV-E2E-1', 4250));
    for (let i = 0; i < 3; i++) {
      const response = await route.post(delivery.body, delivery.headers);
      expect(response.status).toBe(200);
    }
    await route.gt.worker.tick();
    expect(await paymentRows('INV-E2E-1')).toEqual([
      { external_payment_id: 'pi_e2e_1', amount_cents: 4250, status: 'succeeded' },
    ]);
    expect(await invoiceRow('INV-E2E-1')).toEqual({ status: 'paid', amount_due_cents: 0 });
    const inbound = await route.gt.db
      .selectFrom('webhooks_inbound')
      .select(['status', 'event_type', 'headers'])
      .where('organization_id', '=', route.organizationId)
      .execute();
    expect(inbound.every((row) => row.status === 'processed')).toBe(true);
    expect(JSON.stringify(inbound[0]?.headers)).not.toContain(delivery.headers['stripe-signature']);
  });

  it('invoice.paid before the older invoice.finalized: the cache keeps paid', async () => {
    const paid = signed('invoice.paid', stripeInvoice('in_e2e_2', 'paid', 0), {
      created: now - 30,
    });
    const finalized = signed('invoice.finalized', stripeInvoice('in_e2e_2', 'open', 5000), {
      created: now - 90,
    });
    expect((await route.post(paid.body, paid.headers)).status).toBe(200);
    expect((await route.post(finalized.body, finalized.headers)).status).toBe(200);
    await route.gt.worker.tick();
    expect(await invoiceRow('in_e2e_2')).toEqual({ status: 'paid', amount_due_cents: 0 });
  });

  it('answers 401 and stores nothing for a tampered body, a wrong secret, a stale timestamp, no header', async () => {
    const before = await route.inboundCount();
    const good = signed('payment_intent.succeeded', intent('pi_e2e_3', 'INV-E2E-3', 1000));
    const wrong = signed('payment_intent.succeeded', intent('pi_e2e_3', 'INV-E2E-3', 1000), {
      secret: 'whsec_not_this_one',
    });
    const stale = signed('payment_intent.succeeded', intent('pi_e2e_3', 'INV-E2E-3', 1000), {
      timestamp: now - 301,
    });
    const attempts: Array<[string, Record<string, string>]> = [
      [good.body.replace('1000', '1'), good.headers],
      [wrong.body, wrong.headers],
      [stale.body, stale.headers],
      [good.body, {}],
    ];
    for (const [body, headers] of attempts) {
      const response = await route.post(body, headers);
      expect(response.status).toBe(401);
    }
    expect(await route.inboundCount()).toBe(before);
    expect(await paymentRows('INV-E2E-3')).toEqual([]);
  });
});
