/**
 * The holdout comparison on a hand-computed fixture: 10 recipients, 4 held out; payments,
 * a refund, a paid invoice, a conversion before the start, one after the window and an
 * event that is no conversion. The expected numbers are worked out below by hand (the
 * intervals' quantiles: z = 1.959964, t(6.578) = 2.395716; cross-checked with SciPy's
 * `ttest_ind(equal_var=False).confidence_interval()`).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failure } from '../../../test/errors.js';
import { createTestGreenTrack, databaseKind } from '../../../test/harness.js';
import {
  audienceOf,
  insertConversions,
  startedHoldoutCampaign,
} from '../../../test/holdout-fixture.js';
import type { GreenTrack } from '../../greentrack.js';

const DAY = 86_400_000;

describe(`holdout comparison [${databaseKind}]`, () => {
  let gt: GreenTrack;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ gt, cleanup } = await createTestGreenTrack());
  });
  afterAll(() => cleanup());

  it('reports each group, the differences with Wald and Welch intervals, and the incremental totals', async () => {
    const { organizationId, org, campaign, run, startedAt } = await startedHoldoutCampaign(gt, {
      customers: 10,
      holdoutPercent: 40,
    });
    const audience = await audienceOf(gt, run.id);
    const treated = audience.filter((a) => !a.heldOut).map((a) => a.customerId);
    const held = audience.filter((a) => a.heldOut).map((a) => a.customerId);
    expect([treated.length, held.length]).toEqual([6, 4]);
    const [t1, t2, t3, t4, t5] = treated as [string, string, string, string, string];
    const [h1, h2] = held as [string, string];
    const at = (days: number) => new Date(startedAt.getTime() + days * DAY);
    await insertConversions(gt, organizationId, [
      // t1: 5,000 paid, 1,000 refunded: 4,000, a converter.
      { customerId: t1, name: 'payment_received', revenueCents: 5_000, at: at(1) },
      { customerId: t1, name: 'payment_refunded', revenueCents: -1_000, at: at(2) },
      // t2: an invoice paid at its source: 3,000.
      { customerId: t2, name: 'invoice_paid', revenueCents: 3_000, at: at(3) },
      // t3: before the run started; t4: after 14 days (in a 30-day window).
      { customerId: t3, name: 'payment_received', revenueCents: 2_000, at: at(-1) },
      { customerId: t4, name: 'payment_received', revenueCents: 7_000, at: at(20) },
      // t5: not a conversion.
      { customerId: t5, name: 'page_view', revenueCents: 900, at: at(1) },
      // h1: 1,000; h2: only a refund (of an earlier payment): −500, not a converter.
      { customerId: h1, name: 'payment_received', revenueCents: 1_000, at: at(5) },
      { customerId: h2, name: 'payment_refunded', revenueCents: -500, at: at(1) },
    ]);

    const result = await org.campaigns.holdout(campaign.id);
    expect(result).toMatchObject({
      campaign_id: campaign.id,
      run_id: null,
      window_days: 14,
      window: { from: startedAt, until: at(14) },
      // Per-recipient revenue [4000, 3000, 0, 0, 0, 0]: mean 1,166.67, s² 3,366,666.67.
      treated: {
        recipients: 6,
        converters: 2,
        revenue_cents: 7_000,
      },
      // [1000, −500, 0, 0]: mean 125, s² 395,833.33.
      holdout: {
        recipients: 4,
        converters: 1,
        conversion_rate: 0.25,
        revenue_cents: 500,
        revenue_per_recipient_cents: 125,
      },
    });
    expect(result.treated.conversion_rate).toBeCloseTo(1 / 3, 12);
    expect(result.treated.revenue_per_recipient_cents).toBeCloseTo(7_000 / 6, 9);
    const close = (
      got: { estimate: number; low: number | null; high: number | null } | undefined,
      want: [number, number, number],
      digits: number,
    ) => {
      expect(got?.estimate).toBeCloseTo(want[0], digits);
      expect(got?.low).toBeCloseTo(want[1], digits);
      expect(got?.high).toBeCloseTo(want[2], digits);
    };
    // Wald: 1/3 − 1/4 ± 1.959964 · √((1/3)(2/3)/6 + (1/4)(3/4)/4) = 0.083333 ± 0.567754.
    close(result.difference?.conversion_rate, [0.083333333, -0.484420693, 0.65108736], 6);
    // Welch: SE = √(3,366,666.67/6 + 395,833.33/4) = 812.4466, ν = 6.578, t = 2.395716:
    // 1,041.667 ± 1,946.392.
    close(
      result.difference?.revenue_per_recipient_cents,
      [1041.666667, -904.724976, 2988.05831],
      3,
    );
    // × 6 treated recipients.
    close(result.incremental?.conversions, [0.5, -2.90652416, 3.90652416], 6);
    close(result.incremental?.revenue_cents, [6250, -5428.349857, 17928.34986], 2);

    // A 30-day window takes t4's 7,000 in: treated [4000, 3000, 0, 7000, 0, 0].
    const month = await org.campaigns.holdout(campaign.id, { runId: run.id, windowDays: 30 });
    expect(month).toMatchObject({
      run_id: run.id,
      treated: { converters: 3, revenue_cents: 14_000 },
      holdout: { converters: 1, revenue_cents: 500 },
    });
    close(month.difference?.conversion_rate, [0.25, -0.333205938, 0.833205938], 6);
    close(
      month.difference?.revenue_per_recipient_cents,
      [2208.333333, -804.2014002, 5220.868067],
      3,
    );
  });

  it('without a holdout: the treated side only; bad input answers with typed errors', async () => {
    const { organizationId, org, campaign, run, startedAt } = await startedHoldoutCampaign(gt, {
      customers: 4,
      holdoutPercent: 0,
    });
    const [first] = await audienceOf(gt, run.id);
    await insertConversions(gt, organizationId, [
      {
        customerId: first?.customerId ?? '',
        name: 'payment_received',
        revenueCents: 2_500,
        at: startedAt,
      },
    ]);
    expect(await org.campaigns.holdout(campaign.id)).toMatchObject({
      treated: { recipients: 4, converters: 1, conversion_rate: 0.25, revenue_cents: 2_500 },
      holdout: null,
      difference: null,
      incremental: null,
    });
    const other = await org.campaigns.create({ name: 'Not started', channel: 'email' });
    expect(await org.campaigns.holdout(other.id)).toMatchObject({
      window: null,
      treated: { recipients: 0, converters: 0, revenue_cents: 0 },
      holdout: null,
    });
    expect((await failure(org.campaigns.holdout(other.id, { runId: run.id }))).code).toBe(
      'CAMPAIGN_RUN_NOT_FOUND',
    );
    expect((await failure(org.campaigns.holdout(campaign.id, { windowDays: 91 }))).code).toBe(
      'VALIDATION_FAILED',
    );
    expect((await failure(org.campaigns.holdout(randomUUID()))).code).toBe('CAMPAIGN_NOT_FOUND');
  });
});
