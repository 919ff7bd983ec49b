/**
 * The invoices module on both databases: list filters and keyset pages, one invoice with
 * its items, the aging buckets at their boundaries and across a time-zone edge, and
 * linking invoices to customers by ZeroInvoice client id, then by email.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failure } from '../../test/errors.js';
import { createTestGreenTrack, databaseKind, makeOrganization } from '../../test/harness.js';
import { fixedClock } from '../clock.js';
import type { GreenTrack } from '../greentrack.js';
import { systemScope } from '../scope.js';
import type { TenantFacade } from '../tenant.js';
import { linkInvoiceCustomers, relinkUnlinkedInvoices } from './index.js';
import { insertTestInvoice, type TestInvoice } from './test-invoices.js';

/** `days` before (negative: after) `date`, as `YYYY-MM-DD`. */
function daysBefore(date: string, days: number): string {
  const at = new Date(`${date}T00:00:00Z`);
  at.setUTCDate(at.getUTCDate() - days);
  return at.toISOString().slice(0, 10);
}

describe(`invoices [${databaseKind}]`, () => {
  let gt: GreenTrack;
  let cleanup: () => Promise<void>;
  const clock = fixedClock('2026-06-10T12:00:00.000Z');
  const TODAY = '2026-06-10';

  /** A fresh organization (so each test counts only its own invoices) and its owner. */
  async function freshOrg() {
    const org = await makeOrganization(gt, 'Ledger');
    const organizationId = org.organization.id;
    const owner = gt.as({ userId: org.owner.id, organizationId });
    const invoice = (invoice: TestInvoice = {}) =>
      insertTestInvoice(gt.database, organizationId, invoice);
    return {
      organizationId,
      owner,
      staff: gt.as({ userId: org.staff.id, organizationId }),
      invoice,
    };
  }

  beforeAll(async () => {
    ({ gt, cleanup } = await createTestGreenTrack({
      clock,
      secret: 'invoices-test-secret-0123456789abcdef',
    }));
  });
  afterAll(() => cleanup());

  it('lists with filters and keyset pages, and gets one invoice with its items in order', async () => {
    const { owner, staff, invoice } = await freshOrg();
    const ana = await owner.customers.create({ name: 'Ana', type: 'customer' });
    const base = Date.parse('2026-06-01T00:00:00Z');
    const made = [];
    for (let i = 0; i < 5; i++) {
      made.push(
        await invoice({
          externalInvoiceId: `inv_${i}`,
          customerId: i % 2 === 0 ? ana.id : null,
          status: i === 4 ? 'paid' : 'sent',
          amountDueCents: i === 4 ? 0 : 1000,
          dueDate: daysBefore(TODAY, i - 2), // 2 days after today … 2 days ago
          createdAt: new Date(base + i * 1000),
        }),
      );
    }
    // Newest first, two per page, no row repeated or skipped.
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await staff.invoices.list({ limit: 2, ...(cursor ? { cursor } : {}) });
      seen.push(...page.items.map((i) => i.external_invoice_id));
      // The page's sort key is the cursor's business, not a column of the invoice.
      for (const item of page.items) expect(item).not.toHaveProperty('sort_key');
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(['inv_4', 'inv_3', 'inv_2', 'inv_1', 'inv_0']);

    const ids = async (query: Parameters<TenantFacade['invoices']['list']>[0]) =>
      (await staff.invoices.list(query)).items.map((i) => i.external_invoice_id).sort();
    expect(await ids({ status: 'paid' })).toEqual(['inv_4']);
    expect(await ids({ customer_id: ana.id })).toEqual(['inv_0', 'inv_2', 'inv_4']);
    // Overdue is derived: due before today with an amount due; the paid one is not.
    expect(await ids({ overdue: true })).toEqual(['inv_3']);
    expect(await ids({ overdue: 'false' as never })).toEqual(['inv_0', 'inv_1', 'inv_2', 'inv_4']);
    expect(await ids({ due_from: TODAY, due_to: daysBefore(TODAY, -1) })).toEqual([
      'inv_1',
      'inv_2',
    ]);
    const listed = (await staff.invoices.list({ overdue: true })).items[0];
    expect(listed).toMatchObject({ overdue: true, status: 'sent', due_date: daysBefore(TODAY, 1) });
    expect(listed).not.toHaveProperty('snapshot');

    const withItems = await invoice({
      items: [
        { name: 'Second', unitPriceCents: 250, totalCents: 500, quantity: '2' },
        { name: 'Third', unitPriceCents: 1, totalCents: 1 },
      ],
    });
    const got = await staff.invoices.get(withItems.id);
    expect(got.items.map((i) => [i.name, i.quantity, i.total_cents])).toEqual([
      ['Second', '2.00', 500],
      ['Third', '1.00', 1],
    ]);
    expect(made).toHaveLength(5);
  });

  it('filters over HTTP with repeated and boolean query parameters', async () => {
    const org = await makeOrganization(gt, 'Http');
    const organizationId = org.organization.id;
    for (const status of ['sent', 'paid', 'draft'] as const)
      await insertTestInvoice(gt.database, organizationId, {
        externalInvoiceId: `http_${status}`,
        status,
        dueDate: '2026-06-01',
      });
    const token = gt.tokens.issue({ userId: org.staff.id, organizationId, ttlSeconds: 600 });
    const get = async (query: string) => {
      const res = await gt.handler(
        new Request(`http://host.test/api/greentrack/invoices?${query}`, {
          headers: { authorization: `Bearer ${token}` },
        }),
      );
      const body = (await res.json()) as { items?: Array<{ external_invoice_id: string }> };
      return [res.status, body.items?.map((i) => i.external_invoice_id).sort()];
    };
    expect(await get('status=sent&status=paid')).toEqual([200, ['http_paid', 'http_sent']]);
    expect(await get('overdue=true')).toEqual([200, ['http_sent']]);
    expect(await get('overdue=false&status=draft')).toEqual([200, ['http_draft']]);
    expect((await get('due_from=2026-02-30'))[0]).toBe(400);
  });

  it('answers INVOICE_NOT_FOUND for another organization’s invoice and for junk ids', async () => {
    const mine = await freshOrg();
    const theirs = await freshOrg();
    const { id } = await theirs.invoice();
    expect((await failure(mine.owner.invoices.get(id))).code).toBe('INVOICE_NOT_FOUND');
    expect((await failure(mine.owner.invoices.get('not-a-uuid'))).code).toBe('INVOICE_NOT_FOUND');
    expect((await mine.owner.invoices.list()).items).toEqual([]);
    expect((await failure(mine.owner.invoices.list({ cursor: 'junk' }))).code).toBe(
      'VALIDATION_FAILED',
    );
  });

  it('buckets amounts due by days past due at each boundary (0, 1, 30, 31, 60, 61, 90, 91)', async () => {
    const { owner, invoice } = await freshOrg();
    const ana = await owner.customers.create({ name: 'Ana', type: 'customer' });
    const bo = await owner.customers.create({ name: 'Bo', type: 'customer' });
    // One power of two per age, so every sum names exactly which invoices it holds.
    const ages = [0, 1, 30, 31, 60, 61, 90, 91];
    for (const [i, age] of ages.entries()) {
      await invoice({
        customerId: i % 2 === 0 ? ana.id : bo.id,
        dueDate: daysBefore(TODAY, age),
        totalCents: 2 ** i * 100,
        // Stored status does not matter for the age: `sent` past due counts like `overdue`.
        status: i % 3 === 0 ? 'overdue' : 'sent',
      });
    }
    await invoice({ customerId: ana.id, dueDate: daysBefore(TODAY, -5), totalCents: 7 }); // not yet due
    await invoice({ customerId: ana.id, dueDate: null, totalCents: 3 }); // no due date: current
    await invoice({ customerId: null, dueDate: daysBefore(TODAY, 45), totalCents: 11 }); // unlinked
    // Not open or nothing due: left out.
    await invoice({ customerId: ana.id, status: 'paid', amountDueCents: 0, dueDate: '2026-01-01' });
    await invoice({ customerId: ana.id, status: 'draft', dueDate: '2026-01-01' });
    await invoice({ customerId: ana.id, status: 'void', dueDate: '2026-01-01' });
    await invoice({ customerId: bo.id, status: 'sent', amountDueCents: 0, dueDate: '2026-01-01' });
    // Another currency is never added to dollars.
    await invoice({
      customerId: bo.id,
      currency: 'eur',
      dueDate: daysBefore(TODAY, 100),
      totalCents: 999,
    });

    const aging = await owner.invoices.aging();
    expect(aging.as_of).toBe(TODAY);
    expect(aging.time_zone).toBe('UTC');
    expect(aging.organization).toEqual([
      {
        currency: 'eur',
        current: 0,
        days_1_30: 0,
        days_31_60: 0,
        days_61_90: 0,
        days_over_90: 999,
        total: 999,
        invoices: 1,
      },
      {
        currency: 'usd',
        current: 100 + 7 + 3, // age 0 (due today), not yet due, no due date
        days_1_30: 200 + 400, // 1, 30
        days_31_60: 800 + 1600 + 11, // 31, 60, and the unlinked one at 45
        days_61_90: 3200 + 6400, // 61, 90
        days_over_90: 12800, // 91
        total: 25500 + 7 + 3 + 11,
        invoices: 11,
      },
    ]);
    const byCustomer = Object.fromEntries(
      aging.customers.map((c) => [
        `${c.customer_id === ana.id ? 'ana' : c.customer_id === bo.id ? 'bo' : 'none'}:${c.currency}`,
        c,
      ]),
    );
    expect(byCustomer['ana:usd']).toMatchObject({
      current: 100 + 7 + 3,
      days_1_30: 400,
      days_31_60: 1600,
      days_61_90: 6400,
      days_over_90: 0,
      invoices: 6,
    });
    expect(byCustomer['bo:usd']).toMatchObject({
      current: 0,
      days_1_30: 200,
      days_31_60: 800,
      days_61_90: 3200,
      days_over_90: 12800,
    });
    expect(byCustomer['none:usd']).toMatchObject({ days_31_60: 11, total: 11 });
    expect(byCustomer['bo:eur']).toMatchObject({ days_over_90: 999 });
    // Largest total first; the limit truncates and says so.
    expect(aging.customers[0]?.customer_id).toBe(bo.id);
    const one = await owner.invoices.aging({ limit: 1 });
    expect(one.customers).toHaveLength(1);
    expect(one.customers_truncated).toBe(true);
    const onlyAna = await owner.invoices.aging({ customer_id: ana.id });
    expect(onlyAna.organization[0]?.total).toBe(byCustomer['ana:usd']?.total);
  });

  it("ages by the organization's date, not UTC's, across a time-zone edge", async () => {
    const { owner, invoice } = await freshOrg();
    await invoice({ externalInvoiceId: 'due_9th', dueDate: '2026-06-09', totalCents: 500 });
    // 02:00 UTC on the 10th is still the 9th in Los Angeles (UTC-7).
    clock.set('2026-06-10T02:00:00.000Z');
    try {
      const utc = await owner.invoices.aging();
      expect(utc.as_of).toBe('2026-06-10');
      expect(utc.organization[0]).toMatchObject({ current: 0, days_1_30: 500 });
      expect((await owner.invoices.list({ overdue: true })).items).toHaveLength(1);

      await owner.settings.sending.set({ timeZone: 'America/Los_Angeles' });
      const la = await owner.invoices.aging();
      expect(la).toMatchObject({ as_of: '2026-06-09', time_zone: 'America/Los_Angeles' });
      expect(la.organization[0]).toMatchObject({ current: 500, days_1_30: 0 });
      expect((await owner.invoices.list({ overdue: true })).items).toHaveLength(0);
      // Seven hours later it is the 10th there too.
      clock.set('2026-06-10T07:00:00.000Z');
      expect((await owner.invoices.aging()).organization[0]).toMatchObject({ days_1_30: 500 });
    } finally {
      clock.set('2026-06-10T12:00:00.000Z');
    }
  });

  it('links invoices by client id first, then by email, set-based and idempotent', async () => {
    const { organizationId, owner, invoice } = await freshOrg();
    const byId = await owner.customers.create({
      name: 'By id',
      type: 'customer',
      email: 'id@example.com',
      external_zeroinvoice_customer_id: 'cl_1',
    });
    const byEmail = await owner.customers.create({
      name: 'By email',
      type: 'customer',
      email: 'Mail@Example.com',
    });
    for (const id of ['inv_a', 'inv_b', 'inv_c', 'inv_d'])
      await invoice({ externalInvoiceId: id, externalCustomerId: null });
    const scope = systemScope({ database: gt.database, clock, emit: () => {} }, organizationId);
    const rows = [
      // The client id wins over an email that names someone else.
      { externalInvoiceId: 'inv_a', externalCustomerId: 'cl_1', customerEmail: 'mail@example.com' },
      // Unknown client id: the email decides, whatever its case and spacing.
      {
        externalInvoiceId: 'inv_b',
        externalCustomerId: 'cl_x',
        customerEmail: ' MAIL@example.COM ',
      },
      { externalInvoiceId: 'inv_c', externalCustomerId: null, customerEmail: 'nobody@example.com' },
      { externalInvoiceId: 'inv_d', externalCustomerId: null, customerEmail: 'not an email' },
    ];
    expect(await linkInvoiceCustomers(scope, rows)).toBe(2);
    const linked = async () =>
      Object.fromEntries(
        (await owner.invoices.list()).items.map((i) => [i.external_invoice_id, i.customer_id]),
      );
    expect(await linked()).toEqual({
      inv_a: byId.id,
      inv_b: byEmail.id,
      inv_c: null,
      inv_d: null,
    });
    // Nothing changes the second time, so nothing is written.
    expect(await linkInvoiceCustomers(scope, rows)).toBe(0);
    // The source moves inv_a to a client nobody is: the link goes.
    expect(
      await linkInvoiceCustomers(scope, [
        { externalInvoiceId: 'inv_a', externalCustomerId: 'cl_gone', customerEmail: null },
      ]),
    ).toBe(1);
    expect((await linked()).inv_a).toBeNull();
    expect(await linkInvoiceCustomers(scope, [])).toBe(0);
  });

  it('re-links unlinked invoices once their customer exists, in the worker pass', async () => {
    const { organizationId, owner, invoice } = await freshOrg();
    const late = await invoice({ externalCustomerId: 'cl_late' });
    const other = await invoice({ externalCustomerId: 'cl_never' });
    expect(
      await relinkUnlinkedInvoices(
        systemScope({ database: gt.database, clock, emit: () => {} }, organizationId),
      ),
    ).toBe(0);
    const customer = await owner.customers.create({
      name: 'Late',
      type: 'customer',
      external_zeroinvoice_customer_id: 'cl_late',
    });
    // Another organization's customer with the same client id never matches.
    const elsewhere = await freshOrg();
    await elsewhere.owner.customers.create({
      name: 'Namesake',
      type: 'customer',
      external_zeroinvoice_customer_id: 'cl_never',
    });
    clock.advance(2 * 3600_000); // the worker runs the pass hourly
    await gt.worker.tick();
    expect((await owner.invoices.get(late.id)).customer_id).toBe(customer.id);
    expect((await owner.invoices.get(other.id)).customer_id).toBeNull();
    const audit = await owner.auditLog.list({ action: 'invoice.relink' });
    expect(audit.items.map((a) => a.after)).toEqual([{ linked: 1 }]);
  });
});
