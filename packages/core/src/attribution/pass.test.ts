/**
 * The worker's attribution pass: two passes at once credit each conversion once; a
 * conversion without a touch is examined once; an event whose transaction started before
 * the last look (its `created_at` is earlier) but committed after it is still credited.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attributionFixture, fixedId, hoursFrom } from '../../test/attribution-fixture.js';
import { createTestGreenTrack, databaseKind, makeOrganization } from '../../test/harness.js';
import type { GreenTrack } from '../greentrack.js';
import { runAttributionPass } from './pass.js';

const T = new Date('2026-06-01T12:00:00Z');

describe(`attribution worker pass [${databaseKind}]`, () => {
  let gt: GreenTrack;
  let cleanup: () => Promise<void>;
  let f: ReturnType<typeof attributionFixture>;
  let customer: string;
  const deps = () => ({ database: gt.database, clock: gt.clock, emit: () => {} });

  beforeAll(async () => {
    ({ gt, cleanup } = await createTestGreenTrack());
    const { organization } = await makeOrganization(gt, 'Pass');
    f = attributionFixture(gt, organization.id);
    customer = await f.customer('Ada');
    const { runs } = await f.campaign('Spring', { runs: [{ at: hoursFrom(T, -48) }] });
    await f.message({ id: fixedId(1), customerId: customer, runId: runs[0] as string });
    await f.messageEvent(fixedId(1), 'click', hoursFrom(T, -2));
  });
  afterAll(() => cleanup());

  const credits = async () =>
    (
      await gt.db
        .selectFrom('attributions')
        .select(sql<number>`count(*)::int`.as('n'))
        .executeTakeFirstOrThrow()
    ).n;

  it('credits each conversion once when two passes run at once', async () => {
    for (const cents of [100, 200, 300])
      await f.event(customer, 'payment_received', T, { properties: { revenue_cents: cents } });
    const [a, b] = await Promise.all([runAttributionPass(deps()), runAttributionPass(deps())]);
    expect(a.conversions + b.conversions).toBe(3);
    expect(await credits()).toBe(12);
    expect((await runAttributionPass(deps())).conversions).toBe(0);
  });

  it('examines a conversion without a touch once', async () => {
    await f.event(customer, 'payment_received', hoursFrom(T, 24 * 30), {
      properties: { revenue_cents: 50 },
    });
    expect(await runAttributionPass(deps())).toEqual({ conversions: 1, credits: 0 });
    expect(await runAttributionPass(deps())).toEqual({ conversions: 0, credits: 0 });
    expect(await credits()).toBe(12);
  });

  it('credits an event written by a transaction that began before the last look', async () => {
    const late = await f.event(customer, 'payment_received', T, {
      properties: { revenue_cents: 700 },
    });
    // As if its transaction had started two minutes ago and committed only now.
    await gt.db
      .updateTable('events')
      .set({ created_at: sql`now() - interval '2 minutes'` })
      .where('id', '=', late)
      .execute();
    expect(await runAttributionPass(deps())).toEqual({ conversions: 1, credits: 4 });
    const parts = await gt.db
      .selectFrom('attributions')
      .select(['attributed_model', 'revenue_cents', 'message_id'])
      .where('event_id', '=', late)
      .orderBy('attributed_model')
      .execute();
    expect(parts).toEqual(
      ['first_touch', 'last_click', 'linear', 'time_decay'].map((model) => ({
        attributed_model: model,
        revenue_cents: 700,
        message_id: fixedId(1),
      })),
    );
  });
});
