/**
 * THE REPLAY TEST (issue 13's acceptance): 10,000 delivery events over a few hundred
 * messages — SendGrid batches and single Postmark records; deliveries, opens, clicks,
 * bounces, spam reports, unsubscribes, drops — posted through the real route with each
 * provider's real authentication, every webhook delivered 1–50 times, all in a random
 * (seeded) order, with the worker draining the queue now and then. The final messages,
 * message_events and subscriptions must equal those of a second organization that got
 * each webhook exactly once, in order.
 */
import type { GreenTrack } from '@greentrack/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type DeliveryPlan,
  planDeliveries,
  renderWebhook,
  seededRandom,
  shuffle,
} from '../test/delivery-replay.js';
import { deliveryState, drainWebhooks, seedPlanMessages } from '../test/delivery-seed.js';
import { createTestGreenTrack, databaseKind } from '../test/greentrack.js';
import { basicAuth } from '../test/postmark-webhook.js';
import { sendgridSigner } from '../test/sendgrid-webhook.js';
import { postmarkWebhooks } from './postmark/index.js';
import { sendgridWebhooks } from './sendgrid/index.js';

const BASE = 'http://host.test/api/greentrack';
const SEED = 20261130;
const signer = sendgridSigner();
const postmarkAuth = { webhookUsername: 'gt-hook', webhookPassword: 'replay-secret' };

interface Receiver {
  organizationId: string;
  sendgridAccount: string;
  postmarkAccount: string;
}

describe(`replay: 10,000 delivery events, each webhook 1–50 times in any order [${databaseKind}]`, () => {
  let gt: GreenTrack;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ gt, cleanup } = await createTestGreenTrack({
      secret: 'replay-secret-replay-secret-0123456789',
      providers: { webhooks: [sendgridWebhooks(), postmarkWebhooks()] },
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
    return {
      organizationId: organization.id,
      sendgridAccount: sendgrid.id,
      postmarkAccount: postmark.id,
    };
  }

  async function post(
    to: Receiver,
    provider: 'sendgrid' | 'postmark',
    body: string,
  ): Promise<void> {
    const headers =
      provider === 'sendgrid'
        ? signer.headers(body)
        : {
            'content-type': 'application/json',
            authorization: basicAuth(postmarkAuth.webhookUsername, postmarkAuth.webhookPassword),
          };
    const account = provider === 'sendgrid' ? to.sendgridAccount : to.postmarkAccount;
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
    expect(plan.eventCount).toBeGreaterThanOrEqual(10_000);
    const base = Math.floor(Date.now() / 1000) + 60;

    const reference = await receiver('in-order');
    const referenceIds = await seedPlanMessages(gt, reference.organizationId, plan, base);
    for (const webhook of plan.webhooks)
      await post(reference, webhook.provider, renderWebhook(webhook, referenceIds));
    await drainWebhooks(gt);

    const replayed = await receiver('replayed');
    const replayedIds = await seedPlanMessages(gt, replayed.organizationId, plan, base);
    const random = seededRandom(SEED + 1);
    // 1–50 deliveries each, most few: 1 + ⌊49·r⁴⌋ (mean ≈ 10.8) keeps both ends and the run short.
    const deliveries = shuffle(
      plan.webhooks.flatMap((webhook) =>
        Array.from({ length: 1 + Math.floor(49 * random() ** 4) }, () => webhook),
      ),
      random,
    );
    const counts = new Map<unknown, number>();
    for (const w of deliveries) counts.set(w, (counts.get(w) ?? 0) + 1);
    expect(Math.max(...counts.values())).toBeGreaterThanOrEqual(40);
    expect(Math.min(...counts.values())).toBe(1);
    for (const [i, webhook] of deliveries.entries()) {
      await post(replayed, webhook.provider, renderWebhook(webhook, replayedIds));
      // The worker takes the queued batches at its own pace, between deliveries.
      if (i % 97 === 0) await gt.worker.tick();
    }
    await drainWebhooks(gt);

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
  }, 600_000);
});
