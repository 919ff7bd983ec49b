/**
 * The daily series is in the organization's time zone: an event at 23:30 local lands on
 * that local day, and the day of a DST change is 23 hours long (America/New_York,
 * 2026-03-08: midnight EST is 05:00 UTC, the next midnight EDT is 04:00 UTC).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestGreenTrack, databaseKind, makeOrganization } from '../../test/harness.js';
import type { GreenTrack } from '../greentrack.js';

describe(`KPI series time zones [${databaseKind}]`, () => {
  let gt: GreenTrack;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ gt, cleanup } = await createTestGreenTrack());
  });
  afterAll(() => cleanup());

  it('buckets sends, events and conversions by local day across a DST change', async () => {
    const org = await makeOrganization(gt, 'New York');
    const organizationId = org.organization.id;
    const owner = gt.as({ userId: org.owner.id, organizationId });
    await owner.settings.sending.set({ timeZone: 'America/New_York' });
    // One message per customer and run: a customer each.
    const customers: string[] = [];
    for (let i = 0; i < 5; i++)
      customers.push((await owner.customers.create({ name: `Nia ${i}`, type: 'customer' })).id);
    const campaign = await owner.campaigns.create({ name: 'Night owls', channel: 'email' });
    const db = gt.database.system('the test writes a fixture');
    const run = await db
      .insertInto('campaign_runs')
      .values({ campaign_id: campaign.id })
      .returning('id')
      .executeTakeFirstOrThrow();
    const sentAt = [
      '2026-03-07T04:59:00Z', // 23:59 EST Mar 6: before the period
      '2026-03-08T04:30:00Z', // 23:30 EST Mar 7
      '2026-03-08T05:00:00Z', // 00:00 EST Mar 8
      '2026-03-09T03:30:00Z', // 23:30 EDT Mar 8 (in UTC, already Mar 9)
      '2026-03-09T04:00:00Z', // 00:00 EDT Mar 9
    ];
    const messages = await db
      .insertInto('messages')
      .values(
        sentAt.map((at, i) => ({
          organization_id: organizationId,
          campaign_run_id: run.id,
          customer_id: customers[i] as string,
          channel: 'email' as const,
          to_address: 'nia@example.com',
          body: 'Hi',
          status: 'sent' as const,
          sent_at: new Date(at),
        })),
      )
      .returning('id')
      .execute();
    const [, , , late, midnight] = messages.map((m) => m.id);
    const customer = customers[3];
    if (!late || !midnight || !customer) throw new Error('fixture');
    await db
      .insertInto('message_events')
      .values([
        // 23:45 EDT Mar 8, and the same message opened again 00:15 EDT Mar 9.
        {
          organization_id: organizationId,
          message_id: late,
          type: 'open',
          occurred_at: new Date('2026-03-09T03:45:00Z'),
        },
        {
          organization_id: organizationId,
          message_id: late,
          type: 'open',
          occurred_at: new Date('2026-03-09T04:15:00Z'),
        },
        {
          organization_id: organizationId,
          message_id: late,
          type: 'open',
          occurred_at: new Date('2026-03-09T04:20:00Z'),
        },
        {
          organization_id: organizationId,
          message_id: midnight,
          type: 'click',
          occurred_at: new Date('2026-03-10T03:59:00Z'),
        },
      ])
      .execute();
    const event = await db
      .insertInto('events')
      .values({
        organization_id: organizationId,
        customer_id: customer,
        name: 'payment_received',
        source: 'system',
        occurred_at: new Date('2026-03-09T03:59:00Z'), // 23:59 EDT Mar 8
        properties: JSON.stringify({ revenue_cents: 1234 }),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('attributions')
      .values({
        organization_id: organizationId,
        customer_id: customer,
        message_id: late,
        event_id: event.id,
        conversion_name: 'payment_received',
        revenue_cents: 1234,
      })
      .execute();

    const series = await owner.kpis.series({ from: '2026-03-07', to: '2026-03-09' });
    const zero = { sends: 0, deliveries: 0, opens: 0, clicks: 0, conversions: 0, revenueCents: 0 };
    expect(series).toEqual({
      timeZone: 'America/New_York',
      model: 'last_click',
      days: [
        { date: '2026-03-07', ...zero, sends: 1 },
        { date: '2026-03-08', ...zero, sends: 2, opens: 1, conversions: 1, revenueCents: 1234 },
        // Two opens of one message that day count once.
        { date: '2026-03-09', ...zero, sends: 1, opens: 1, clicks: 1 },
      ],
    });
  });
});
