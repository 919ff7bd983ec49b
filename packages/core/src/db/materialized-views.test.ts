/**
 * The materialized views count what their names say, without double counting when a
 * message has several events or a conversion several attribution rows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestGreenTrack, databaseKind } from '../../test/harness.js';
import type { GreenTrack } from '../greentrack.js';

describe(`materialized views [${databaseKind}]`, () => {
  let gt: GreenTrack;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ gt, cleanup } = await createTestGreenTrack());
  });
  afterAll(() => cleanup());

  it('aggregate per campaign run and refresh concurrently', async () => {
    const db = gt.db;
    const org = await db
      .insertInto('organizations')
      .values({ name: 'MV' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const campaign = await db
      .insertInto('campaigns')
      .values({ organization_id: org.id, name: 'Spring', channel: 'email' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const [run1, run2] = await db
      .insertInto('campaign_runs')
      .values([{ campaign_id: campaign.id }, { campaign_id: campaign.id }])
      .returning('id')
      .execute();
    if (!run1 || !run2) throw new Error('fixture');
    const customers = await db
      .insertInto('customers')
      .values(
        [1, 2, 3].map((i) => ({
          organization_id: org.id,
          type: 'customer' as const,
          name: `C${i}`,
        })),
      )
      .returning('id')
      .execute();
    const messages = await db
      .insertInto('messages')
      .values(
        customers.map((c, i) => ({
          organization_id: org.id,
          campaign_run_id: run1.id,
          customer_id: c.id,
          channel: 'email' as const,
          to_address: `c${i}@example.com`,
          body: 'Hi',
          status: i === 2 ? ('queued' as const) : ('delivered' as const),
          sent_at: i === 2 ? null : new Date('2026-04-01T10:00:00Z'),
        })),
      )
      .returning('id')
      .execute();
    const [m1, m2] = messages;
    if (!m1 || !m2) throw new Error('fixture');
    const at = (minute: number) => new Date(Date.UTC(2026, 3, 1, 10, minute));
    await db
      .insertInto('message_events')
      .values([
        { organization_id: org.id, message_id: m1.id, type: 'delivered', occurred_at: at(1) },
        { organization_id: org.id, message_id: m1.id, type: 'open', occurred_at: at(2) },
        { organization_id: org.id, message_id: m1.id, type: 'open', occurred_at: at(3) }, // second open, same message
        { organization_id: org.id, message_id: m1.id, type: 'click', occurred_at: at(4) },
        { organization_id: org.id, message_id: m2.id, type: 'delivered', occurred_at: at(1) },
        { organization_id: org.id, message_id: m2.id, type: 'unsubscribe', occurred_at: at(5) },
      ])
      .execute();
    const event = await db
      .insertInto('events')
      .values({
        organization_id: org.id,
        customer_id: customers[0]?.id,
        name: 'payment',
        occurred_at: at(30),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('attributions')
      .values([
        {
          organization_id: org.id,
          customer_id: customers[0]?.id as string,
          message_id: m1.id,
          event_id: event.id,
          conversion_name: 'payment',
          revenue_cents: 5000,
        },
        {
          organization_id: org.id,
          customer_id: customers[0]?.id as string,
          message_id: m1.id,
          event_id: event.id,
          conversion_name: 'payment',
          revenue_cents: 2500,
          attributed_model: 'linear',
        },
        {
          organization_id: org.id,
          customer_id: customers[0]?.id as string,
          campaign_run_id: run1.id,
          event_id: event.id,
          conversion_name: 'payment',
          revenue_cents: 2500,
          attributed_model: 'linear',
        },
      ])
      .execute();

    await gt.refreshMaterializedViews({ concurrently: true });

    const performance = await db
      .selectFrom('mv_campaign_performance')
      .selectAll()
      .orderBy('started_at')
      .execute();
    const row1 = performance.find((r) => r.campaign_run_id === run1.id);
    const row2 = performance.find((r) => r.campaign_run_id === run2.id);
    expect(row1).toMatchObject({
      organization_id: org.id,
      campaign_id: campaign.id,
      sent: '2',
      delivered: '2',
      opened: '1',
      clicked: '1',
      bounced: '0',
      unsubscribed: '1',
      conversions: '1',
      revenue_cents: '5000',
    });
    expect(row2).toMatchObject({ sent: '0', delivered: '0', conversions: '0', revenue_cents: '0' });

    const revenue = await db
      .selectFrom('mv_revenue_by_campaign')
      .select(['attributed_model', 'conversions', 'revenue_cents'])
      .where('campaign_run_id', '=', run1.id)
      .orderBy('attributed_model')
      .execute();
    expect(revenue).toEqual([
      { attributed_model: 'last_click', conversions: '1', revenue_cents: '5000' },
      { attributed_model: 'linear', conversions: '1', revenue_cents: '5000' },
    ]);
  });
});
