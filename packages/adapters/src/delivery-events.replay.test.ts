/**
 * THE REPLAY TEST (issue 13's acceptance): 10,000 events over a few hundred messages and
 * their customers — SendGrid batches and single Postmark records (deliveries, opens, clicks,
 * bounces, spam reports, unsubscribes, drops) and, in the same stream, Stripe events about
 * invoices of some of those customers (finalized, sent, paid, partly paid through a payment
 * link, refunded, voided) — posted through the real route with each provider's real
 * authentication (Stripe's `generateTestHeaderString`), every webhook delivered 1–50 times,
 * all in one random (seeded) order, with the worker draining the queue now and then. The
 * final messages, message_events, subscriptions, payments, invoices (with their items) and
 * conversion events (`payment_received`, `payment_refunded`, `invoice_paid`: customer, time,
 * revenue, the payment a refund reverses) must equal those of a second organization that got
 * each webhook exactly once, in order.
 */
import type { GreenTrack } from '@greentrack/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { billingState } from '../test/billing-state.js';
import { conversionState } from '../test/conversion-state.js';
import {
  type DeliveryPlan,
  type PlannedWebhook,
  planDeliveries,
  renderWebhook,
  seededRandom,
  shuffle,
} from '../test/delivery-replay.js';
import {
  deliveryState,
  drainWebhooks,
  type SeededPlan,
  seedPlanMessages,
} from '../test/delivery-seed.js';
import { createTestGreenTrack, databaseKind } from '../test/greentrack.js';
import { basicAuth } from '../test/postmark-webhook.js';
import { sendgridSigner } from '../test/sendgrid-webhook.js';
import {
  type StripeHistoryEvent,
  signedStripeEvent,
  stripeHistory,
} from '../test/stripe-history.js';
import { postmarkWebhooks } from './postmark/index.js';
import { sendgridWebhooks } from './sendgrid/index.js';
import { stripeWebhooks } from './stripe/index.js';

const BASE = 'http://host.test/api/greentrack';
const SEED = 20261130;
const signer = sendgridSigner();
const postmarkAuth = { webhookUsername: 'gt-hook', webhookPassword: 'replay-secret' };
const stripeSecret = 'whsec_replay_5b2d8e1f4a7c9e3b6d0f';
// Stripe sends one event per request: a few dozen invoices (~100 events, ~1,000 requests
// after the repeats) exercise every payment and invoice path without doubling the run.
const STRIPE_INVOICES = 24;
const STRIPE_CUSTOMERS = 12;

interface Receiver {
  organizationId: string;
  sendgridAccount: string;
  postmarkAccount: string;
  stripeAccount: string;
}

/** One webhook of the stream: an email provider's request, or one Stripe event. */
type Delivery =
  | { provider: 'sendgrid' | 'postmark'; webhook: PlannedWebhook }
  | { provider: 'stripe'; event: StripeHistoryEvent; index: number };

