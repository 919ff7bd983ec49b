/**
 * Acceptance (issue 14, holdout): on a synthetic population with a known injected effect
 * the reported lift's 95 % intervals cover it — for the conversion rate and for revenue per
 * recipient — and with no effect they cover 0. 4,000 recipients, 15 % held out by the real
 * snapshot; conversions drawn per recipient from fast-check's seeded generator (no bias),
 * one stream per group, and inserted in one statement as `payment_received` events inside
 * the window.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestGreenTrack, databaseKind } from '../../../test/harness.js';
import {
  audienceOf,
  insertConversions,
  startedHoldoutCampaign,
} from '../../../test/holdout-fixture.js';
import type { GreenTrack } from '../../greentrack.js';

const RECIPIENTS = 4_000;
const HOLDOUT_PERCENT = 15;
const HOUR = 3_600_000;

/** Conversion probability and revenue range (uniform integer cents) of one group. */
interface Behaviour {
  rate: number;
  minCents: number;
  maxCents: number;
}

/** Expected revenue per recipient: rate × the mean of a uniform draw in [min, max]. */
const expectedRevenue = (b: Behaviour) => (b.rate * (b.minCents + b.maxCents)) / 2;

describe(`holdout lift on a synthetic population [${databaseKind}]`, () => {
  let gt: GreenTrack;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ gt, cleanup } = await createTestGreenTrack());
  });
  afterAll(() => cleanup());

  /** A started campaign whose recipients converted as `treated` / `holdout` say. */
  async function population(seed: number, treated: Behaviour, holdout: Behaviour) {
    const campaign = await startedHoldoutCampaign(gt, {
      customers: RECIPIENTS,
      holdoutPercent: HOLDOUT_PERCENT,
    });
    const audience = await audienceOf(gt, campaign.run.id);
    // Which customers are held out depends on the run's random id; each group draws its
    // outcomes from its own seeded stream, so what each group did is the same every time.
    const outcomes = (recipients: typeof audience, b: Behaviour, streamSeed: number) => {
      // Three draws per recipient: converts?, revenue, hours after the start (< 13 days).
      const draws = fc.sample(
        fc.tuple(
          fc.noBias(fc.integer({ min: 0, max: 999_999 })),
          fc.noBias(fc.integer({ min: 0, max: 1_000_000 })),
          fc.noBias(fc.integer({ min: 0, max: 13 * 24 })),
        ),
        { seed: streamSeed, numRuns: recipients.length },
      );
      return recipients.flatMap((recipient, i) => {
        const [converts, amount, hours] = draws[i] as [number, number, number];
        if (converts >= b.rate * 1_000_000) return [];
        const revenueCents =
          b.minCents + Math.round(((b.maxCents - b.minCents) * amount) / 1_000_000);
        const at = new Date(campaign.startedAt.getTime() + hours * HOUR);
        return [{ customerId: recipient.customerId, name: 'payment_received', revenueCents, at }];
      });
    };
    const conversions = [
      ...outcomes(
        audience.filter((a) => !a.heldOut),
        treated,
        seed,
      ),
      ...outcomes(
        audience.filter((a) => a.heldOut),
        holdout,
        seed + 1,
      ),
    ];
    await insertConversions(gt, campaign.organizationId, conversions);
    return { ...campaign, heldOut: audience.filter((a) => a.heldOut).length };
  }

  const covers = (interval: { low: number | null; high: number | null } | undefined, x: number) => {
    expect(interval?.low).not.toBeNull();
    expect(interval?.low ?? Number.NaN).toBeLessThanOrEqual(x);
    expect(interval?.high ?? Number.NaN).toBeGreaterThanOrEqual(x);
  };

  it('covers an injected effect: +3 points of conversion, +1,000 cents per conversion', async () => {
    const holdout: Behaviour = { rate: 0.1, minCents: 2_000, maxCents: 8_000 };
    const treated: Behaviour = { rate: 0.13, minCents: 3_000, maxCents: 9_000 };
    const { org, campaign, heldOut } = await population(14, treated, holdout);
    expect(heldOut).toBe(600);
    const started = performance.now();
    const result = await org.campaigns.holdout(campaign.id);
    const ms = performance.now() - started;
    expect(result.treated.recipients).toBe(3_400);
    expect(result.holdout?.recipients).toBe(600);
    covers(result.difference?.conversion_rate, treated.rate - holdout.rate);
    // 0.13 × 6,000 − 0.10 × 5,000 = 280 cents per recipient.
    const effect = expectedRevenue(treated) - expectedRevenue(holdout);
    covers(result.difference?.revenue_per_recipient_cents, effect);
    covers(result.incremental?.revenue_cents, effect * 3_400);
    console.info(
      `[${databaseKind}] holdout comparison of ${RECIPIENTS} recipients: ${ms.toFixed(0)} ms;`,
      JSON.stringify(result.difference),
    );
  });

  it('covers 0 when the campaign changed nothing', async () => {
    const same: Behaviour = { rate: 0.1, minCents: 2_000, maxCents: 8_000 };
    const { org, campaign } = await population(15, same, same);
    const result = await org.campaigns.holdout(campaign.id);
    covers(result.difference?.conversion_rate, 0);
    covers(result.difference?.revenue_per_recipient_cents, 0);
    covers(result.incremental?.conversions, 0);
  });
});
