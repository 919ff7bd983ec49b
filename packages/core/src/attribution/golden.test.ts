/**
 * The golden attribution table: a hand-built fixture with the credits of every model written
 * out by hand, compared exactly — by the worker's pass and by `recompute`, on both databases.
 *
 * The fixture (T = Ada's payment, 1000 cents):
 * - Ada: email m1 (run r1) clicked at T−6d and T−2d — ONE touch spanning both (decision 174);
 *   email m5 (run r5) clicked at T−2d (a tie with m1's last click); a visit tagged `summer`
 *   at T−1d (the `summer` campaign's run started before it, not the one after); email m2
 *   opened at T−1h (counts only with opens on); email m3 clicked at T−7d−1s (just outside
 *   the 7-day lookback); SMS m4 clicked at T+1h (after the payment). A refund of 400 cents
 *   at T+2d reverses the payment: credited on the payment's touches at the payment's time
 *   (so m4, before the refund, still does not count).
 * - Bea: 501 cents at T; m6 and m7 clicked at the same instant (ties go to the smaller id).
 * - Cy: an invoice paid (300) at T; only an SMS delivered at T−5h (counts with SMS
 *   deliveries on) and an email delivered at T−4h (never a touch).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attributionFixture, fixedId, hoursFrom } from '../../test/attribution-fixture.js';
import { failure } from '../../test/errors.js';
import { createTestGreenTrack, databaseKind, makeOrganization } from '../../test/harness.js';
import { CommonErrorCode } from '../errors.js';
import type { GreenTrack } from '../greentrack.js';
import type { TenantFacade } from '../tenant.js';

const T = new Date('2026-05-10T12:00:00Z');
const DAY = 24;
const m = (n: number) => fixedId(n);

type Row = [conversion: string, model: string, touch: string, cents: number];

describe(`attribution: the golden table [${databaseKind}]`, () => {
  let gt: GreenTrack;
  let cleanup: () => Promise<void>;
  let org: TenantFacade;
  let staff: TenantFacade;
  /** id → readable name, for the table. */
  const names = new Map<string, string>();

  beforeAll(async () => {
    ({ gt, cleanup } = await createTestGreenTrack());
    const { organization, owner, staff: staffUser } = await makeOrganization(gt, 'Golden');
    org = gt.as({ userId: owner.id, organizationId: organization.id });
    staff = gt.as({ userId: staffUser.id, organizationId: organization.id });
    const f = attributionFixture(gt, organization.id);
    const ada = await f.customer('Ada');
    const bea = await f.customer('Bea');
    const cy = await f.customer('Cy');

    // One run per message (a run sends one message per customer and channel).
    const runs: string[] = [];
    for (let n = 1; n <= 9; n++) {
      const { runs: ids } = await f.campaign(`Campaign ${n}`, {
        channel: n === 4 || n === 8 ? 'sms' : 'email',
        runs: [{ at: hoursFrom(T, -20 * DAY) }],
      });
      runs[n] = ids[0] as string;
    }
    const summer = await f.campaign('Summer', {
      utm: 'summer',
      runs: [{ at: hoursFrom(T, -20 * DAY) }, { at: hoursFrom(T, -12) }],
    });
    names.set(summer.runs[0] as string, 'utm:summer#1');
    names.set(summer.runs[1] as string, 'utm:summer#2');

    const message = async (n: number, customerId: string, channel: 'email' | 'sms' = 'email') => {
      names.set(m(n), `m${n}`);
      return f.message({ id: m(n), customerId, runId: runs[n] ?? null, channel });
    };
    await message(1, ada);
    await f.messageEvent(m(1), 'click', hoursFrom(T, -6 * DAY));
    await f.messageEvent(m(1), 'click', hoursFrom(T, -2 * DAY));
    await message(5, ada);
    await f.messageEvent(m(5), 'click', hoursFrom(T, -2 * DAY));
    await f.event(ada, 'page_view', hoursFrom(T, -DAY), { utm_campaign: 'summer' });
    await f.event(ada, 'page_view', hoursFrom(T, -DAY), { utm_campaign: 'no-such-campaign' });
    await message(2, ada);
    await f.messageEvent(m(2), 'open', hoursFrom(T, -1));
    await message(3, ada);
    await f.messageEvent(m(3), 'click', new Date(hoursFrom(T, -7 * DAY).getTime() - 1000));
    await message(4, ada, 'sms');
    await f.messageEvent(m(4), 'click', hoursFrom(T, 1));
    const payment = await f.event(ada, 'payment_received', T, {
      properties: { revenue_cents: 1000 },
    });
    names.set(payment, 'pay:Ada');
    const refund = await f.event(ada, 'payment_refunded', hoursFrom(T, 2 * DAY), {
      properties: { revenue_cents: -400, reverses_event_id: payment },
    });
    names.set(refund, 'refund:Ada');

    await message(6, bea);
    await message(7, bea);
    await f.messageEvent(m(6), 'click', hoursFrom(T, -3));
    await f.messageEvent(m(7), 'click', hoursFrom(T, -3));
    names.set(
      await f.event(bea, 'payment_received', T, { properties: { revenue_cents: 501 } }),
      'pay:Bea',
    );

    await message(8, cy, 'sms');
    await f.messageEvent(m(8), 'delivered', hoursFrom(T, -5));
    await message(9, cy);
    await f.messageEvent(m(9), 'delivered', hoursFrom(T, -4));
    names.set(
      await f.event(cy, 'invoice_paid', T, { properties: { revenue_cents: 300 } }),
      'inv:Cy',
    );
  });
  afterAll(() => cleanup());

  /** Every credit as [conversion, model, touch, cents], sorted. */
  async function table(): Promise<Row[]> {
    const rows: Row[] = [];
    let cursor: string | undefined;
    do {
      const page = await staff.attribution.list({ limit: 7, cursor });
      for (const a of page.items) {
        const touch = a.message_id ?? a.campaign_run_id;
        rows.push([
          names.get(a.event_id) ?? a.event_id,
          a.attributed_model,
          names.get(touch ?? '') ?? String(touch),
          a.revenue_cents,
        ]);
      }
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return rows.sort((a, b) => a.join('|').localeCompare(b.join('|')));
  }

  const sorted = (rows: Row[]) => [...rows].sort((a, b) => a.join('|').localeCompare(b.join('|')));

  // Defaults: clicks (7 days) and UTM visits (7 days). Ada's touches: m1 [T−6d … T−2d],
  // m5 [T−2d], summer#1 [T−1d].
  const DEFAULT_TABLE: Row[] = sorted([
    ['pay:Ada', 'last_click', 'utm:summer#1', 1000],
    ['pay:Ada', 'first_touch', 'm1', 1000],
    // 1000 / 3: 333 each, the cent left to the most recent touch
    ['pay:Ada', 'linear', 'm1', 333],
    ['pay:Ada', 'linear', 'm5', 333],
    ['pay:Ada', 'linear', 'utm:summer#1', 334],
    // weights 2^(−1/7) = 0.9057, 0.9057, 1 (ages from the newest touch): 322.16, 322.16,
    // 355.69 → 322, 322, 355 + the cent left to the largest remainder (.69)
    ['pay:Ada', 'time_decay', 'm1', 322],
    ['pay:Ada', 'time_decay', 'm5', 322],
    ['pay:Ada', 'time_decay', 'utm:summer#1', 356],
    // the refund: the payment's touches and weights, 400 split and negated
    ['refund:Ada', 'last_click', 'utm:summer#1', -400],
    ['refund:Ada', 'first_touch', 'm1', -400],
    ['refund:Ada', 'linear', 'm1', -133],
    ['refund:Ada', 'linear', 'm5', -133],
    ['refund:Ada', 'linear', 'utm:summer#1', -134],
    // 128.86, 128.86, 142.28 → 128, 128, 142 + 2 cents to the two .86 remainders
    ['refund:Ada', 'time_decay', 'm1', -129],
    ['refund:Ada', 'time_decay', 'm5', -129],
    ['refund:Ada', 'time_decay', 'utm:summer#1', -142],
    // Bea: m6 and m7 at the same instant; the smaller id wins, and takes the odd cent
    ['pay:Bea', 'last_click', 'm6', 501],
    ['pay:Bea', 'first_touch', 'm6', 501],
    ['pay:Bea', 'linear', 'm6', 251],
    ['pay:Bea', 'linear', 'm7', 250],
    ['pay:Bea', 'time_decay', 'm6', 251],
    ['pay:Bea', 'time_decay', 'm7', 250],
    // Cy: no touch (SMS deliveries off; an email delivery never counts) → no rows
  ]);

  // Opens on (1 day) and SMS deliveries on (1 day): m2's open at T−1h joins Ada's touches,
  // m8's SMS delivery becomes Cy's only touch; m9's email delivery still does not count.
  const OPENS_TABLE: Row[] = sorted([
    ['pay:Ada', 'last_click', 'm2', 1000],
    ['pay:Ada', 'first_touch', 'm1', 1000],
    ['pay:Ada', 'linear', 'm1', 250],
    ['pay:Ada', 'linear', 'm2', 250],
    ['pay:Ada', 'linear', 'm5', 250],
    ['pay:Ada', 'linear', 'utm:summer#1', 250],
    // ages from m2 (T−1h): 47h, 47h, 23h, 0 → 231.6, 231.6, 256.0, 280.8: m1 and m5 tie on
    // their remainder and their time, so the smaller id (m1) takes the last cent
    ['pay:Ada', 'time_decay', 'm1', 232],
    ['pay:Ada', 'time_decay', 'm2', 281],
    ['pay:Ada', 'time_decay', 'm5', 231],
    ['pay:Ada', 'time_decay', 'utm:summer#1', 256],
    ['refund:Ada', 'last_click', 'm2', -400],
    ['refund:Ada', 'first_touch', 'm1', -400],
    ['refund:Ada', 'linear', 'm1', -100],
    ['refund:Ada', 'linear', 'm2', -100],
    ['refund:Ada', 'linear', 'm5', -100],
    ['refund:Ada', 'linear', 'utm:summer#1', -100],
    ['refund:Ada', 'time_decay', 'm1', -93],
    ['refund:Ada', 'time_decay', 'm2', -112],
    ['refund:Ada', 'time_decay', 'm5', -93],
    ['refund:Ada', 'time_decay', 'utm:summer#1', -102],
    ...DEFAULT_TABLE.filter(([conversion]) => conversion === 'pay:Bea'),
    ['inv:Cy', 'last_click', 'm8', 300],
    ['inv:Cy', 'first_touch', 'm8', 300],
    ['inv:Cy', 'linear', 'm8', 300],
    ['inv:Cy', 'time_decay', 'm8', 300],
  ]);

  it('the worker credits new conversions with the default settings, once', async () => {
    const first = await gt.worker.tick();
    expect(first.conversionsAttributed).toBe(4);
    expect(await table()).toEqual(DEFAULT_TABLE);
    // Cy's conversion found no touch: it is examined, and not looked at again.
    expect((await gt.worker.tick()).conversionsAttributed).toBe(0);
    expect(await table()).toEqual(DEFAULT_TABLE);
  });

  it('recompute rebuilds the same table, twice', async () => {
    const since = hoursFrom(T, -30 * DAY);
    const result = await org.attribution.recompute({ since });
    expect(result).toEqual({ conversions: 4, deleted: 22, inserted: 22 });
    expect(await table()).toEqual(DEFAULT_TABLE);
    expect(await org.attribution.recompute({ since })).toEqual(result);
    expect(await table()).toEqual(DEFAULT_TABLE);
  });

  it('opens and SMS deliveries count once enabled (after a recompute)', async () => {
    const settings = await org.settings.attribution.set({
      touches: { open: true, delivered: true },
    });
    expect(settings.touches).toEqual({ click: true, open: true, delivered: true, utm: true });
    expect(settings.lookbackDays).toEqual({ click: 7, open: 1, delivered: 1, utm: 7 });
    expect(await table()).toEqual(DEFAULT_TABLE);
    await org.attribution.recompute({ since: hoursFrom(T, -30 * DAY) });
    expect(await table()).toEqual(OPENS_TABLE);
  });

  it('recomputes one model in a window, leaving the rest', async () => {
    await org.settings.attribution.set({ touches: { open: false, delivered: false } });
    // The window holds the payments (T), not the refund (T+2d).
    const result = await org.attribution.recompute({
      since: T,
      until: hoursFrom(T, 1),
      model: 'linear',
    });
    expect(result).toEqual({ conversions: 3, deleted: 7, inserted: 5 });
    const expected = OPENS_TABLE.filter(
      ([conversion, model]) => model !== 'linear' || conversion === 'refund:Ada',
    ).concat(
      DEFAULT_TABLE.filter(
        ([conversion, model]) => model === 'linear' && conversion !== 'refund:Ada',
      ),
    );
    expect(await table()).toEqual(sorted(expected));
  });

  it('lists by conversion, campaign and model', async () => {
    await org.attribution.recompute({ since: hoursFrom(T, -30 * DAY) });
    const bea = [...names].find(([, name]) => name === 'pay:Bea')?.[0] as string;
    const page = await staff.attribution.list({ eventId: bea, model: 'linear' });
    expect(page.items.map((a) => [names.get(a.message_id ?? ''), a.revenue_cents]).sort()).toEqual([
      ['m6', 251],
      ['m7', 250],
    ]);
    const campaign = await gt.db
      .selectFrom('campaign_runs')
      .select('campaign_id')
      .where('id', '=', [...names].find(([, n]) => n === 'utm:summer#1')?.[0] as string)
      .executeTakeFirstOrThrow();
    const summer = await staff.attribution.list({ campaignId: campaign.campaign_id });
    expect(summer.items.map((a) => a.revenue_cents).sort((a, b) => a - b)).toEqual([
      -400, -142, -134, 334, 356, 1000,
    ]);
  });

  it('refuses bad input with typed errors, and staff may not change anything', async () => {
    const backwards = await failure(
      org.attribution.recompute({ since: T, until: hoursFrom(T, -1) }),
    );
    expect(backwards.code).toBe(CommonErrorCode.VALIDATION_FAILED);
    const bad = await failure(org.settings.attribution.set({ halfLifeDays: -1 }));
    expect(bad.code).toBe(CommonErrorCode.VALIDATION_FAILED);
    const builtin = await failure(
      org.settings.attribution.set({ conversions: [{ name: 'payment_received' }] }),
    );
    expect(builtin.code).toBe(CommonErrorCode.VALIDATION_FAILED);
    expect((await failure(staff.settings.attribution.set({ halfLifeDays: 3 }))).code).toBe(
      CommonErrorCode.FORBIDDEN,
    );
    expect((await failure(staff.attribution.recompute({ since: T }))).code).toBe(
      CommonErrorCode.FORBIDDEN,
    );
    expect((await staff.settings.attribution.get()).halfLifeDays).toBe(7);
  });
});
