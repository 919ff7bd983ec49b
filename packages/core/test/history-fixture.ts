/**
 * Test fixture (imported by tests only): one customer with a row in every table that holds
 * customer history, at known times, so the timeline, export and erase tests can assert
 * exact results. Rows without a service yet (campaigns, messages, events, invoices,
 * payments, attributions, GA sessions, subscriptions, webhooks) are inserted with Kysely.
 */
import { randomUUID } from 'node:crypto';
import type { GreenTrack } from '../src/greentrack.js';
import type { TenantFacade } from '../src/tenant.js';

export interface HistoryFixtureOptions {
  /** Distinguishes this fixture's names, addresses and provider ids from others'. */
  key: string;
  /** The instant "T" every row's time is relative to. */
  base: string;
  /** The invoice's ZeroInvoice id: reuse one across organizations to test tenant joins. */
  externalInvoiceId: string;
}

/** Ids of everything the fixture created, by table, and a label per id. */
export interface HistoryFixture {
  organizationId: string;
  customer: { id: string; name: string; email: string; phone: string };
  campaignRunId: string;
  ids: {
    tags: string[];
    subscriptions: string[];
    campaign_audience: string[];
    messages: string[];
    message_events: string[];
    events: string[];
    attributions: string[];
    ga_sessions: string[];
    invoices: string[];
    invoice_items: string[];
    payments: string[];
    webhooks_inbound: string[];
    outbox_messages: string[];
  };
  /** Row id → short label (`m1`, `me2`, `inv1`, …) for readable order assertions. */
  labels: Map<string, string>;
}

/** Two fresh UUIDs, the larger first: for rows that tie on time and sort by id. */
function descendingIds(): [string, string] {
  const [a, b] = [randomUUID(), randomUUID()].sort();
  return [b as string, a as string];
}

/**
 * Builds the history of one new customer of `facade`'s organization. Times, with T = `base`:
 *
 * | label | table          | occurred at (timeline)                |
 * |-------|----------------|---------------------------------------|
 * | inv1  | invoice        | T+30m (created; updated T+4h, paid)   |
 * | m1    | message email  | T+1h (sent)                           |
 * | me1   | message_event  | T+1h01 delivered (m1)                 |
 * | me2   | message_event  | T+2h open (m1)  — ties me3 and e1     |
 * | me3   | message_event  | T+2h click (m1)                       |
 * | e1    | event          | T+2h page_view                        |
 * | e2    | event          | T+3h booking_request                  |
 * | p2    | payment failed | T+3h30 (created; never processed)     |
 * | e3    | event          | T+4h payment_received — ties p1       |
 * | p1    | payment        | T+4h (processed; created T+4h00:01)   |
 * | a1    | attribution    | T+4h10 (e3 credited to m1)            |
 * | m2    | message sms    | T+5h (queued: created)                |
 * | e4    | event          | T+6h + 1µs                            |
 * | e5    | event          | T+6h + 2µs                            |
 */
