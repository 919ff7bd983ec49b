import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failure } from '../../test/errors.js';
import { createTestGreenTrack, databaseKind, makeOrganization } from '../../test/harness.js';
import {
  EXPECTED_TIMELINE,
  type HistoryFixture,
  seedCustomerHistory,
} from '../../test/history-fixture.js';
import { fixedClock } from '../clock.js';
import type { GreenTrack } from '../greentrack.js';
import { customerData } from '../modules.js';
import type { Scope } from '../scope.js';
import type { TenantFacade } from '../tenant.js';
import { TIMELINE_TYPES, type TimelineType } from './schema.js';
import type { TimelineItem } from './service.js';
import { timelineQuery } from './service.js';

const T = '2026-03-01T10:00:00.000Z';
const at = (minutes: number) => new Date(Date.parse(T) + minutes * 60_000).toISOString();

describe(`customer timeline [${databaseKind}]`, () => {
  let gt: GreenTrack;
  let cleanup: () => Promise<void>;
  let admin: TenantFacade;
  let staff: TenantFacade;
  let otherOrgAdmin: TenantFacade;
  let a: HistoryFixture;
  let b: HistoryFixture;
  let c: HistoryFixture;
  let staffUserId: string;

  beforeAll(async () => {
    ({ gt, cleanup } = await createTestGreenTrack({
      clock: fixedClock('2026-03-02T00:00:00.000Z'),
      secret: 'timeline-test-secret-0123456789abcdef',
    }));
    const org = await makeOrganization(gt, 'Bakery');
    const other = await makeOrganization(gt, 'Other bakery');
    admin = gt.as({ userId: org.admin.id, organizationId: org.organization.id });
    staff = gt.as({ userId: org.staff.id, organizationId: org.organization.id });
    staffUserId = org.staff.id;
    otherOrgAdmin = gt.as({ userId: other.admin.id, organizationId: other.organization.id });
    a = await seedCustomerHistory(gt, admin, { key: 'A', base: T, externalInvoiceId: 'INV-1001' });
    // Same organization, same times: must never show up in A's timeline.
    b = await seedCustomerHistory(gt, admin, { key: 'B', base: T, externalInvoiceId: 'INV-2001' });
    // Another organization with an invoice of the SAME external id as A's: its payments
    // join A's invoice only if the payment join forgets the organization.
    c = await seedCustomerHistory(gt, otherOrgAdmin, {
      key: 'C',
      base: T,
      externalInvoiceId: 'INV-1001',
    });
    // An anonymous event in A's organization.
    await gt.db
      .insertInto('events')
      .values({ organization_id: org.organization.id, name: 'visit', occurred_at: at(200) })
      .execute();
  });
  afterAll(() => cleanup());

  const labelsOf = (items: TimelineItem[]) => items.map((i) => a.labels.get(i.id) ?? i.id);

  /** Every item of A's timeline, paging with `limit`. */
  async function pageThrough(limit: number, types?: TimelineType[]) {
    const seen: TimelineItem[] = [];
    let cursor: string | undefined;
    for (let pages = 0; pages < 100; pages++) {
      const page = await staff.customers.timeline(a.customer.id, {
        limit,
        ...(types ? { types } : {}),
        ...(cursor ? { cursor } : {}),
      });
      expect(page.items.length).toBeLessThanOrEqual(limit);
      seen.push(...page.items);
      if (!page.nextCursor) return seen;
      cursor = page.nextCursor;
    }
    throw new Error('did not reach the last page');
  }

  it("lists the customer's items newest first, ties broken by type then id", async () => {
    const page = await staff.customers.timeline(a.customer.id);
    expect(page.nextCursor).toBeNull();
    expect(labelsOf(page.items)).toEqual([...EXPECTED_TIMELINE]);
    expect(
      page.items.map((i) => [a.labels.get(i.id), i.type, i.occurred_at.toISOString(), i.summary]),
    ).toEqual([
      ['e5', 'event', '2026-03-01T16:00:00.000Z', 'Event visit (app)'],
      ['e4', 'event', '2026-03-01T16:00:00.000Z', 'Event visit (app)'],
      ['m2', 'message', at(300), 'SMS queued'],
      ['a1', 'attribution', at(250), 'Conversion payment attributed (last_click): $125.00'],
      ['p1', 'payment', at(240), 'Payment succeeded: $125.00 (card)'],
      ['e3', 'event', at(240), 'Event payment_received (webhook)'],
      ['p2', 'payment', at(210), 'Payment failed: $125.00 (card)'],
      ['e2', 'event', at(180), 'Event booking_request (app)'],
      ['me2', 'message_event', at(120), 'Email opened: Spring sale A'],
      ['me3', 'message_event', at(120), 'Email clicked: Spring sale A'],
      ['e1', 'event', at(120), 'Event page_view (ga)'],
      ['me1', 'message_event', at(61), 'Email delivered: Spring sale A'],
      ['m1', 'message', at(60), 'Email sent: Spring sale A'],
      ['inv1', 'invoice', at(30), 'Invoice INV-1001 paid: $125.00'],
    ]);
  });

  it('gives each type its typed data', async () => {
    const { items } = await staff.customers.timeline(a.customer.id);
    const byLabel = new Map(items.map((i) => [a.labels.get(i.id), i]));
    const [m1, m2] = a.ids.messages;
    const e3 = a.ids.events[2];
    expect(byLabel.get('m1')?.data).toEqual({
      channel: 'email',
      status: 'sent',
      to_address: a.customer.email,
      subject: 'Spring sale A',
      provider: 'sendgrid',
      campaign_run_id: a.campaignRunId,
      template_id: null,
      sent_at: new Date(at(60)),
    });
    expect(byLabel.get('m2')?.data).toMatchObject({ channel: 'sms', sent_at: null });
    expect(byLabel.get('me3')?.data).toEqual({
      message_id: m1,
      event_type: 'click',
      channel: 'email',
      subject: 'Spring sale A',
      metadata: { url: 'https://shop.example/spring' },
    });
    expect(byLabel.get('e2')?.data).toEqual({
      name: 'booking_request',
      source: 'app',
      session_id: null,
      ga_client_id: null,
      utm_source: null,
      utm_medium: null,
      utm_campaign: 'spring-A',
      referrer: null,
      properties: { party: 4 },
    });
    expect(byLabel.get('inv1')?.data).toEqual({
      external_invoice_id: 'INV-1001',
      status: 'paid',
      currency: 'usd',
      total_cents: 12_500,
      amount_due_cents: 0,
      due_date: '2026-03-15',
      updated_at: new Date(at(240)),
    });
    expect(byLabel.get('p2')?.data).toEqual({
      invoice_id: a.ids.invoices[0],
      external_invoice_id: 'INV-1001',
      external_payment_id: 'pi_A_0',
      amount_cents: 12_500,
      currency: 'usd',
      status: 'failed',
      method: 'card',
      processed_at: null,
    });
    expect(byLabel.get('a1')?.data).toEqual({
      conversion_name: 'payment',
      revenue_cents: 12_500,
      attributed_model: 'last_click',
      message_id: m1,
      campaign_run_id: a.campaignRunId,
      event_id: e3,
    });
    expect(m2).toBeDefined();
  });

  it('pages without duplicates or gaps for every page size, across ties and microseconds', async () => {
    for (let limit = 1; limit <= EXPECTED_TIMELINE.length + 1; limit++) {
      const items = await pageThrough(limit);
      expect(labelsOf(items), `limit ${limit}`).toEqual([...EXPECTED_TIMELINE]);
    }
  });

  it('keeps later pages stable when newer items arrive between pages', async () => {
    const first = await staff.customers.timeline(a.customer.id, { limit: 3 });
    const newer = await gt.db
      .insertInto('events')
      .values({
        organization_id: a.organizationId,
        customer_id: a.customer.id,
        name: 'late_arrival',
        occurred_at: at(24 * 60),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    try {
      const second = await staff.customers.timeline(a.customer.id, {
        limit: 3,
        cursor: first.nextCursor ?? undefined,
      });
      expect(labelsOf(second.items)).toEqual(EXPECTED_TIMELINE.slice(3, 6));
    } finally {
      await gt.db.deleteFrom('events').where('id', '=', newer.id).execute();
    }
  });

  it('filters by type, paging within the filter', async () => {
    const money = await pageThrough(1, ['payment', 'invoice']);
    expect(labelsOf(money)).toEqual(['p1', 'p2', 'inv1']);
    const messaging = await staff.customers.timeline(a.customer.id, {
      types: 'message_event,message',
    });
    expect(labelsOf(messaging.items)).toEqual(['m2', 'me2', 'me3', 'me1', 'm1']);
    for (const type of TIMELINE_TYPES) {
      const only = await staff.customers.timeline(a.customer.id, { types: [type] });
      expect(only.items.every((i) => i.type === type)).toBe(true);
      expect(labelsOf(only.items)).toEqual(
        EXPECTED_TIMELINE.filter((l) => only.items.some((i) => a.labels.get(i.id) === l)),
      );
      expect(only.items.length).toBeGreaterThan(0);
    }
  });

  it("never shows another customer's or another organization's rows", async () => {
    const { items } = await staff.customers.timeline(a.customer.id, { limit: 200 });
    const ids = new Set(items.map((i) => i.id));
    expect(ids.size).toBe(EXPECTED_TIMELINE.length);
    for (const other of [b, c]) {
      for (const table of Object.values(other.ids)) {
        for (const id of table) expect(ids.has(id)).toBe(false);
      }
    }
    // C's organization has an invoice with A's external id and paid it: none of that here.
    const payments = items.filter((i) => i.type === 'payment').map((i) => i.id);
    expect(payments.sort()).toEqual([...a.ids.payments].sort());
    // And the other organization sees only its own customer.
    const theirs = await otherOrgAdmin.customers.timeline(c.customer.id, { types: ['payment'] });
    expect(theirs.items.map((i) => i.id).sort()).toEqual([...c.ids.payments].sort());
  });

  it('answers CUSTOMER_NOT_FOUND across organizations and for unknown ids', async () => {
    expect((await failure(otherOrgAdmin.customers.timeline(a.customer.id))).code).toBe(
      'CUSTOMER_NOT_FOUND',
    );
    expect((await failure(staff.customers.timeline(randomUUID()))).code).toBe('CUSTOMER_NOT_FOUND');
    expect((await failure(staff.customers.timeline('not-a-uuid'))).code).toBe('CUSTOMER_NOT_FOUND');
  });

  it('rejects a bad limit, type or cursor as VALIDATION_FAILED', async () => {
    const id = a.customer.id;
    for (const query of [
      { limit: 0 },
      { limit: 201 },
      { types: ['message', 'nope'] as never },
      { types: [] },
      { cursor: 'garbage' },
      {
        cursor: Buffer.from(
          JSON.stringify({ at: 'yesterday', type: 'event', id: randomUUID() }),
        ).toString('base64url'),
      },
      {
        cursor: Buffer.from(
          JSON.stringify({ at: '2026-03-01T10:00:00.000000Z', type: 'table', id: randomUUID() }),
        ).toString('base64url'),
      },
    ]) {
      expect((await failure(staff.customers.timeline(id, query))).code, JSON.stringify(query)).toBe(
        'VALIDATION_FAILED',
      );
    }
    expect((await staff.customers.timeline(id, { limit: 200 })).items).toHaveLength(14);
  });

  it('over HTTP: pages, filters and refuses other organizations', async () => {
    const token = gt.tokens.issue({ userId: staffUserId, organizationId: a.organizationId });
    const call = (path: string) =>
      gt.handler(
        new Request(`http://host.test/api/greentrack${path}`, {
          headers: { authorization: `Bearer ${token}` },
        }),
      );
    const first = await call(`/customers/${a.customer.id}/timeline?limit=5&types=event,payment`);
    expect(first.status).toBe(200);
    const body = (await first.json()) as {
      items: Array<{
        id: string;
        type: string;
        occurred_at: string;
        data: Record<string, unknown>;
      }>;
      nextCursor: string | null;
    };
    expect(body.items.map((i) => a.labels.get(i.id))).toEqual(['e5', 'e4', 'p1', 'e3', 'p2']);
    expect(body.items[2]?.data.processed_at).toBe(at(240));
    const second = await call(
      `/customers/${a.customer.id}/timeline?limit=5&types=event&types=payment&cursor=${body.nextCursor}`,
    );
    const rest = (await second.json()) as { items: Array<{ id: string }>; nextCursor: null };
    expect(rest.items.map((i) => a.labels.get(i.id))).toEqual(['e2', 'e1']);
    expect(rest.nextCursor).toBeNull();
    expect((await call(`/customers/${a.customer.id}/timeline?limit=500`)).status).toBe(400);
    expect((await call(`/customers/${a.customer.id}/timeline?types=nope`)).status).toBe(400);
    expect((await call(`/customers/${c.customer.id}/timeline`)).status).toBe(404);
  });

  it('uses the 0007 indexes for every branch (EXPLAIN on a larger history)', async () => {
    // 400 customers × 25 rows per table (3 events per message) in a third organization, so
    // a per-customer index beats scanning the table; the planner's choice is read from EXPLAIN.
    const org = await makeOrganization(gt, 'Busy bakery');
    const orgId = org.organization.id;
    await sql`
      INSERT INTO customers (organization_id, type, name)
      SELECT ${orgId}, 'customer', 'Bulk ' || g FROM generate_series(1, 400) g`.execute(gt.db);
    await sql`
      WITH c AS (SELECT id FROM customers WHERE organization_id = ${orgId})
      INSERT INTO messages (organization_id, customer_id, channel, to_address, body, status, sent_at, created_at)
      SELECT ${orgId}, c.id, 'email', 'bulk@example.com', 'hi', 'sent',
             now() - g * interval '1 hour', now() - g * interval '1 hour'
      FROM c, generate_series(1, 25) g`.execute(gt.db);
    await sql`
      INSERT INTO message_events (organization_id, message_id, type, occurred_at)
      SELECT ${orgId}, m.id, t, m.created_at + interval '1 minute'
      FROM messages m, unnest(ARRAY['delivered', 'open', 'click']) t
      WHERE m.organization_id = ${orgId}`.execute(gt.db);
    await sql`
      WITH c AS (SELECT id FROM customers WHERE organization_id = ${orgId})
      INSERT INTO events (organization_id, customer_id, name, occurred_at)
      SELECT ${orgId}, c.id, 'visit', now() - g * interval '1 hour' FROM c, generate_series(1, 25) g`.execute(
      gt.db,
    );
    await sql`
      WITH c AS (SELECT id FROM customers WHERE organization_id = ${orgId})
      INSERT INTO zeroinvoice_invoices_cache (organization_id, external_invoice_id, customer_id, snapshot, created_at)
      SELECT ${orgId}, 'BULK-' || c.id || '-' || g, c.id, '{}', now() - g * interval '1 day'
      FROM c, generate_series(1, 25) g`.execute(gt.db);
    await sql`
      INSERT INTO payments (organization_id, external_payment_id, external_invoice_id, amount_cents, status, raw_payload)
      SELECT ${orgId}, 'pay-' || i.external_invoice_id, i.external_invoice_id, 100, 'succeeded', '{}'
      FROM zeroinvoice_invoices_cache i WHERE i.organization_id = ${orgId}`.execute(gt.db);
    await sql`
      INSERT INTO attributions (organization_id, customer_id, event_id, conversion_name, created_at)
      SELECT ${orgId}, e.customer_id, e.id, 'visit', e.occurred_at FROM events e WHERE e.organization_id = ${orgId}`.execute(
      gt.db,
    );
    await sql`ANALYZE`.execute(gt.db);
    const customer = await gt.db
      .selectFrom('customers')
      .select('id')
      .where('organization_id', '=', orgId)
      .executeTakeFirstOrThrow();
    const scope = { db: gt.db, organizationId: orgId } as Scope;
    const explain = async (cursor?: { at: string; type: TimelineType; id: string }) =>
      JSON.stringify(
        await timelineQuery(
          scope,
          customerData,
          { ...customer, organizationId: orgId, email: null, phone: null },
          {
            types: TIMELINE_TYPES,
            cursor,
            limit: 50,
          },
        ).explain('json'),
      );
    // A cursor in the middle of the customer's history (the rows are spread over the last 25
    // hours / days before now()).
    const { middle } = await sql<{ middle: string }>`
      SELECT to_char((now() - interval '12 hours 30 minutes') AT TIME ZONE 'UTC',
                     'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS middle`
      .execute(gt.db)
      .then((r) => r.rows[0] ?? { middle: '' });
    for (const plan of [
      await explain(),
      await explain({ at: middle, type: 'message', id: randomUUID() }),
    ]) {
      for (const index of [
        'messages_customer_timeline_idx',
        'events_customer_occurred_idx',
        'attributions_customer_created_idx',
        'zeroinvoice_invoices_cache_customer_idx',
        'payments_org_invoice_idx',
      ]) {
        expect(plan, index).toContain(`"Index Name":"${index}"`);
      }
      expect(plan).not.toContain('Seq Scan');
    }
  });
});
