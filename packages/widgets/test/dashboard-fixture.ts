/**
 * The campaign dashboard's organization ("Shop"), seeded in the test global setup with plain
 * inserts into the seed tables — the rows a real campaign, its provider's webhooks, the
 * payments and attribution leave behind — so the dashboard tests know every number to
 * expect. Its own organization: the other widgets' tests count the first organization's
 * customers. Its time zone is America/New_York (UTC−5 in early March 2026).
 *
 * Campaigns, newest first:
 * - "Winter winback": SMS draft, never run.
 * - "Spring sale": email, one run started 2026-03-02 09:00 local. Audience: customers 1–12,
 *   11 and 12 held out. Messages to 1–9 (10's send failed): 1–8 delivered, 9 bounced; the
 *   message to 9 went out at 22:00 local on Mar 2, which is Mar 3 in UTC. Opens: 1–4 on
 *   Mar 2, 5–6 on Mar 3; clicks: 1–4 on Mar 3 (4's at 23:30 local, Mar 4 in UTC);
 *   8 unsubscribed. Payments: customer 1 $123.45 on Mar 4, customer 2 $50.00 on Mar 5,
 *   customer 11 (held out) $20.00 on Mar 5. Credited: last_click, first_touch and
 *   time_decay give each payment to its customer's message; linear gives customer 2's half
 *   to "Autumn promo".
 * - "Autumn promo": email, two runs in February 2026.
 */
import type { GreenTrack } from '@greentrack/core';

/** A UTC instant in March 2026. */
const march = (day: number, hour: number, minute = 0) =>
  new Date(Date.UTC(2026, 2, day, hour, minute));

export async function seedDashboard(gt: GreenTrack, ownerUserId: string) {
  const { organization } = await gt.organizations.create({ name: 'Shop', ownerUserId });
  const organization_id = organization.id;
  const org = gt.as({ userId: ownerUserId, organizationId: organization_id });
  await org.settings.sending.set({ timeZone: 'America/New_York' });
  const customers = await gt.db
    .insertInto('customers')
    .values(
      Array.from({ length: 12 }, (_, i) => ({
        organization_id,
        type: 'customer' as const,
        name: `Shopper ${String(i + 1).padStart(2, '0')}`,
        email: `shopper${i + 1}@shop.example`,
      })),
    )
    .returning('id')
    .execute();
  const customer = (n: number) => customers[n - 1]?.id as string;

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
  await run(autumn.id, new Date(Date.UTC(2026, 1, 2, 14)), { audience: 4, sent: 4 });
  const autumnRun = await run(autumn.id, new Date(Date.UTC(2026, 1, 9, 14)), {
    audience: 5,
    sent: 3,
    skipped: 2,
  });
  const spring = await campaign('Spring sale', 'email', 'completed', march(1, 14));
  const springRun = await run(spring.id, march(2, 14), {
    audience: 12,
    holdout: 2,
    sent: 9,
    failed: 1,
  });
  await campaign('Winter winback', 'sms', 'draft', march(5, 14));

  await gt.db
    .insertInto('campaign_holdouts')
    .values({ campaign_id: spring.id, organization_id, percent: 16.7 })
    .execute();
  await gt.db
    .insertInto('campaign_audience')
    .values(
      Array.from({ length: 12 }, (_, i) => ({
        campaign_run_id: springRun.id,
        customer_id: customer(i + 1),
        channel: 'email' as const,
        address: `shopper${i + 1}@shop.example`,
        included_reason: i >= 10 ? '[holdout] segment' : 'segment',
      })),
    )
    .execute();

  const messages = await gt.db
    .insertInto('messages')
    .values(
      Array.from({ length: 9 }, (_, i) => ({
        organization_id,
        campaign_run_id: springRun.id,
        customer_id: customer(i + 1),
        channel: 'email' as const,
        to_address: `shopper${i + 1}@shop.example`,
        provider: 'outbox',
        provider_message_id: `spring-${i + 1}`,
        subject: 'Spring sale',
        body: 'Spring sale',
        utm_campaign: 'spring-sale',
        status: i === 8 ? 'bounced' : 'delivered',
        sent_at: i === 8 ? march(3, 3) : march(2, 14),
      })),
    )
    .returning('id')
    .execute();
  const message = (n: number) => messages[n - 1]?.id as string;

  type Type = 'delivered' | 'open' | 'click' | 'bounce' | 'unsubscribe';
  const events: Array<readonly [message: number, type: Type, at: Date]> = [
    ...[1, 2, 3, 4, 5, 6, 7, 8].map((n) => [n, 'delivered', march(2, 14, 5)] as const),
    [9, 'bounce', march(3, 3, 1)],
    ...[1, 2, 3, 4].map((n) => [n, 'open', march(2, 15)] as const),
    ...[5, 6].map((n) => [n, 'open', march(3, 15)] as const),
    ...[1, 2, 3].map((n) => [n, 'click', march(3, 16)] as const),
    [4, 'click', march(4, 4, 30)],
    [8, 'unsubscribe', march(3, 17)],
  ];
  await gt.db
    .insertInto('message_events')
    .values(
      events.map(([n, type, occurred_at]) => ({
        organization_id,
        message_id: message(n),
        type,
        occurred_at,
      })),
    )
    .execute();

  const payments: Array<[customer: number, cents: number, at: Date]> = [
    [1, 12_345, march(4, 15)],
    [2, 5_000, march(5, 15)],
    [11, 2_000, march(5, 16)],
  ];
  const conversions = await gt.db
    .insertInto('events')
    .values(
      payments.map(([n, cents, occurred_at], i) => ({
        organization_id,
        customer_id: customer(n),
        name: 'payment_received',
        source: 'system',
        properties: JSON.stringify({
          revenue_cents: cents,
          currency: 'usd',
          payment_id: `pay_${i + 1}`,
        }),
        occurred_at,
      })),
    )
    .returning('id')
    .execute();
  const conversion = (n: number) => conversions[n - 1]?.id as string;

  const credit = (
    model: 'last_click' | 'first_touch' | 'linear' | 'time_decay',
    event: number,
    customerNo: number,
    cents: number,
    to: { message_id: string } | { campaign_run_id: string },
  ) => ({
    organization_id,
    customer_id: customer(customerNo),
    event_id: conversion(event),
    conversion_name: 'payment_received',
    revenue_cents: cents,
    attributed_model: model,
    ...to,
  });
  await gt.db
    .insertInto('attributions')
    .values([
      ...(['last_click', 'first_touch', 'time_decay'] as const).flatMap((model) => [
        credit(model, 1, 1, 12_345, { message_id: message(1) }),
        credit(model, 2, 2, 5_000, { message_id: message(2) }),
      ]),
      credit('linear', 1, 1, 12_345, { message_id: message(1) }),
      credit('linear', 2, 2, 2_500, { message_id: message(2) }),
      credit('linear', 2, 2, 2_500, { campaign_run_id: autumnRun.id }),
    ])
    .execute();

  // The totals tiles read the materialized views.
  await org.kpis.refresh();

  return { organizationId: organization_id, campaigns: { spring: spring.id, autumn: autumn.id } };
}
