/**
 * `org.invoices.sync` end to end: GreenTrack (PGlite, or the Postgres of DATABASE_URL) syncs
 * through this adapter's real client from the local ZeroInvoice server.
 */
import type { GreenTrack, GreenTrackEventMap } from '@greentrack/core';
import { GreenTrackError } from '@greentrack/core';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestGreenTrack, databaseKind } from '../../test/greentrack.js';
import { startZeroInvoiceServer, type ZeroInvoiceServer } from '../../test/zeroinvoice-server.js';
import { zeroInvoice } from './source.js';

const SECRET = 'zeroinvoice-sync-test-secret-0123456789';
/** The generated due dates run through 2026; "today" puts some of them in the past. */
const TODAY = new Date('2026-06-15T12:00:00Z');

describe(`invoices.sync from ZeroInvoice [${databaseKind}]`, () => {
  let server: ZeroInvoiceServer;
  let gt: GreenTrack;
  let cleanup: () => Promise<void>;
  let org: ReturnType<GreenTrack['as']>;
  let organizationId: string;
  let accountId: string;
  const synced: GreenTrackEventMap['invoice.synced'][] = [];
  const progress: GreenTrackEventMap['invoice.sync.progress'][] = [];

  beforeAll(async () => {
    server = await startZeroInvoiceServer();
    server.generate({ invoices: 23, itemsPerInvoice: 3, clients: 4 });
    ({ gt, cleanup } = await createTestGreenTrack({
      secret: SECRET,
      clock: { now: () => TODAY },
      providers: { invoices: zeroInvoice({ baseUrl: server.url, pageSize: 10 }) },
    }));
    const owner = await gt.users.create({ email: 'owner@green.example', name: 'Owner' });
    const { organization } = await gt.organizations.create({
      name: 'Green',
      ownerUserId: owner.id,
    });
    organizationId = organization.id;
    org = gt.as({ userId: owner.id, organizationId });
    // Client 1 is linked by its ZeroInvoice id, client 2 by email; 0 and 3 stay unlinked.
    await org.customers.create({
      type: 'customer',
      name: 'One',
      external_zeroinvoice_customer_id: 'cli_000001',
    });
    await org.customers.create({ type: 'customer', name: 'Two', email: 'CLIENT2@example.com' });
    const account = await org.integrations.create({
      provider: 'zeroinvoice',
      credentials: { username: server.username, password: server.password },
    });
    accountId = account.id;
    gt.on('invoice.synced', (e) => synced.push(e));
    gt.on('invoice.sync.progress', (e) => progress.push(e));
  }, 60_000);
  afterAll(async () => {
    await cleanup?.();
    await server?.close();
  });

  const tenant = () => gt.database.tenant(organizationId);
  const cached = () =>
    tenant()
      .selectFrom('zeroinvoice_invoices_cache')
      .selectAll()
      .orderBy('external_invoice_id')
      .execute();
  const itemsOf = (invoiceId: string) =>
    tenant()
      .selectFrom('zeroinvoice_invoice_items_cache')
      .selectAll()
      .where('invoice_id', '=', invoiceId)
      .orderBy('position')
      .execute();
  /** Row versions: a rewritten row gets a new `xmin`, an untouched one keeps it. */
  const versions = async () =>
    (
      await sql<{
        id: string;
        xmin: string;
      }>`SELECT id, xmin::text FROM zeroinvoice_invoices_cache ORDER BY id`.execute(tenant())
    ).rows;

  it('a first sync inserts every invoice with its items, cents, statuses, links and snapshot', async () => {
    const seen: number[] = [];
    const result = await org.invoices.sync({
      onProgress: (p) => {
        seen.push(p.page);
      },
    });
    expect(result).toEqual({
      accounts: 1,
      pages: 3,
      inserted: 23,
      updated: 0,
      unchanged: 0,
      items: 69,
    });
    expect(seen).toEqual([1, 2, 3]);
    expect(progress.map((p) => [p.page, p.inserted])).toEqual([
      [1, 10],
      [2, 20],
      [3, 23],
    ]);
    expect(synced).toMatchObject([{ integrationAccountId: accountId, full: true, inserted: 23 }]);

    const rows = await cached();
    expect(rows).toHaveLength(23);
    const wire = server.invoices.find((i) => i.id === 'inv_20260101_0000005');
    const row = rows.find((r) => r.external_invoice_id === 'inv_20260101_0000005');
    // Generated status 5 is `cancelled`: mapped to void; the raw value stays in the snapshot.
    expect(row).toMatchObject({
      status: 'void',
      amount_due_cents: 0,
      currency: 'usd',
      external_customer_id: 'cli_000001',
    });
    expect(row?.snapshot).toEqual(wire);
    expect(row?.total_cents).toBe(Math.round(Number(wire?.amount) * 100));
    const items = await itemsOf(row?.id as string);
    expect(items.map((i) => [i.position, i.quantity])).toEqual([
      [0, '3.00'],
      [1, '1.00'],
      [2, '2.00'],
    ]);
    expect(items.reduce((s, i) => s + i.total_cents, 0)).toBe(row?.total_cents);

    // Linking: client 1 by external id, client 2 by email (case-insensitive), others none.
    const customers = await tenant().selectFrom('customers').select(['id', 'name']).execute();
    const idOf = (name: string) => customers.find((c) => c.name === name)?.id;
    for (const r of rows) {
      const expected =
        { cli_000001: idOf('One'), cli_000002: idOf('Two') }[r.external_customer_id ?? ''] ?? null;
      expect(r.customer_id, r.external_invoice_id).toBe(expected);
    }
    // sent ↔ overdue follows the due date: 'sent' (n % 6 = 0) due before June 15 is overdue.
    const sentEarly = rows.find((r) => r.external_invoice_id === 'inv_20260101_0000000');
    expect(sentEarly).toMatchObject({ due_date: '2026-01-01', status: 'overdue' });
    const overdueLater = rows.find((r) => r.external_invoice_id === 'inv_20260101_0000020');
    expect(overdueLater?.snapshot).toMatchObject({ status: 'overdue' });
    expect(overdueLater).toMatchObject({ due_date: '2026-09-21', status: 'sent' });

    const state = await tenant()
      .selectFrom('invoice_sync_state')
      .selectAll()
      .executeTakeFirstOrThrow();
    expect(JSON.parse(state.cursor ?? 'null')).toEqual({
      since: server.invoices.at(-1)?.updated_at,
      skip: 1,
    });
  });

  it('a second sync with nothing changed writes nothing and says so', async () => {
    const before = await versions();
    const audits = await tenant()
      .selectFrom('audit_log')
      .select('id')
      .where('action', '=', 'invoice.sync')
      .execute();
    synced.length = 0;
    // The cursor sits just after the last invoice: the feed has nothing to send.
    const result = await org.invoices.sync();
    expect(result).toEqual({
      accounts: 1,
      pages: 0,
      inserted: 0,
      updated: 0,
      unchanged: 0,
      items: 0,
    });
    expect(synced).toMatchObject([{ full: false, inserted: 0, updated: 0, unchanged: 0 }]);
    // A full re-read finds every invoice unchanged and rewrites none of them.
    const full = await org.invoices.sync({ full: true });
    expect(full).toMatchObject({ inserted: 0, updated: 0, unchanged: 23, items: 0 });
    expect(await versions()).toEqual(before);
    const auditsAfter = await tenant()
      .selectFrom('audit_log')
      .select('id')
      .where('action', '=', 'invoice.sync')
      .execute();
    expect(auditsAfter).toHaveLength(audits.length);
  });

  it('each paid invoice of a customer is one invoice_paid conversion with its total; a re-sync adds none', async () => {
    const conversions = async () =>
      (
        await tenant()
          .selectFrom('events')
          .select(['name', 'customer_id', 'source', 'occurred_at', 'properties'])
          .where('name', 'in', ['payment_received', 'payment_refunded', 'invoice_paid'])
          .execute()
      ).map((e) => ({ ...e, properties: e.properties as Record<string, unknown> }));
    const paid = (await cached()).filter((r) => r.status === 'paid' && r.customer_id !== null);
    expect(paid.length).toBeGreaterThan(0);
    const written = await conversions();
    // Paid at the source with no payment recorded here: the whole total is the revenue,
    // at the time the sync learned of it.
    expect(written.map((e) => e.properties.invoice_id).sort()).toEqual(
      paid.map((r) => r.id).sort(),
    );
    for (const r of paid) {
      expect(written.find((e) => e.properties.invoice_id === r.id)).toEqual({
        name: 'invoice_paid',
        customer_id: r.customer_id,
        source: 'system',
        occurred_at: TODAY,
        properties: {
          revenue_cents: r.total_cents,
          total_cents: r.total_cents,
          currency: 'usd',
          invoice_id: r.id,
          external_invoice_id: r.external_invoice_id,
        },
      });
    }
    expect(await org.invoices.sync({ full: true })).toMatchObject({ inserted: 0, updated: 0 });
    expect(await conversions()).toEqual(written);
  });

  it('a changed invoice is updated and its items replaced; the others stay untouched', async () => {
    const before = new Map((await versions()).map((v) => [v.id, v.xmin]));
    server.update('inv_20260101_0000003', {
      status: 'paid',
      amount: '12.34',
      line_items: JSON.stringify([
        { name: 'Hours', description: 'Garden work', quantity: '2.5', unit_price: 4.936 },
      ]),
    });
    const result = await org.invoices.sync();
    expect(result).toMatchObject({ inserted: 0, updated: 1, unchanged: 0, items: 1 });
    const rows = await cached();
    const changed = rows.find((r) => r.external_invoice_id === 'inv_20260101_0000003');
    expect(changed).toMatchObject({ status: 'paid', total_cents: 1234, amount_due_cents: 0 });
    expect(await itemsOf(changed?.id as string)).toMatchObject([
      // 2.5 × 4.94 = 12.35: the line total is computed from the exact decimals.
      {
        name: 'Hours',
        description: 'Garden work',
        quantity: '2.50',
        unit_price_cents: 494,
        total_cents: 1235,
        position: 0,
      },
    ]);
    const after = await versions();
    const rewritten = after.filter((v) => before.get(v.id) !== v.xmin).map((v) => v.id);
    expect(rewritten).toEqual([changed?.id]);
  });

  it('a failure mid-sync keeps the stored pages and resumes from their cursor', async () => {
    for (let n = 0; n < 25; n++)
      server.add({
        id: `inv_new_${String(n).padStart(2, '0')}`,
        client_id: 'cli_000003',
        user_id: 'user_1',
        status: 'sent',
        amount: 0.1 + 0.2,
        currency: 'USD',
        due_date: '2026-12-31',
        line_items: [{ description: 'Fee', quantity: 1, unit_price: '0.30' }],
        tags: [],
      });
    // The third invoice request of this sync fails: pages 1 and 2 are stored by then.
    let calls = 0;
    server.fail((r) => r.url.startsWith('/api/invoices/') && ++calls === 3, {
      status: 503,
      body: { detail: 'Service Unavailable' },
    });
    const error = await org.invoices.sync().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(GreenTrackError);
    expect((error as GreenTrackError).code).toBe('ZEROINVOICE_UNAVAILABLE');
    expect(
      (await cached()).filter((r) => r.external_invoice_id.startsWith('inv_new_')),
    ).toHaveLength(20);

    server.requests.length = 0;
    const resumed = await org.invoices.sync();
    // Resumed right after the second page: only the last 5 are read.
    expect(resumed).toMatchObject({ pages: 1, inserted: 5, updated: 0, unchanged: 0 });
    const first = server.requests.find((r) => r.url.startsWith('/api/invoices/'));
    expect(new URL(first?.url ?? '', server.url).searchParams.get('updated_since')).not.toBeNull();
    const fresh = (await cached()).filter((r) => r.external_invoice_id.startsWith('inv_new_'));
    expect(fresh).toHaveLength(25);
    expect(fresh.every((r) => r.total_cents === 30 && r.customer_id === null)).toBe(true);
  });

  it('a token that keeps failing after the re-login fails typed, and nothing is written', async () => {
    const rows = await versions();
    server.fail(
      (r) => r.url.startsWith('/api/clients/'),
      { status: 401, body: { detail: 'Not authenticated' } },
      2,
    );
    const error = await org.invoices.sync().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((error as GreenTrackError).code).toBe('ZEROINVOICE_UNAUTHORIZED');
    expect(await versions()).toEqual(rows);
  });

  it('the worker syncs due accounts on its tick, then waits for the interval', async () => {
    server.update('inv_20260101_0000007', { amount: 99.99 });
    const tick = await gt.worker.tick();
    expect(tick).toMatchObject({ invoiceAccountsSynced: 1, invoiceAccountsFailed: 0 });
    const row = (await cached()).find((r) => r.external_invoice_id === 'inv_20260101_0000007');
    expect(row?.total_cents).toBe(9999);
    const state = await tenant()
      .selectFrom('invoice_sync_state')
      .selectAll()
      .executeTakeFirstOrThrow();
    expect(state.last_error).toBeNull();
    expect(state.next_sync_at?.getTime()).toBe(TODAY.getTime() + 15 * 60 * 1000);
    // Not due again within the interval.
    expect(await gt.worker.tick()).toMatchObject({ invoiceAccountsSynced: 0 });

    // Made due again while ZeroInvoice is down: the failure is recorded, the tick goes on.
    await tenant().updateTable('invoice_sync_state').set({ next_sync_at: null }).execute();
    server.fail((r) => r.url.startsWith('/api/clients/'), {
      status: 503,
      body: { detail: 'Maintenance' },
    });
    expect(await gt.worker.tick()).toMatchObject({
      invoiceAccountsSynced: 0,
      invoiceAccountsFailed: 1,
    });
    const failed = await tenant()
      .selectFrom('invoice_sync_state')
      .selectAll()
      .executeTakeFirstOrThrow();
    expect(failed.last_error).toBe(
      'ZEROINVOICE_UNAVAILABLE: ZeroInvoice client list failed: Maintenance',
    );
  });

  it('stops with INVOICE_SYNC_IN_PROGRESS when another sync stored a page meanwhile', async () => {
    const racer = await gt.users.create({ email: 'race@green.example', name: 'Race' });
    const { organization } = await gt.organizations.create({ name: 'Race', ownerUserId: racer.id });
    const raceOrg = gt.as({ userId: racer.id, organizationId: organization.id });
    await raceOrg.integrations.create({
      provider: 'zeroinvoice',
      credentials: { username: server.username, password: server.password },
    });
    const raceDb = gt.database.tenant(organization.id);
    const error = await raceOrg.invoices
      .sync({
        // Between two pages, as a second sync of the account would.
        onProgress: async () => {
          await raceDb
            .updateTable('invoice_sync_state')
            .set({ cursor: 'moved-by-another-sync' })
            .execute();
        },
      })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect((error as GreenTrackError).code).toBe('INVOICE_SYNC_IN_PROGRESS');
    // The first page (10 invoices) is stored; the second was not.
    const rows = await raceDb.selectFrom('zeroinvoice_invoices_cache').select('id').execute();
    expect(rows).toHaveLength(10);
  });

  it('keeps each organization to its own cache rows (same external ids, separate rows)', async () => {
    const other = await gt.users.create({ email: 'other@green.example', name: 'Other' });
    const { organization } = await gt.organizations.create({
      name: 'Other',
      ownerUserId: other.id,
    });
    const otherOrg = gt.as({ userId: other.id, organizationId: organization.id });
    await otherOrg.integrations.create({
      provider: 'zeroinvoice',
      credentials: { username: server.username, password: server.password },
    });
    const mine = await versions();
    const result = await otherOrg.invoices.sync();
    expect(result.inserted).toBe(server.invoices.length);
    expect(await versions()).toEqual(mine);
    const theirs = await gt.database
      .tenant(organization.id)
      .selectFrom('zeroinvoice_invoices_cache')
      .select(['organization_id', 'external_invoice_id'])
      .execute();
    expect(theirs).toHaveLength(server.invoices.length);
    expect(theirs.every((r) => r.organization_id === organization.id)).toBe(true);
  });

  it('refuses staff (sync is admin+) and reports an unknown account as NOT_FOUND', async () => {
    const staff = await gt.users.create({ email: 'staff@green.example', name: 'Staff' });
    await org.memberships.add({ userId: staff.id, role: 'staff' });
    const asStaff = gt.as({ userId: staff.id, organizationId });
    await expect(asStaff.invoices.sync()).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(
      org.invoices.sync({ accountId: '00000000-0000-4000-8000-000000000000' }),
    ).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });
});