describe(`replay: 10,000 delivery and Stripe events, each webhook 1–50 times in any order [${databaseKind}]`, () => {
  let gt: GreenTrack;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ gt, cleanup } = await createTestGreenTrack({
      secret: 'replay-secret-replay-secret-0123456789',
      providers: { webhooks: [sendgridWebhooks(), postmarkWebhooks(), stripeWebhooks()] },
    }));
  }, 60_000);
  afterAll(() => cleanup());

  async function receiver(name: string): Promise<Receiver> {
    const owner = await gt.users.create({ email: `${name}@replay.example`, name });
    const { organization } = await gt.organizations.create({ name, ownerUserId: owner.id });
    const org = gt.as({ userId: owner.id, organizationId: organization.id });
    const sendgrid = await org.integrations.create({
      provider: 'sendgrid',
      credentials: { webhookPublicKey: signer.publicKey },
    });
    const postmark = await org.integrations.create({
      provider: 'postmark',
      credentials: postmarkAuth,
    });
    const stripe = await org.integrations.create({
      provider: 'stripe',
      credentials: { webhookSecret: stripeSecret },
    });
    return {
      organizationId: organization.id,
      sendgridAccount: sendgrid.id,
      postmarkAccount: postmark.id,
      stripeAccount: stripe.id,
    };
  }

  /** The request of one delivery to `to`, signed now as its provider would sign it. */
  function request(
    to: Receiver,
    delivery: Delivery,
    ids: SeededPlan,
  ): { account: string; body: string; headers: Record<string, string> } {
    if (delivery.provider === 'stripe') {
      const signed = signedStripeEvent(delivery.event, delivery.index, {
        secret: stripeSecret,
        timestamp: Math.floor(Date.now() / 1000),
        customerEmails: ids.customerEmails.slice(0, STRIPE_CUSTOMERS),
      });
      return { account: to.stripeAccount, ...signed };
    }
    const body = renderWebhook(delivery.webhook, ids);
    if (delivery.provider === 'sendgrid')
      return { account: to.sendgridAccount, body, headers: signer.headers(body) };
    return {
      account: to.postmarkAccount,
      body,
      headers: {
        'content-type': 'application/json',
        authorization: basicAuth(postmarkAuth.webhookUsername, postmarkAuth.webhookPassword),
      },
    };
  }

  async function post(to: Receiver, delivery: Delivery, ids: SeededPlan): Promise<void> {
    const { provider } = delivery;
    const { account, body, headers } = request(to, delivery, ids);
    const response = await gt.handler(
      new Request(`${BASE}/webhooks/${provider}/${account}`, { method: 'POST', headers, body }),
    );
    if (response.status !== 200)
      throw new Error(`${provider} webhook answered ${response.status}: ${await response.text()}`);
  }

  it('ends in the state of in-order single delivery', async () => {
    const plan: DeliveryPlan = planDeliveries({
      seed: SEED,
      events: 10_000,
      postmarkMessages: 50,
      batchSize: 250,
    });
    const base = Math.floor(Date.now() / 1000) + 60;
    const stripeEvents = stripeHistory(seededRandom(SEED + 2), {
      invoices: STRIPE_INVOICES,
      customers: STRIPE_CUSTOMERS,
      now: base,
    });
    expect(plan.eventCount + stripeEvents.length).toBeGreaterThanOrEqual(10_000);
    const stream: Delivery[] = [
      ...plan.webhooks.map((webhook) => ({ provider: webhook.provider, webhook })),
      ...stripeEvents.map((event, index) => ({ provider: 'stripe' as const, event, index })),
    ];

    const reference = await receiver('in-order');
    const referenceIds = await seedPlanMessages(gt, reference.organizationId, plan, base);
    const started = performance.now();
    for (const delivery of stream) await post(reference, delivery, referenceIds);
    await drainWebhooks(gt);
    const inOrderMs = performance.now() - started;

    const replayed = await receiver('replayed');
    const replayedIds = await seedPlanMessages(gt, replayed.organizationId, plan, base);
    const random = seededRandom(SEED + 1);
    // 1–50 deliveries each, most few: 1 + ⌊49·r⁴⌋ (mean ≈ 10.8) keeps both ends and the run short.
    const deliveries = shuffle(
      stream.flatMap((delivery) =>
        Array.from({ length: 1 + Math.floor(49 * random() ** 4) }, () => delivery),
      ),
      random,
    );
    const counts = new Map<Delivery, number>();
    for (const d of deliveries) counts.set(d, (counts.get(d) ?? 0) + 1);
    const stripeCounts = [...counts].filter(([d]) => d.provider === 'stripe').map(([, n]) => n);
    expect(Math.max(...counts.values())).toBeGreaterThanOrEqual(40);
    expect(Math.min(...counts.values())).toBe(1);
    expect(Math.max(...stripeCounts)).toBeGreaterThanOrEqual(40);
    expect(Math.min(...stripeCounts)).toBe(1);
    const replayStarted = performance.now();
    for (const [i, delivery] of deliveries.entries()) {
      await post(replayed, delivery, replayedIds);
      // The worker takes the queued batches at its own pace, between deliveries.
      if (i % 97 === 0) await gt.worker.tick();
    }
    await drainWebhooks(gt);
    console.info(
      `[replay ${databaseKind}] ${plan.eventCount} email + ${stripeEvents.length} Stripe events; in order ${Math.round(inOrderMs)} ms; ${deliveries.length} requests (${stripeCounts.reduce((a, b) => a + b, 0)} Stripe) in ${Math.round(performance.now() - replayStarted)} ms`,
    );

    const failed = await gt.database
      .system('the replay test reads every organization’s failed webhooks')
      .selectFrom('webhooks_inbound')
      .select(['status', 'error'])
      .where('status', '=', 'failed')
      .execute();
    expect(failed).toEqual([]);

    const expected = await deliveryState(gt, reference.organizationId, referenceIds);
    const actual = await deliveryState(gt, replayed.organizationId, replayedIds);
    // The plan really exercises each part: statuses of every kind, events, consent changes.
    expect(expected.events.length).toBeGreaterThan(7_000);
    for (const status of ['delivered', 'bounced', 'failed'])
      expect(expected.messages.some((m) => m.includes(`"${status}"`))).toBe(true);
    for (const status of ['bounced', 'unsubscribed', 'complained', 'subscribed'])
      expect(expected.subscriptions.some((s) => s.includes(`"${status}"`))).toBe(true);
    expect(actual.messages).toEqual(expected.messages);
    expect(actual.subscriptions).toEqual(expected.subscriptions);
    expect(actual.events).toEqual(expected.events);

    const expectedBilling = await billingState(
      gt,
      reference.organizationId,
      referenceIds.customerIds,
    );
    const actualBilling = await billingState(gt, replayed.organizationId, replayedIds.customerIds);
    // Every invoice is our customer's; paid, partly paid, refunded and voided ones all occur.
    const invoices = expectedBilling.invoices.map(
      (i) =>
        JSON.parse(i) as {
          customer: unknown;
          status: string;
          total_cents: number;
          amount_due_cents: number;
        },
    );
    expect(invoices).toHaveLength(STRIPE_INVOICES);
    expect(invoices.every((i) => typeof i.customer === 'number')).toBe(true);
    for (const status of ['paid', 'void'])
      expect(invoices.some((i) => i.status === status)).toBe(true);
    expect(invoices.some((i) => i.amount_due_cents > 0 && i.amount_due_cents < i.total_cents)).toBe(
      true,
    );
    expect(expectedBilling.payments.some((p) => p.includes('"amount_cents":-'))).toBe(true);
    expect(expectedBilling.items).toHaveLength(STRIPE_INVOICES);
    expect(actualBilling.payments).toEqual(expectedBilling.payments);
    expect(actualBilling.invoices).toEqual(expectedBilling.invoices);
    expect(actualBilling.items).toEqual(expectedBilling.items);

    const expectedConversions = await conversionState(
      gt,
      reference.organizationId,
      referenceIds.customerIds,
    );
    const actualConversions = await conversionState(
      gt,
      replayed.organizationId,
      replayedIds.customerIds,
    );
    // Every kind occurs, each recorded from a webhook: payments, refunds, paid invoices.
    for (const name of ['payment_received', 'payment_refunded', 'invoice_paid'])
      expect(expectedConversions.some((c) => c.includes(`"name":"${name}"`))).toBe(true);
    expect(expectedConversions.every((c) => c.includes('"source":"webhook"'))).toBe(true);
    expect(actualConversions).toEqual(expectedConversions);
  }, 600_000);
});
