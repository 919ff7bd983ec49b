/**
 * The analytics events API: `POST /events` and `org.events.track/list` on both databases —
 * validation naming the bad event's index, all-or-nothing batches, customer resolution by id
 * and email (never another organization's customer), the widget token's `event.track`
 * scope, row-level isolation, and events reaching the timeline and segments.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failure, issuePaths } from '../../test/errors.js';
import { createTestGreenTrack, databaseKind, makeOrganization } from '../../test/harness.js';
import { fixedClock } from '../clock.js';
import type { GreenTrack } from '../greentrack.js';
import type { TenantFacade } from '../tenant.js';
import type { TrackEvent } from './schema.js';

const BASE = 'http://host.test/api/greentrack';
const SECRET = 'analytics-test-secret-0123456789abcdef';
const NOW = '2026-06-01T12:00:00.000Z';
const at = (minutes: number) => new Date(Date.parse(NOW) + minutes * 60_000).toISOString();

describe(`analytics events [${databaseKind}]`, () => {
  let gt: GreenTrack;
  let cleanup: () => Promise<void>;
  let home: Awaited<ReturnType<typeof makeOrganization>>;
  let other: Awaited<ReturnType<typeof makeOrganization>>;
  let admin: TenantFacade;
  let otherAdmin: TenantFacade;
  let ana: { id: string };
  let foreign: { id: string };

  beforeAll(async () => {
    ({ gt, cleanup } = await createTestGreenTrack({ clock: fixedClock(NOW), secret: SECRET }));
    home = await makeOrganization(gt, 'Salon');
    other = await makeOrganization(gt, 'Other salon');
    admin = gt.as({ userId: home.admin.id, organizationId: home.organization.id });
    otherAdmin = gt.as({ userId: other.admin.id, organizationId: other.organization.id });
    ana = await admin.customers.create({ name: 'Ana', type: 'customer', email: 'ana@example.com' });
    // Same email in the other organization: an email resolves only inside the caller's.
    foreign = await otherAdmin.customers.create({
      name: 'Ana elsewhere',
      type: 'customer',
      email: 'ana@example.com',
    });
  });
  afterAll(() => cleanup());

  const tokenFor = (scopes?: string[]) =>
    gt.tokens.issue({
      userId: home.staff.id,
      organizationId: home.organization.id,
      ...(scopes ? { scopes } : {}),
    });
  const post = (body: unknown, token = tokenFor(['event.track'])) =>
    gt.handler(
      new Request(`${BASE}/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }),
    );
  const countEvents = async (organizationId = home.organization.id) => {
    const { rows } = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM events WHERE organization_id = ${organizationId}`.execute(
      gt.db,
    );
    return rows[0]?.n ?? 0;
  };
  const event = (extra: Partial<TrackEvent> = {}): TrackEvent => ({
    name: 'page_view',
    occurred_at: NOW,
    ...extra,
  });

  describe('validation', () => {
    it('refuses an event without occurred_at, naming its index; nothing is written', async () => {
      const before = await countEvents();
      const res = await post({ events: [event(), { name: 'page_view' }, event()] });
      expect(res.status).toBe(400);
      const body = (await res.json()) as {
        error: { code: string; details: { issues: Array<{ path: string }> } };
      };
      expect(body.error.code).toBe('VALIDATION_FAILED');
      expect(body.error.details.issues.map((i) => i.path)).toEqual(['events.1.occurred_at']);
      expect(await countEvents()).toBe(before);
    });

    it('refuses more than 1,000 events in one batch', async () => {
      const res = await post({ events: Array.from({ length: 1001 }, () => event()) });
      expect(res.status).toBe(400);
      const error = await failure(admin.events.track(Array.from({ length: 1001 }, () => event())));
      expect(error.code).toBe('VALIDATION_FAILED');
      expect(issuePaths(error)).toEqual(['events']);
    });

    it('refuses UTM fields that are not strings, a bad time zone-less time, and oversized properties', async () => {
      const error = await failure(
        admin.events.track([
          event({ utm_source: 5 as unknown as string }),
          event({ utm_campaign: ['spring'] as unknown as string }),
          event({ occurred_at: '2026-06-01 12:00' }),
          event({ properties: { blob: 'x'.repeat(9000) } }),
          event({ customer_id: ana.id, email: 'ana@example.com' }),
          // Well-formed, but Postgres has no year 0.
          event({ occurred_at: '0000-01-01T00:00:00Z' }),
        ]),
      );
      expect(error.code).toBe('VALIDATION_FAILED');
      expect(issuePaths(error)).toEqual([
        'events.0.utm_source',
        'events.1.utm_campaign',
        'events.2.occurred_at',
        'events.3.properties',
        'events.4.email',
        'events.5.occurred_at',
      ]);
    });
  });

  it('stores every value as sent, whatever the characters (array parameters are escaped)', async () => {
    const tricky = {
      name: 'NULL',
      occurred_at: '2026-06-01T14:00:00+02:00',
      source: '{a,b}',
      utm_source: 'say "hi" \\ there',
      utm_campaign: 'été 🌞',
      referrer: 'https://x.example/?q={1,2}&r="3"',
      properties: { quote: '"', backslash: '\\', nested: { list: [1, null, 'NULL'] } },
    } as TrackEvent;
    const { ids } = await admin.events.track(tricky);
    const row = await gt.db
      .selectFrom('events')
      .selectAll()
      .where('id', '=', ids[0] ?? '')
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      name: 'NULL',
      source: '{a,b}',
      utm_source: 'say "hi" \\ there',
      utm_medium: null,
      utm_campaign: 'été 🌞',
      referrer: 'https://x.example/?q={1,2}&r="3"',
      properties: tricky.properties,
    });
    expect(row.occurred_at.toISOString()).toBe('2026-06-01T12:00:00.000Z');
  });

  describe('customers', () => {
    it('links by customer id and by email (any case); an unknown email stays anonymous and is not stored', async () => {
      const result = await admin.events.track([
        event({ name: 'by_id', customer_id: ana.id }),
        event({ name: 'by_email', email: 'ANA@Example.com' }),
        event({ name: 'stranger', email: 'nobody@example.com' }),
      ]);
      expect(result.linked).toBe(2);
      const rows = await gt.db
        .selectFrom('events')
        .select(['id', 'name', 'customer_id', 'user_id', 'properties'])
        .where('id', 'in', result.ids)
        .execute();
      const byName = Object.fromEntries(rows.map((r) => [r.name, r]));
      expect(byName.by_id?.customer_id).toBe(ana.id);
      expect(byName.by_email?.customer_id).toBe(ana.id);
      expect(byName.stranger?.customer_id).toBeNull();
      expect(JSON.stringify(byName.stranger)).not.toContain('nobody@');
      // Who sent them: the acting user (events write no audit row each).
      expect(byName.by_id?.user_id).toBe(home.admin.id);
      // Ids come back in the order sent.
      expect(rows.find((r) => r.id === result.ids[1])?.name).toBe('by_email');
    });

    it("refuses another organization's customer id exactly like an unknown one, writing nothing (whole batch)", async () => {
      const before = await countEvents();
      const foreignRes = await post({
        events: [event({ customer_id: ana.id }), event({ customer_id: foreign.id })],
      });
      const unknownRes = await post({
        events: [event({ customer_id: ana.id }), event({ customer_id: randomUUID() })],
      });
      expect(foreignRes.status).toBe(404);
      expect(unknownRes.status).toBe(404);
      const codeOf = async (res: Response) =>
        ((await res.json()) as { error: { code: string; details: unknown } }).error;
      const [a, b] = [await codeOf(foreignRes), await codeOf(unknownRes)];
      expect(a).toMatchObject({ code: 'CUSTOMER_NOT_FOUND', details: { indexes: [1] } });
      expect(b).toMatchObject({ code: 'CUSTOMER_NOT_FOUND', details: { indexes: [1] } });
      expect(await countEvents()).toBe(before);
      expect(
        await gt.db
          .selectFrom('events')
          .select('id')
          .where('customer_id', '=', foreign.id)
          .execute(),
      ).toEqual([]);
    });

    it('rolls back the whole batch when a later statement of it fails', async () => {
      // Fault injection in the database, not a stand-in for our code: ga_sessions refuses
      // one client id, so the batch fails AFTER its events were inserted.
      await sql`CREATE FUNCTION test_refuse_ga() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN IF NEW.ga_client_id = 'GA.refused' THEN RAISE EXCEPTION 'refused'; END IF;
        RETURN NEW; END $$`.execute(gt.db);
      await sql`CREATE TRIGGER test_refuse_ga BEFORE INSERT ON ga_sessions
        FOR EACH ROW EXECUTE FUNCTION test_refuse_ga()`.execute(gt.db);
      try {
        const before = await countEvents();
        await expect(
          admin.events.track([
            event({ name: 'kept?', customer_id: ana.id }),
            event({ ga_client_id: 'GA.refused' }),
          ]),
        ).rejects.toThrow();
        expect(await countEvents()).toBe(before);
      } finally {
        await sql`DROP TRIGGER test_refuse_ga ON ga_sessions`.execute(gt.db);
        await sql`DROP FUNCTION test_refuse_ga()`.execute(gt.db);
      }
    });
  });

  describe('widget token scope', () => {
    it('a token scoped to event.track records events and can do nothing else', async () => {
      const token = tokenFor(['event.track']);
      const res = await post({ events: [event({ name: 'from_widget' })] }, token);
      expect(res.status).toBe(201);
      const body = (await res.json()) as { ids: string[]; linked: number };
      expect(body.ids).toHaveLength(1);
      const list = await gt.handler(
        new Request(`${BASE}/events`, { headers: { authorization: `Bearer ${token}` } }),
      );
      expect(list.status).toBe(403);
      const customers = await gt.handler(
        new Request(`${BASE}/customers`, { headers: { authorization: `Bearer ${token}` } }),
      );
      expect(customers.status).toBe(403);
    });

    it('a token without the scope may not record', async () => {
      const before = await countEvents();
      const res = await post({ events: [event()] }, tokenFor(['customer.read']));
      expect(res.status).toBe(403);
      expect(((await res.json()) as { error: { details: unknown } }).error.details).toMatchObject({
        action: 'event.track',
      });
      expect(await countEvents()).toBe(before);
    });
  });

  describe('reading', () => {
    it('lists newest first with filters and a cursor; another organization sees none of it', async () => {
      const bob = await admin.customers.create({ name: 'Bob', type: 'customer' });
      await admin.events.track([
        event({ name: 'visit', customer_id: bob.id, occurred_at: at(-30) }),
        event({ name: 'visit', customer_id: bob.id, occurred_at: at(-10) }),
        event({ name: 'booking_request', customer_id: bob.id, occurred_at: at(-20) }),
        event({ name: 'visit', customer_id: bob.id, occurred_at: at(-90) }),
      ]);
      const first = await admin.events.list({ customerId: bob.id, limit: 2 });
      expect(first.items.map((e) => e.occurred_at.toISOString())).toEqual([at(-10), at(-20)]);
      expect(first.nextCursor).not.toBeNull();
      const second = await admin.events.list({
        customerId: bob.id,
        limit: 2,
        cursor: first.nextCursor ?? '',
      });
      expect(second.items.map((e) => e.occurred_at.toISOString())).toEqual([at(-30), at(-90)]);
      expect(second.nextCursor).toBeNull();
      const visits = await admin.events.list({ customerId: bob.id, name: 'visit', since: at(-60) });
      expect(visits.items.map((e) => e.occurred_at.toISOString())).toEqual([at(-10), at(-30)]);
      // The other organization, through its facade and straight through its RLS-confined
      // connection, sees none of Home's events.
      expect((await otherAdmin.events.list({ customerId: bob.id })).items).toEqual([]);
      const seen = await gt.database
        .tenant(other.organization.id)
        .selectFrom('events')
        .select('organization_id')
        .execute();
      expect(seen.every((r) => r.organization_id === other.organization.id)).toBe(true);
    });

    it('events appear in the customer timeline and feed the segment event predicate', async () => {
      const cy = await admin.customers.create({ name: 'Cy', type: 'customer' });
      await admin.events.track([
        event({ name: 'booking_request', customer_id: cy.id, occurred_at: at(-60 * 24) }),
        event({
          name: 'booking_request',
          customer_id: cy.id,
          occurred_at: at(-60),
          properties: { service: 'cut' },
          utm_source: 'newsletter',
        }),
      ]);
      const timeline = await admin.customers.timeline(cy.id, { types: ['event'] });
      expect(timeline.items).toHaveLength(2);
      expect(timeline.items[0]).toMatchObject({
        type: 'event',
        data: { name: 'booking_request', utm_source: 'newsletter', properties: { service: 'cut' } },
      });
      const preview = await admin.segments.previewDraft({
        rule: { field: 'event', name: 'booking_request', op: 'at_least', value: 2, days: 30 },
      });
      // Bob's one booking is not enough: only Cy has two in the window.
      expect(preview.sample.map((m) => m.customer.id)).toEqual([cy.id]);
    });
  });
});
