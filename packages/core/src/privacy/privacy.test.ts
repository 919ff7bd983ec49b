import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failure } from '../../test/errors.js';
import { createTestGreenTrack, databaseKind, makeOrganization } from '../../test/harness.js';
import { type HistoryFixture, seedCustomerHistory } from '../../test/history-fixture.js';
import { createClient } from '../client/index.js';
import { fixedClock } from '../clock.js';
import { REDACTED } from '../customer-data.js';
import type { GreenTrackEventMap } from '../events.js';
import type { GreenTrack } from '../greentrack.js';
import type { TenantFacade } from '../tenant.js';

const T = '2026-03-01T10:00:00.000Z';

/** The fixture's tables whose rows an export lists by id. */
const EXPORTED_BY_ID = [
  'subscriptions',
  'campaign_audience',
  'messages',
  'message_events',
  'events',
  'attributions',
  'ga_sessions',
  'invoices',
  'invoice_items',
  'payments',
  'outbox_messages',
] as const;

describe(`customer export and erase [${databaseKind}]`, () => {
  let gt: GreenTrack;
  let cleanup: () => Promise<void>;
  let admin: TenantFacade;
  let staff: TenantFacade;
  let otherOrgAdmin: TenantFacade;
  let org: Awaited<ReturnType<typeof makeOrganization>>;
  let a: HistoryFixture;
  let b: HistoryFixture;
  let c: HistoryFixture;
  /** B's attributions that point at A's message / A's event (inconsistent, but possible). */
  let bCreditsAMessage: string;
  let bCreditsAEvent: string;
  const clock = fixedClock('2026-03-02T00:00:00.000Z');

  beforeAll(async () => {
    ({ gt, cleanup } = await createTestGreenTrack({
      clock,
      secret: 'privacy-test-secret-0123456789abcdef',
    }));
    org = await makeOrganization(gt, 'Bakery');
    const other = await makeOrganization(gt, 'Other bakery');
    admin = gt.as({ userId: org.admin.id, organizationId: org.organization.id });
    staff = gt.as({ userId: org.staff.id, organizationId: org.organization.id });
    otherOrgAdmin = gt.as({ userId: other.admin.id, organizationId: other.organization.id });
    a = await seedCustomerHistory(gt, admin, { key: 'A', base: T, externalInvoiceId: 'INV-1001' });
    b = await seedCustomerHistory(gt, admin, { key: 'B', base: T, externalInvoiceId: 'INV-2001' });
    c = await seedCustomerHistory(gt, otherOrgAdmin, {
      key: 'C',
      base: T,
      externalInvoiceId: 'INV-1001',
    });
    const credit = (messageId: string | null, eventId: string) =>
      gt.db
        .insertInto('attributions')
        .values({
          organization_id: org.organization.id,
          customer_id: b.customer.id,
          message_id: messageId,
          event_id: eventId,
          conversion_name: 'booking',
        })
        .returning('id')
        .executeTakeFirstOrThrow();
    bCreditsAMessage = (await credit(a.ids.messages[0] ?? '', b.ids.events[1] ?? '')).id;
    bCreditsAEvent = (await credit(null, a.ids.events[1] ?? '')).id;
  });
  afterAll(() => cleanup());

  /** Every base table of the database, each row as Postgres prints it, sorted. */
  async function dumpDatabase(): Promise<Record<string, string[]>> {
    const { rows: tables } = await sql<{ name: string }>`
      SELECT table_name AS name FROM information_schema.tables
      WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1`.execute(gt.db);
    const dump: Record<string, string[]> = {};
    for (const { name } of tables) {
      const { rows } = await sql<{ row: string }>`
        SELECT t::text AS row FROM ${sql.table(name)} t ORDER BY 1`.execute(gt.db);
      dump[name] = rows.map((r) => r.row);
    }
    return dump;
  }

  /** The rows of a fixture, table by table, as stored now (missing rows are absent). */
  async function rowsOf(fixture: HistoryFixture) {
    const db = gt.db;
    const ids = fixture.ids;
    const byId = async (table: string, list: string[]) =>
      (
        await sql<{ row: string }>`SELECT t::text AS row FROM ${sql.table(table)} t
          WHERE t.id = ANY(${list}::uuid[]) ORDER BY 1`.execute(db)
      ).rows.map((r) => r.row);
    return {
      customer: await byId('customers', [fixture.customer.id]),
      subscriptions: await byId('subscriptions', ids.subscriptions),
      campaign_audience: await byId('campaign_audience', ids.campaign_audience),
      messages: await byId('messages', ids.messages),
      message_events: await byId('message_events', ids.message_events),
      events: await byId('events', ids.events),
      attributions: await byId('attributions', ids.attributions),
      ga_sessions: await byId('ga_sessions', ids.ga_sessions),
      invoices: await byId('zeroinvoice_invoices_cache', ids.invoices),
      invoice_items: await byId('zeroinvoice_invoice_items_cache', ids.invoice_items),
      payments: await byId('payments', ids.payments),
      webhooks: await byId('webhooks_inbound', ids.webhooks_inbound),
      outbox: await byId('outbox_messages', ids.outbox_messages),
      tags: (
        await db
          .selectFrom('customer_tags')
          .select('tag_id')
          .where('customer_id', '=', fixture.customer.id)
          .orderBy('tag_id')
          .execute()
      ).map((t) => t.tag_id),
      audit: (
        await sql<{ row: string }>`SELECT t::text AS row FROM audit_log t
          WHERE t.entity_id = ${fixture.customer.id} ORDER BY 1`.execute(db)
      ).rows.map((r) => r.row),
    };
  }

  describe('export', () => {
    it("contains exactly the customer's rows, table by table, and nothing of anyone else", async () => {
      const doc = await admin.customers.export(a.customer.id);
      expect(doc).toMatchObject({
        format: 'greentrack.customer-export',
        version: 1,
        organization_id: org.organization.id,
        exported_at: clock.now(),
      });
      expect(doc.customer).toMatchObject({
        id: a.customer.id,
        name: a.customer.name,
        email: a.customer.email,
        phone: a.customer.phone,
        notes: 'Prefers rye (A)',
        tags: ['newsletter', 'vip-A'],
        external_zeroinvoice_customer_id: 'zi-cus-A',
        has_embedding: false,
      });
      expect(doc.customer).not.toHaveProperty('embedding');
      expect(doc.tags.map((t) => t.name)).toEqual(['newsletter', 'vip-A']);
      expect(doc.tags.map((t) => t.id).sort()).toEqual([...a.ids.tags].sort());
      for (const table of EXPORTED_BY_ID) {
        expect(doc[table].map((r) => r.id).sort(), table).toEqual([...a.ids[table]].sort());
      }
      // Rows come whole: the message body, the raw payment payload, the invoice snapshot.
      expect(doc.messages.find((m) => m.id === a.ids.messages[0])?.body).toBe(
        `Hello ${a.customer.name}`,
      );
      expect(doc.payments[0]?.raw_payload).toHaveProperty('billing_details');
      expect(doc.invoices[0]?.snapshot).toEqual({
        customer: { name: a.customer.name, email: a.customer.email },
        number: 'INV-1001',
      });
      expect(doc.audit_log.map((r) => r.action).sort()).toEqual([
        'customer.create',
        'customer.update',
      ]);
      expect(doc.audit_log.every((r) => r.entity_id === a.customer.id)).toBe(true);

      const text = JSON.stringify(doc);
      for (const other of [b, c]) {
        expect(text).not.toContain(other.customer.id);
        expect(text).not.toContain(other.customer.email);
        expect(text).not.toContain(other.customer.name);
        for (const list of Object.values(other.ids)) {
          for (const id of list) {
            // Tags are organization-wide labels; B shares 'newsletter' with A.
            if (!a.ids.tags.includes(id)) expect(text).not.toContain(id);
          }
        }
      }
      expect(text).not.toContain(bCreditsAMessage);
    });

    it('is audited with row counts only', async () => {
      const before = await gt.db
        .selectFrom('audit_log')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow();
      const earlierAboutA = await gt.db
        .selectFrom('audit_log')
        .select('id')
        .where('entity_id', '=', a.customer.id)
        .execute();
      clock.advance(1000);
      await admin.customers.export(a.customer.id);
      const rows = await gt.db
        .selectFrom('audit_log')
        .selectAll()
        .where('action', '=', 'customer.export')
        .where('entity_id', '=', a.customer.id)
        .orderBy('occurred_at', 'desc')
        .execute();
      expect(rows.length).toBeGreaterThanOrEqual(1);
      const row = rows[0];
      expect(row).toMatchObject({
        actor_type: 'user',
        actor_id: org.admin.id,
        entity: 'customer',
        before: null,
        after: {
          rows: {
            tags: 2,
            subscriptions: 2,
            campaign_audience: 1,
            messages: 2,
            message_events: 3,
            events: 5,
            attributions: 1,
            ga_sessions: 1,
            invoices: 1,
            invoice_items: 2,
            payments: 2,
            audit_log: earlierAboutA.length,
          },
        },
      });
      const text = JSON.stringify(row).toLowerCase();
      for (const personal of [a.customer.email, a.customer.name, a.customer.phone.slice(2)]) {
        expect(text).not.toContain(personal.toLowerCase());
      }
      const after = await gt.db
        .selectFrom('audit_log')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow();
      expect(Number(after.n) - Number(before.n)).toBe(1);
    });

    it('is admin-only and invisible across organizations', async () => {
      expect((await failure(staff.customers.export(a.customer.id))).code).toBe('FORBIDDEN');
      expect((await failure(otherOrgAdmin.customers.export(a.customer.id))).code).toBe(
        'CUSTOMER_NOT_FOUND',
      );
      expect((await failure(admin.customers.export(randomUUID()))).code).toBe('CUSTOMER_NOT_FOUND');
    });
  });

  describe('erase', () => {
    it('is admin-only and invisible across organizations, writing nothing', async () => {
      const before = await dumpDatabase();
      expect((await failure(staff.customers.erase(a.customer.id))).code).toBe('FORBIDDEN');
      expect((await failure(otherOrgAdmin.customers.erase(a.customer.id))).code).toBe(
        'CUSTOMER_NOT_FOUND',
      );
      expect(await dumpDatabase()).toEqual(before);
    });

    it('is atomic: a failure midway leaves every row of every table as it was', async () => {
      const emitted: unknown[] = [];
      const listener = (e: GreenTrackEventMap['customer.erased']) => emitted.push(e);
      gt.on('customer.erased', listener);
      // The customer row is deleted near the end, after history, invoices and tags.
      await sql`
        CREATE FUNCTION test_fail_erase() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'simulated failure midway through erase'; END $$`.execute(gt.db);
      await sql`
        CREATE TRIGGER test_fail_erase BEFORE DELETE ON customers FOR EACH ROW
        WHEN (OLD.id = ${sql.lit(a.customer.id)}::uuid) EXECUTE FUNCTION test_fail_erase()`.execute(
        gt.db,
      );
      try {
        const before = await dumpDatabase();
        await expect(admin.customers.erase(a.customer.id)).rejects.toThrow(
          /simulated failure midway/,
        );
        expect(await dumpDatabase()).toEqual(before);
        expect(emitted).toEqual([]);
      } finally {
        await sql`DROP TRIGGER test_fail_erase ON customers`.execute(gt.db);
        await sql`DROP FUNCTION test_fail_erase()`.execute(gt.db);
        gt.off('customer.erased', listener);
      }
    });

    it('removes every personal row, keeps the rest of the organization intact, and audits counts only', async () => {
      const auditAboutA = await gt.db
        .selectFrom('audit_log')
        .select('id')
        .where('entity_id', '=', a.customer.id)
        .execute();
      const bBefore = await rowsOf(b);
      const cBefore = await rowsOf(c);
      const emitted: Array<GreenTrackEventMap['customer.erased']> = [];
      const listener = (e: GreenTrackEventMap['customer.erased']) => emitted.push(e);
      gt.on('customer.erased', listener);
      clock.advance(60_000);
      const result = await admin.customers.erase(a.customer.id);
      gt.off('customer.erased', listener);

      expect(result).toEqual({
        customer_id: a.customer.id,
        erased_at: clock.now(),
        deleted: {
          customers: 1,
          customer_tags: 2,
          subscriptions: 2,
          campaign_audience: 1,
          campaign_deliveries: 1,
          messages: 2,
          message_events: 3,
          events: 5,
          // A's own, and B's whose conversion event was A's.
          attributions: 2,
          ga_sessions: 1,
          // The fixture forwards nothing to Google Analytics (see ga-forwarding.test.ts).
          ga_conversion_forwards: 0,
          // The fixture's messages delivered no invoice.
          invoice_messages: 0,
          invoice_payment_links: 0,
          outbox_messages: 1,
        },
        detached: { attributions: 1 },
        redacted: {
          zeroinvoice_invoices_cache: 1,
          payments: 2,
          audit_log: auditAboutA.length,
          webhooks_inbound: 1,
        },
      });
      expect(emitted).toEqual([
        {
          organizationId: org.organization.id,
          customerId: a.customer.id,
          externalZeroinvoiceCustomerId: 'zi-cus-A',
          actor: { type: 'user', id: org.admin.id },
        },
      ]);

      // No table with a customer_id column (seed or later) still points at A.
      const { rows: withCustomerId } = await sql<{ table: string }>`
        SELECT c.table_name AS table FROM information_schema.columns c
        JOIN information_schema.tables t
          ON t.table_schema = c.table_schema AND t.table_name = c.table_name
        WHERE c.table_schema = 'public' AND c.column_name = 'customer_id'
          AND t.table_type = 'BASE TABLE' ORDER BY 1`.execute(gt.db);
      expect(withCustomerId.map((r) => r.table)).toEqual(
        expect.arrayContaining([
          'attributions',
          'campaign_audience',
          'customer_tags',
          'events',
          'ga_sessions',
          'messages',
          'subscriptions',
          'zeroinvoice_invoices_cache',
        ]),
      );
      for (const { table } of withCustomerId) {
        const { rows } = await sql<{ n: number }>`
          SELECT count(*)::int AS n FROM ${sql.table(table)} WHERE customer_id = ${a.customer.id}`.execute(
          gt.db,
        );
        expect(rows[0]?.n, table).toBe(0);
      }
      expect(
        await gt.db
          .selectFrom('customers')
          .select('id')
          .where('id', '=', a.customer.id)
          .executeTakeFirst(),
      ).toBeUndefined();

      // Nowhere in the database — any table, any column — is A's name, email, phone or
      // the ids that lead to A at ZeroInvoice, the payment link or the provider.
      const dump = JSON.stringify(await dumpDatabase()).toLowerCase();
      for (const personal of [
        a.customer.name,
        a.customer.email,
        a.customer.phone,
        a.customer.phone.replace(/\D/g, ''),
        'zi-cus-a',
        'https://pay.example/a',
        'sg-a-1',
        'a.ga1',
      ]) {
        expect(dump, personal).not.toContain(personal.toLowerCase());
      }

      // Kept without the person: the invoice (revenue), its items and payments.
      const invoice = await gt.db
        .selectFrom('zeroinvoice_invoices_cache')
        .selectAll()
        .where('id', '=', a.ids.invoices[0] ?? '')
        .executeTakeFirstOrThrow();
      expect(invoice).toMatchObject({
        customer_id: null,
        external_customer_id: null,
        stripe_payment_link: null,
        snapshot: REDACTED,
        external_invoice_id: 'INV-1001',
        status: 'paid',
        total_cents: 12_500,
      });
      const items = await gt.db
        .selectFrom('zeroinvoice_invoice_items_cache')
        .select('id')
        .where('invoice_id', '=', invoice.id)
        .execute();
      expect(items).toHaveLength(2);
      const payments = await gt.db
        .selectFrom('payments')
        .select(['amount_cents', 'raw_payload', 'status'])
        .where('id', 'in', a.ids.payments)
        .orderBy('status', 'desc')
        .execute();
      expect(payments).toEqual([
        { amount_cents: 12_500, raw_payload: REDACTED, status: 'succeeded' },
        { amount_cents: 12_500, raw_payload: REDACTED, status: 'failed' },
      ]);
      const webhook = await gt.db
        .selectFrom('webhooks_inbound')
        .selectAll()
        .where('id', '=', a.ids.webhooks_inbound[0] ?? '')
        .executeTakeFirstOrThrow();
      expect(webhook).toMatchObject({
        payload: REDACTED,
        headers: null,
        provider: 'sendgrid',
        status: 'processed',
      });

      // The audit trail keeps who did what and when, not what the person's data was.
      const audit = await gt.db
        .selectFrom('audit_log')
        .selectAll()
        .where('entity_id', '=', a.customer.id)
        .orderBy('occurred_at')
        .orderBy('action')
        .execute();
      const eraseRow = audit.find((r) => r.action === 'customer.erase');
      expect(eraseRow).toMatchObject({
        entity: 'customer',
        actor_id: org.admin.id,
        before: null,
        after: { deleted: result.deleted, detached: result.detached, redacted: result.redacted },
      });
      for (const row of audit.filter((r) => r.action !== 'customer.erase')) {
        expect({ before: row.before, after: row.after }, row.action).toEqual({
          before: row.before === null ? null : REDACTED,
          after: row.after === null ? null : REDACTED,
        });
      }
      expect([...new Set(audit.map((r) => r.action))].sort()).toEqual([
        'customer.create',
        'customer.erase',
        'customer.export',
        'customer.update',
      ]);

      // The other customer and the other organization are untouched, except B's attribution
      // that credited A's message, which now credits no message.
      const bAfter = await rowsOf(b);
      const cAfter = await rowsOf(c);
      expect(cAfter).toEqual(cBefore);
      expect(bAfter).toEqual(bBefore);
      const detached = await gt.db
        .selectFrom('attributions')
        .select(['customer_id', 'message_id'])
        .where('id', 'in', [bCreditsAMessage, bCreditsAEvent])
        .execute();
      expect(detached).toEqual([{ customer_id: b.customer.id, message_id: null }]);
      expect((await admin.customers.timeline(b.customer.id)).items).toHaveLength(15);

      expect((await failure(admin.customers.erase(a.customer.id))).code).toBe('CUSTOMER_NOT_FOUND');
    });
  });

  describe('over HTTP', () => {
    it('downloads the export as an attachment and erases with POST (admin only)', async () => {
      const token = (userId: string) =>
        gt.tokens.issue({ userId, organizationId: org.organization.id });
      const call = (userId: string, path: string, method = 'GET') =>
        gt.handler(
          new Request(`http://host.test/api/greentrack${path}`, {
            method,
            headers: { authorization: `Bearer ${token(userId)}` },
          }),
        );
      const customer = await admin.customers.create({
        type: 'lead',
        name: 'Web Person',
        email: 'web.person@privacy.example',
      });
      await gt.db
        .insertInto('messages')
        .values({
          organization_id: org.organization.id,
          customer_id: customer.id,
          channel: 'email',
          to_address: 'web.person@privacy.example',
          body: 'hi',
        })
        .execute();

      const download = await call(org.admin.id, `/customers/${customer.id}/export`);
      expect(download.status).toBe(200);
      expect(download.headers.get('content-disposition')).toBe(
        `attachment; filename="customer-${customer.id}.json"`,
      );
      expect(download.headers.get('cache-control')).toBe('no-store');
      const doc = (await download.json()) as {
        customer: { email: string };
        messages: Array<{ created_at: string }>;
      };
      expect(doc.customer.email).toBe('web.person@privacy.example');
      expect(doc.messages).toHaveLength(1);
      expect(typeof doc.messages[0]?.created_at).toBe('string');

      expect((await call(org.staff.id, `/customers/${customer.id}/export`)).status).toBe(403);
      expect((await call(org.staff.id, `/customers/${customer.id}/erase`, 'POST')).status).toBe(
        403,
      );
      expect((await call(org.admin.id, `/customers/${c.customer.id}/export`)).status).toBe(404);
      expect((await call(org.admin.id, `/customers/${c.customer.id}/erase`, 'POST')).status).toBe(
        404,
      );

      const erased = await call(org.admin.id, `/customers/${customer.id}/erase`, 'POST');
      expect(erased.status).toBe(200);
      expect(await erased.json()).toMatchObject({
        customer_id: customer.id,
        deleted: { customers: 1, messages: 1 },
      });
      expect((await call(org.admin.id, `/customers/${customer.id}`)).status).toBe(404);
    });

    it('through the typed client: timeline, export and erase', async () => {
      const api = createClient({
        baseUrl: 'http://host.test/api/greentrack',
        token: () => gt.tokens.issue({ userId: org.admin.id, organizationId: org.organization.id }),
        fetch: (input, init) => gt.handler(new Request(input, init)),
      });
      const page = await api.customers.timeline(b.customer.id, {
        types: ['payment', 'invoice'],
        limit: 2,
      });
      expect(page.items.map((i) => [i.type, b.labels.get(i.id)])).toEqual([
        ['payment', 'p1'],
        ['payment', 'p2'],
      ]);
      const last = await api.customers.timeline(b.customer.id, {
        types: ['payment', 'invoice'],
        cursor: page.nextCursor ?? undefined,
      });
      expect(last.items.map((i) => b.labels.get(i.id))).toEqual(['inv1']);
      const item = last.items[0];
      if (item?.type === 'invoice') expect(item.data.external_invoice_id).toBe('INV-2001');
      const doc = await api.customers.export(b.customer.id);
      expect(doc.payments.map((p) => p.external_payment_id).sort()).toEqual(['pi_B_0', 'pi_B_1']);
      const erased = await api.customers.erase(b.customer.id);
      expect(erased.deleted.messages).toBe(2);
      await expect(api.customers.timeline(b.customer.id)).rejects.toMatchObject({
        status: 404,
        code: 'CUSTOMER_NOT_FOUND',
      });
    });
  });
});
