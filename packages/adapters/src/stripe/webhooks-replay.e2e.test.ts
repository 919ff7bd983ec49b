/**
 * Order independence end to end: a few hundred Stripe events (invoices finalized, sent, paid,
 * voided; intents failing then succeeding; their charges; refunds listed in `charge.refunded`;
 * payment-link payments of open invoices), each signed with Stripe's REAL signing and posted
 * through `gt.handler` — once each in order to one organization's endpoint, 1–5 times each
 * in a random order to another's. The payments and invoices (+ items) of both must be equal. The seed
 * of a failing run is fast-check's (`REPLAY_SEED=…` replays it).
 */
import type { GreenTrack } from '@greentrack/core';
import { fixedClock } from '@greentrack/core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { billingState } from '../../test/billing-state.js';
import { createTestGreenTrack, databaseKind } from '../../test/greentrack.js';
import { createShop } from '../../test/shop.js';
import {
  type StripeHistoryEvent,
  signedStripeEvent,
  stripeHistory,
} from '../../test/stripe-history.js';
import { stripeWebhooks } from './webhooks.js';

const NOW = Date.parse('2026-06-10T12:00:00.000Z') / 1000;
const secret = 'whsec_replay_0f8e6a4c3b1d4e2f9a7c';

describe(`Stripe webhook replay through the route [${databaseKind}]`, () => {
  let gt: GreenTrack;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ gt, cleanup } = await createTestGreenTrack({
      secret: 'webhook-replay-secret-0123456789abcdef01234',
      clock: fixedClock(new Date(NOW * 1000)),
      providers: { webhooks: [stripeWebhooks()] },
    }));
  }, 60_000);
  afterAll(() => cleanup());

  /** An organization with a `stripe` account, and a function posting a signed event to it. */
  async function endpoint() {
    const { org, organizationId } = await createShop(gt);
    const account = await org.integrations.create({
      provider: 'stripe',
      credentials: { webhookSecret: secret },
    });
    const url = `http://host.test/api/greentrack/webhooks/stripe/${account.id}`;
    const post = async (event: StripeHistoryEvent, index: number) => {
      const { body, headers } = signedStripeEvent(event, index, { secret, timestamp: NOW - 1 });
      const response = await gt.handler(new Request(url, { method: 'POST', headers, body }));
      expect(response.status).toBe(200);
    };
    return { organizationId, post };
  }

  it('each event delivered 1–5 times in random order ends as in-order single delivery', async () => {
    const draws = fc.infiniteStream(
      fc.noBias(fc.integer({ min: 0, max: 2 ** 31 - 1 })).map((n) => n / 2 ** 31),
    );
    const replaySeed = process.env.REPLAY_SEED ? { seed: Number(process.env.REPLAY_SEED) } : {};
    // fast-check draws the randomness and prints the seed of a failing run.
    await fc.assert(
      fc.asyncProperty(draws, async (stream) => {
        const next = stream[Symbol.iterator]();
        const random = () => next.next().value as number;
        const events = stripeHistory(random, { invoices: 50, customers: 7, now: NOW });
        const deliveries = events.flatMap((event, index) =>
          Array.from({ length: 1 + Math.floor(random() * 5) }, () => ({ event, index })),
        );
        for (let i = deliveries.length - 1; i > 0; i--) {
          const j = Math.floor(random() * (i + 1));
          const swap = deliveries[i] as (typeof deliveries)[number];
          deliveries[i] = deliveries[j] as (typeof deliveries)[number];
          deliveries[j] = swap;
        }
        const inOrder = await endpoint();
        const shuffled = await endpoint();
        for (const [index, event] of events.entries()) await inOrder.post(event, index);
        const started = performance.now();
        for (const { event, index } of deliveries) await shuffled.post(event, index);
        const elapsed = performance.now() - started;
        console.info(
          `[stripe replay ${databaseKind}] ${events.length} events, ${deliveries.length} deliveries through gt.handler in ${Math.round(elapsed)} ms`,
        );
        const expected = await billingState(gt, inOrder.organizationId);
        const actual = await billingState(gt, shuffled.organizationId);
        expect(events.length).toBeGreaterThan(150);
        expect(expected.invoices.some((i) => i.includes('"status":"paid"'))).toBe(true);
        expect(actual.payments).toEqual(expected.payments);
        expect(actual.invoices).toEqual(expected.invoices);
        expect(actual.items).toEqual(expected.items);
      }),
      { numRuns: 1, endOnFailure: true, ...replaySeed },
    );
  }, 600_000);
});
