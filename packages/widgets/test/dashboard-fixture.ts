/**
 * The campaign dashboard's organization ("Shop"), seeded in the test global setup with plain
 * inserts into the seed tables — the rows a real campaign leaves behind — so the dashboard
 * tests know every number to expect. Its own organization: the other widgets' tests count
 * the first organization's customers.
 *
 * Campaigns, newest first: "Winter winback" (SMS draft, never run), "Spring sale" (email,
 * one run: audience 10, sent 9, failed 1) and "Autumn promo" (email, two runs).
 */
import type { GreenTrack } from '@greentrack/core';

const day = (d: number, h = 9) => new Date(Date.UTC(2026, 2, d, h));

export async function seedDashboard(gt: GreenTrack, ownerUserId: string) {
  const { organization } = await gt.organizations.create({ name: 'Shop', ownerUserId });
  const organization_id = organization.id;
  const customers = await gt.db
    .insertInto('customers')
    .values(
      Array.from({ length: 10 }, (_, i) => ({
        organization_id,
        type: 'customer' as const,
        name: `Shopper ${String(i + 1).padStart(2, '0')}`,
        email: `shopper${i + 1}@shop.example`,
      })),
    )
    .returning('id')
    .execute();

  const campaign = (
    name: string,
    channel: 'email' | 'sms',
    status: 'draft' | 'completed',
    created: Date,
  ) =>
    gt.db
      .insertInto('campaigns')
      .values({
        organization_id,
        name,
        channel,
        status,
        utm_campaign: name.toLowerCase().replace(/ /g, '-'),
        created_at: created,
        updated_at: created,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
  const run = (campaign_id: string, started: Date, stats: Record<string, number>) =>
    gt.db
      .insertInto('campaign_runs')
      .values({
        campaign_id,
        started_at: started,
        completed_at: new Date(started.getTime() + 300_000),
        stats: JSON.stringify(stats),
      })
      .returning('id')
      .executeTakeFirstOrThrow();

  const autumn = await campaign(
    'Autumn promo',
    'email',
    'completed',
    new Date(Date.UTC(2026, 1, 1)),
  );
  await run(autumn.id, new Date(Date.UTC(2026, 1, 2, 9)), { audience: 4, sent: 4 });
  await run(autumn.id, new Date(Date.UTC(2026, 1, 9, 9)), { audience: 5, sent: 3, skipped: 2 });
  const spring = await campaign('Spring sale', 'email', 'completed', day(1));
  const springRun = await run(spring.id, day(2), { audience: 10, sent: 9, failed: 1 });
  await campaign('Winter winback', 'sms', 'draft', day(5));

  // Spring sale's messages: nine sent; the tenth customer's send failed.
  await gt.db
    .insertInto('messages')
    .values(
      customers.slice(0, 9).map((c, i) => ({
        organization_id,
        campaign_run_id: springRun.id,
        customer_id: c.id,
        channel: 'email' as const,
        to_address: `shopper${i + 1}@shop.example`,
        provider: 'outbox',
        provider_message_id: `spring-${i + 1}`,
        subject: 'Spring sale',
        body: 'Spring sale',
        utm_campaign: 'spring-sale',
        status: i === 8 ? 'bounced' : 'delivered',
        sent_at: day(2),
      })),
    )
    .execute();

  return { organizationId: organization_id, campaigns: { spring: spring.id, autumn: autumn.id } };
}
