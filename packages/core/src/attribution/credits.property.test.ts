/**
 * Properties of the credits, checked with fast-check on the REAL query and database: random
 * touch sequences (clicks, opens, UTM visits at random times, ties included, some outside
 * their lookback or after the conversion) and random revenues. For every conversion and
 * model: the parts sum exactly to the revenue, each has the revenue's sign; last_click and
 * first_touch credit one touch, the latest / earliest counted one; linear parts differ by at
 * most a cent; time_decay never gives a more recent touch fewer cents than an older one; a
 * full refund negates the payment's parts; recompute twice gives the same rows.
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attributionFixture, hoursFrom } from '../../test/attribution-fixture.js';
import { createTestGreenTrack, databaseKind, makeOrganization } from '../../test/harness.js';
import type { GreenTrack } from '../greentrack.js';
import type { TenantFacade } from '../tenant.js';

const LOOKBACK_HOURS = { click: 7 * 24, open: 24, utm: 7 * 24 } as const;
type Kind = keyof typeof LOOKBACK_HOURS;

const touchArb = fc.record({
  kind: fc.constantFrom<Kind>('click', 'click', 'open', 'utm'),
  // Whole hours from −9 days to +1 day: ties are common, some fall outside or after.
  hours: fc.integer({ min: -9 * 24, max: 24 }),
});
const caseArb = fc.record({
  touches: fc.array(touchArb, { minLength: 0, maxLength: 6 }),
  revenue: fc.oneof(
    fc.integer({ min: 1, max: 2_000_000 }),
    fc.integer({ min: 1, max: 20 }),
    fc.integer({ min: -50_000, max: -1 }),
  ),
  refund: fc.boolean(),
});

interface Credit {
  event_id: string;
  touch: string;
  model: string;
  cents: number;
}

describe(`attribution credits: properties [${databaseKind}]`, () => {
  let gt: GreenTrack;
  let cleanup: () => Promise<void>;
  let org: TenantFacade;
  let organizationId: string;

  beforeAll(async () => {
    ({ gt, cleanup } = await createTestGreenTrack());
    const { organization, owner } = await makeOrganization(gt, 'Props');
    organizationId = organization.id;
    org = gt.as({ userId: owner.id, organizationId });
    await org.settings.attribution.set({ touches: { open: true } });
  });
  afterAll(() => cleanup());

  /** The credits of the conversions in [since, until), without ids and times. */
  async function credits(since: Date, until: Date): Promise<Credit[]> {
    const rows = await gt.db
      .selectFrom('attributions as a')
      .innerJoin('events as e', 'e.id', 'a.event_id')
      .select(['a.event_id', 'a.message_id', 'a.campaign_run_id', 'a.attributed_model'])
      .select('a.revenue_cents')
      .where('a.organization_id', '=', organizationId)
      .where('e.occurred_at', '>=', since)
      .where('e.occurred_at', '<', until)
      .execute();
    return rows
      .map((r) => ({
        event_id: r.event_id,
        touch: r.message_id ?? r.campaign_run_id ?? '',
        model: r.attributed_model,
        cents: r.revenue_cents,
      }))
      .sort((a, b) =>
        `${a.event_id}${a.model}${a.touch}`.localeCompare(`${b.event_id}${b.model}${b.touch}`),
      );
  }

  it('holds for random touch sequences and revenues', async () => {
    let round = 0;
    const f = attributionFixture(gt, organizationId);
    await fc.assert(
      fc.asyncProperty(caseArb, async ({ touches, revenue, refund }) => {
        // Each case far from the others in time: its window holds only its conversions.
        const at = new Date(Date.UTC(2026, 0, 1) + round++ * 30 * 86_400_000);
        const customer = await f.customer(`Case ${round}`);
        const placed: Array<{ id: string; time: number; counts: boolean }> = [];
        for (const [i, touch] of touches.entries()) {
          const time = hoursFrom(at, touch.hours);
          const counts = touch.hours <= 0 && -touch.hours <= LOOKBACK_HOURS[touch.kind];
          if (touch.kind === 'utm') {
            const utm = `case-${round}-${i}`;
            const { runs } = await f.campaign(utm, {
              utm,
              runs: [{ at: hoursFrom(at, -40 * 24) }],
            });
            await f.event(customer, 'page_view', time, { utm_campaign: utm });
            placed.push({ id: runs[0] as string, time: time.getTime(), counts });
          } else {
            const { runs } = await f.campaign(`c-${round}-${i}`, {
              runs: [{ at: hoursFrom(at, -40 * 24) }],
            });
            const id = await f.message({
              id: randomUUID(),
              customerId: customer,
              runId: runs[0] as string,
            });
            await f.messageEvent(id, touch.kind, time);
            placed.push({ id, time: time.getTime(), counts });
          }
        }
        const payment = await f.event(customer, 'payment_received', at, {
          properties: { revenue_cents: revenue },
        });
        if (refund)
          await f.event(customer, 'payment_refunded', hoursFrom(at, 48), {
            properties: { revenue_cents: -revenue, reverses_event_id: payment },
          });
        const window = { since: hoursFrom(at, -1), until: hoursFrom(at, 72) };
        await org.attribution.recompute(window);
        const rows = await credits(window.since, window.until);
        await org.attribution.recompute(window);
        expect(await credits(window.since, window.until)).toEqual(rows);

        const counted = placed.filter((t) => t.counts);
        const timeOf = new Map(placed.map((t) => [t.id, t.time]));
        const ofPayment = rows.filter((r) => r.event_id === payment);
        if (counted.length === 0) {
          expect(rows).toEqual([]);
          return;
        }
        const latest = Math.max(...counted.map((t) => t.time));
        const earliest = Math.min(...counted.map((t) => t.time));
        for (const model of ['last_click', 'first_touch', 'linear', 'time_decay']) {
          const parts = ofPayment.filter((r) => r.model === model);
          expect(parts.reduce((sum, p) => sum + p.cents, 0)).toBe(revenue);
          for (const p of parts)
            expect(Math.sign(p.cents) * Math.sign(revenue)).toBeGreaterThanOrEqual(0);
          for (const p of parts) expect(counted.some((t) => t.id === p.touch)).toBe(true);
          if (model === 'last_click' || model === 'first_touch') {
            expect(parts).toHaveLength(1);
            expect(timeOf.get(parts[0]?.touch ?? '')).toBe(
              model === 'last_click' ? latest : earliest,
            );
          } else {
            expect(parts).toHaveLength(counted.length);
          }
          if (model === 'linear') {
            const cents = parts.map((p) => Math.abs(p.cents));
            expect(Math.max(...cents) - Math.min(...cents)).toBeLessThanOrEqual(1);
          }
          if (model === 'time_decay') {
            for (const a of parts)
              for (const b of parts)
                if ((timeOf.get(a.touch) ?? 0) > (timeOf.get(b.touch) ?? 0))
                  expect(Math.abs(a.cents)).toBeGreaterThanOrEqual(Math.abs(b.cents));
          }
        }
        if (refund) {
          const negated = rows
            .filter((r) => r.event_id !== payment)
            .map((r) => `${r.model} ${r.touch} ${-r.cents}`)
            .sort();
          expect(negated).toEqual(ofPayment.map((r) => `${r.model} ${r.touch} ${r.cents}`).sort());
        }
      }),
      { numRuns: 40, seed: 20261130 },
    );
  });
});