export async function seedCustomerHistory(
  gt: GreenTrack,
  facade: TenantFacade,
  options: HistoryFixtureOptions,
): Promise<HistoryFixture> {
  const { key } = options;
  const base = new Date(options.base).getTime();
  const at = (minutes: number) => new Date(base + minutes * 60_000);
  const organizationId = facade.actor.organizationId;
  const labels = new Map<string, string>();
  const label = <T extends string>(id: T, name: string): T => {
    labels.set(id, name);
    return id;
  };
  const db = gt.db;

  const name = `Zelda ${key} Quimby`;
  const email = `zelda.${key.toLowerCase()}@privacy.example`;
  const created = await facade.customers.create({
    type: 'customer',
    name,
    email,
    phone: `+1415555${String(1000 + key.length * 7 + key.charCodeAt(0)).slice(-4)}`,
    city: 'Oakland',
    external_zeroinvoice_customer_id: `zi-cus-${key}`,
    tags: [`vip-${key}`, 'newsletter'],
  });
  // An update, so the audit trail holds before/after copies of the personal data.
  await facade.customers.update(created.id, { notes: `Prefers rye (${key})` });
  const customer = { id: created.id, name, email, phone: created.phone ?? '' };

  const { id: campaignId } = await db
    .insertInto('campaigns')
    .values({ organization_id: organizationId, name: `Spring ${key}`, channel: 'email' })
    .returning('id')
    .executeTakeFirstOrThrow();
  const { id: campaignRunId } = await db
    .insertInto('campaign_runs')
    .values({ campaign_id: campaignId, started_at: at(0) })
    .returning('id')
    .executeTakeFirstOrThrow();
  const audience = await db
    .insertInto('campaign_audience')
    .values({
      campaign_run_id: campaignRunId,
      customer_id: customer.id,
      channel: 'email',
      address: email,
      included_reason: 'segment match',
      created_at: at(0),
    })
    .returning('id')
    .execute();
  // The dispatcher's ledger row for that recipient (sent).
  await db
    .insertInto('campaign_deliveries')
    .values(
      audience.map((a) => ({
        audience_id: a.id,
        organization_id: organizationId,
        campaign_run_id: campaignRunId,
        customer_id: customer.id,
        state: 'sent' as const,
      })),
    )
    .execute();
  const subscriptions = await db
    .insertInto('subscriptions')
    .values([
      {
        organization_id: organizationId,
        customer_id: customer.id,
        channel: 'email',
        status: 'subscribed',
      },
      {
        organization_id: organizationId,
        customer_id: customer.id,
        channel: 'sms',
        status: 'unsubscribed',
      },
    ])
    .returning('id')
    .execute();

  const m1 = label(randomUUID(), 'm1');
  const m2 = label(randomUUID(), 'm2');
  await db
    .insertInto('messages')
    .values([
      {
        id: m1,
        organization_id: organizationId,
        campaign_run_id: campaignRunId,
        customer_id: customer.id,
        channel: 'email',
        to_address: email,
        provider: 'sendgrid',
        provider_message_id: `sg-${key}-1`,
        subject: `Spring sale ${key}`,
        body: `Hello ${name}`,
        status: 'sent',
        sent_at: at(60),
        created_at: at(0),
      },
      {
        id: m2,
        organization_id: organizationId,
        customer_id: customer.id,
        channel: 'sms',
        to_address: customer.phone,
        body: `Your table is ready, ${name}`,
        status: 'queued',
        created_at: at(300),
      },
    ])
    .execute();
  const me1 = label(randomUUID(), 'me1');
  const [me2, me3] = descendingIds();
  label(me2, 'me2');
  label(me3, 'me3');
  await db
    .insertInto('message_events')
    .values([
      {
        id: me1,
        organization_id: organizationId,
        message_id: m1,
        type: 'delivered',
        occurred_at: at(61),
      },
      {
        id: me2,
        organization_id: organizationId,
        message_id: m1,
        type: 'open',
        occurred_at: at(120),
        metadata: JSON.stringify({ ip: '203.0.113.7' }),
      },
      {
        id: me3,
        organization_id: organizationId,
        message_id: m1,
        type: 'click',
        occurred_at: at(120),
        metadata: JSON.stringify({ url: 'https://shop.example/spring' }),
      },
    ])
    .execute();

  const ev = (n: number) => label(randomUUID(), `e${n}`);
  const [e1, e2, e3, e4, e5] = [ev(1), ev(2), ev(3), ev(4), ev(5)];
  const sixHours = new Date(base + 360 * 60_000).toISOString().replace('Z', '');
  await db
    .insertInto('events')
    .values(
      [
        {
          id: e1,
          name: 'page_view',
          source: 'ga',
          ga_client_id: `${key}.GA1`,
          referrer: 'https://search.example/',
          occurred_at: at(120),
        },
        {
          id: e2,
          name: 'booking_request',
          source: 'app',
          properties: JSON.stringify({ party: 4 }),
          occurred_at: at(180),
        },
        { id: e3, name: 'payment_received', source: 'webhook', occurred_at: at(240) },
        // Microseconds apart: a cursor must keep them (a JS Date cannot).
        { id: e4, name: 'visit', source: 'app', occurred_at: `${sixHours}001Z` },
        { id: e5, name: 'visit', source: 'app', occurred_at: `${sixHours}002Z` },
      ].map((e) => ({
        ...e,
        organization_id: organizationId,
        customer_id: customer.id,
        utm_campaign: `spring-${key}`,
      })),
    )
    .execute();

  const inv1 = label(randomUUID(), 'inv1');
  await db
    .insertInto('zeroinvoice_invoices_cache')
    .values({
      id: inv1,
      organization_id: organizationId,
      external_invoice_id: options.externalInvoiceId,
      external_customer_id: `zi-cus-${key}`,
      customer_id: customer.id,
      status: 'paid',
      currency: 'usd',
      subtotal_cents: 11_500,
      tax_cents: 1_000,
      total_cents: 12_500,
      amount_due_cents: 0,
      due_date: '2026-03-15',
      sent_via: ['email'],
      stripe_payment_link: `https://pay.example/${key}`,
      snapshot: JSON.stringify({ customer: { name, email }, number: options.externalInvoiceId }),
      created_at: at(30),
      updated_at: at(240),
    })
    .execute();
  const items = await db
    .insertInto('zeroinvoice_invoice_items_cache')
    .values([
      {
        invoice_id: inv1,
        name: 'Sourdough',
        quantity: 2,
        unit_price_cents: 5_000,
        total_cents: 10_000,
        position: 1,
      },
      {
        invoice_id: inv1,
        name: 'Delivery',
        unit_price_cents: 1_500,
        total_cents: 1_500,
        position: 2,
      },
    ])
    .returning('id')
    .execute();
  const p1 = label(randomUUID(), 'p1');
  const p2 = label(randomUUID(), 'p2');
  await db
    .insertInto('payments')
    .values([
      {
        id: p1,
        organization_id: organizationId,
        external_payment_id: `pi_${key}_1`,
        external_invoice_id: options.externalInvoiceId,
        amount_cents: 12_500,
        status: 'succeeded',
        method: 'card',
        processed_at: at(240),
        created_at: at(240 + 1 / 60),
        raw_payload: JSON.stringify({ billing_details: { name, email, phone: customer.phone } }),
      },
      {
        id: p2,
        organization_id: organizationId,
        external_payment_id: `pi_${key}_0`,
        external_invoice_id: options.externalInvoiceId,
        amount_cents: 12_500,
        status: 'failed',
        method: 'card',
        created_at: at(210),
        raw_payload: JSON.stringify({ billing_details: { email } }),
      },
    ])
    .execute();

  const a1 = label(randomUUID(), 'a1');
  await db
    .insertInto('attributions')
    .values({
      id: a1,
      organization_id: organizationId,
      customer_id: customer.id,
      message_id: m1,
      campaign_run_id: campaignRunId,
      event_id: e3,
      conversion_name: 'payment',
      revenue_cents: 12_500,
      created_at: at(250),
    })
    .execute();
  const ga = await db
    .insertInto('ga_sessions')
    .values({
      organization_id: organizationId,
      customer_id: customer.id,
      ga_client_id: `${key}.GA1`,
      first_seen_at: at(100),
      last_seen_at: at(130),
    })
    .returning('id')
    .execute();
  const webhooks = await db
    .insertInto('webhooks_inbound')
    .values({
      organization_id: organizationId,
      provider: 'sendgrid',
      event_type: 'open',
      headers: JSON.stringify({ 'user-agent': 'SendGrid' }),
      payload: JSON.stringify([
        { email: email.toUpperCase(), sg_message_id: `sg-${key}-1`, event: 'open' },
      ]),
      status: 'processed',
    })
    .returning('id')
    .execute();
  // What the outbox provider "sent" for m1: the customer's data too.
  const [outboxSent] = await gt.providers.email.send(
    [
      {
        messageId: m1,
        to: { email, name },
        from: { email: `shop-${key.toLowerCase()}@example.com` },
        subject: 'Hello',
        html: `<p>Hello ${name}</p>`,
        text: `Hello ${name}`,
        headers: {},
      },
    ],
    { organizationId, campaignRunId },
  );
  if (outboxSent?.status !== 'sent' || outboxSent.providerMessageId === null)
    throw new Error('the outbox did not record m1');
  const tags = await db
    .selectFrom('customer_tags')
    .select('tag_id')
    .where('customer_id', '=', customer.id)
    .execute();

  return {
    organizationId,
    customer,
    campaignRunId,
    ids: {
      tags: tags.map((t) => t.tag_id),
      subscriptions: subscriptions.map((r) => r.id),
      campaign_audience: audience.map((r) => r.id),
      messages: [m1, m2],
      message_events: [me1, me2, me3],
      events: [e1, e2, e3, e4, e5],
      attributions: [a1],
      ga_sessions: ga.map((r) => r.id),
      invoices: [inv1],
      invoice_items: items.map((r) => r.id),
      payments: [p1, p2],
      webhooks_inbound: webhooks.map((r) => r.id),
      outbox_messages: [outboxSent.providerMessageId],
    },
    labels,
  };
}

/** The fixture's timeline, newest first, as labels (see the table on `seedCustomerHistory`). */
export const EXPECTED_TIMELINE = [
  'e5',
  'e4',
  'm2',
  'a1',
  'p1',
  'e3',
  'p2',
  'e2',
  'me2',
  'me3',
  'e1',
  'me1',
  'm1',
  'inv1',
] as const;
