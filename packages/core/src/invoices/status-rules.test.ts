/**
 * The overdue rule and the worker's status pass, on both databases: which stored statuses
 * move (sent → overdue, overdue → sent) and which never do, one `invoice.overdue` per
 * invoice however often the pass runs, an audit row per change, and the sync's targeted
 * call touching only its rows.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestGreenTrack, databaseKind, makeOrganization } from '../../test/harness.js';
import { fixedClock } from '../clock.js';
import type { Emit, GreenTrackEventMap } from '../events.js';
import type { GreenTrack } from '../greentrack.js';
import { systemScope } from '../scope.js';
import { applyInvoiceStatusRules, isOverdue, runInvoiceStatusPass } from './index.js';
import { insertTestInvoice, type TestInvoice } from './test-invoices.js';

describe(`invoice status rules [${databaseKind}]`, () => {
  let gt: GreenTrack;
  let cleanup: () => Promise<void>;
  const clock = fixedClock('2026-06-10T12:00:00.000Z');
  const overdueEvents: Array<GreenTrackEventMap['invoice.overdue']> = [];
  /** Delivers as the instance does: `invoice.overdue` is what these tests watch. */
  const emit: Emit = (name, payload) => {
    if (name === 'invoice.overdue')
      overdueEvents.push(payload as GreenTrackEventMap['invoice.overdue']);
  };
  const pass = () => runInvoiceStatusPass({ database: gt.database, clock, emit });

  beforeAll(async () => {
    ({ gt, cleanup } = await createTestGreenTrack({ clock }));
    gt.on('invoice.overdue', (event) => overdueEvents.push(event));
  });
  afterAll(() => cleanup());

  async function freshOrg() {
    const org = await makeOrganization(gt, 'Status');
    const organizationId = org.organization.id;
    const owner = gt.as({ userId: org.owner.id, organizationId });
    const invoice = (invoice: TestInvoice) =>
      insertTestInvoice(gt.database, organizationId, invoice);
    const statusOf = async (id: string) => (await owner.invoices.get(id)).status;
    return { organizationId, owner, invoice, statusOf };
  }

  it('derives overdue from due date, amount due and status', () => {
    const today = '2026-06-10';
    const at = (
      status: 'sent' | 'overdue' | 'paid' | 'draft' | 'void',
      due: string | null,
      amount: number | null,
    ) => isOverdue({ status, due_date: due, amount_due_cents: amount }, today);
    expect(at('sent', '2026-06-09', 1)).toBe(true);
    expect(at('overdue', '2026-06-09', 1)).toBe(true);
    expect(at('sent', '2026-06-10', 1)).toBe(false); // due today: not yet
    expect(at('sent', '2026-06-09', 0)).toBe(false);
    expect(at('sent', '2026-06-09', null)).toBe(false);
    expect(at('sent', null, 1)).toBe(false);
    expect(at('paid', '2026-01-01', 1)).toBe(false);
    expect(at('draft', '2026-01-01', 1)).toBe(false);
    expect(at('void', '2026-01-01', 1)).toBe(false);
  });

  it('flips sent → overdue and back, once, with an event and an audit row per change', async () => {
    const { organizationId, owner, invoice, statusOf } = await freshOrg();
    const customer = await owner.customers.create({ name: 'Late payer', type: 'customer' });
    const pastDue = await invoice({
      dueDate: '2026-06-09',
      customerId: customer.id,
      amountDueCents: 4200,
    });
    const dueToday = await invoice({ dueDate: '2026-06-10' });
    const noDueDate = await invoice({ dueDate: null });
    const nothingDue = await invoice({ dueDate: '2026-05-01', amountDueCents: 0 });
    const movedOut = await invoice({ status: 'overdue', dueDate: '2026-07-01' });
    const settled = await invoice({ status: 'overdue', dueDate: '2026-05-01', amountDueCents: 0 });
    const stillOverdue = await invoice({ status: 'overdue', dueDate: '2026-05-01' });
    const paid = await invoice({ status: 'paid', dueDate: '2026-05-01', amountDueCents: 0 });
    const draft = await invoice({ status: 'draft', dueDate: '2026-05-01' });
    const voided = await invoice({ status: 'void', dueDate: '2026-05-01' });
    overdueEvents.length = 0;

    const first = await pass();
    expect(first).toMatchObject({ overdue: 1, reopened: 2 });
    expect(await statusOf(pastDue.id)).toBe('overdue');
    for (const { id } of [dueToday, noDueDate, nothingDue, movedOut, settled])
      expect(await statusOf(id)).toBe('sent');
    expect(await statusOf(stillOverdue.id)).toBe('overdue');
    expect(await statusOf(paid.id)).toBe('paid');
    expect(await statusOf(draft.id)).toBe('draft');
    expect(await statusOf(voided.id)).toBe('void');
    expect(overdueEvents).toEqual([
      {
        organizationId,
        invoiceId: pastDue.id,
        externalInvoiceId: pastDue.externalInvoiceId,
        customerId: customer.id,
        amountDueCents: 4200,
        currency: 'usd',
        dueDate: '2026-06-09',
        actor: { type: 'system', id: null },
      },
    ]);
    const audit = await owner.auditLog.list({ entity: 'invoice' });
    expect(audit.items.map((a) => [a.entity_id, a.action, a.after]).sort()).toEqual(
      [
        [pastDue.id, 'invoice.overdue', { status: 'overdue', as_of: '2026-06-10' }],
        [movedOut.id, 'invoice.reopen', { status: 'sent', as_of: '2026-06-10' }],
        [settled.id, 'invoice.reopen', { status: 'sent', as_of: '2026-06-10' }],
      ].sort(),
    );

    // Idempotent: the same day again changes, emits and audits nothing.
    const again = await pass();
    expect(again).toMatchObject({ overdue: 0, reopened: 0 });
    expect(overdueEvents).toHaveLength(1);
    expect((await owner.auditLog.list({ entity: 'invoice' })).items).toHaveLength(3);

    // The next day the invoice due today is past due: it, and only it, becomes overdue.
    clock.set('2026-06-11T12:00:00.000Z');
    try {
      expect(await pass()).toMatchObject({
        overdue: 1,
        reopened: 0,
      });
      expect(overdueEvents.map((e) => e.invoiceId)).toEqual([pastDue.id, dueToday.id]);
    } finally {
      clock.set('2026-06-10T12:00:00.000Z');
    }
  });

  it("turns overdue at the organization's midnight, not UTC's", async () => {
    const { owner, invoice, statusOf } = await freshOrg();
    await owner.settings.sending.set({ timeZone: 'Pacific/Auckland' }); // UTC+12 in June
    const due = await invoice({ dueDate: '2026-06-10' });
    // 12:30 UTC on the 10th is 00:30 on the 11th in Auckland: the invoice is a day late there.
    clock.set('2026-06-10T12:30:00.000Z');
    try {
      await pass();
      expect(await statusOf(due.id)).toBe('overdue');
    } finally {
      clock.set('2026-06-10T12:00:00.000Z');
    }
  });

  it("applies to the sync's rows only when it names them", async () => {
    const { organizationId, invoice, statusOf } = await freshOrg();
    const synced = await invoice({ dueDate: '2026-06-01' });
    const untouched = await invoice({ dueDate: '2026-06-01' });
    const scope = systemScope({ database: gt.database, clock, emit }, organizationId);
    expect(await applyInvoiceStatusRules(scope, { externalInvoiceIds: [] })).toEqual({
      overdue: 0,
      reopened: 0,
    });
    expect(
      await applyInvoiceStatusRules(scope, { externalInvoiceIds: [synced.externalInvoiceId] }),
    ).toEqual({ overdue: 1, reopened: 0 });
    expect(await statusOf(synced.id)).toBe('overdue');
    expect(await statusOf(untouched.id)).toBe('sent');
    expect(await applyInvoiceStatusRules(scope, { invoiceIds: [untouched.id] })).toEqual({
      overdue: 1,
      reopened: 0,
    });
  });

  // Regression: the audit rows were one multi-row INSERT of 9 parameters a row, which broke
  // past 7,281 changes (Postgres takes at most 65,535 parameters a statement).
  it('changes and audits more invoices at once than one statement has parameters for', async () => {
    const { organizationId, owner } = await freshOrg();
    const count = 8_000;
    const db = gt.database.tenant(organizationId);
    await sql`INSERT INTO zeroinvoice_invoices_cache (organization_id, external_invoice_id, status,
        total_cents, amount_due_cents, due_date, snapshot)
      SELECT ${organizationId}, 'bulk_' || g, 'sent', 100, 100, date '2026-06-01', '{}'::jsonb
      FROM generate_series(1, ${count}) g`.execute(db);
    const scope = systemScope({ database: gt.database, clock, emit }, organizationId);
    expect(await applyInvoiceStatusRules(scope)).toEqual({ overdue: count, reopened: 0 });
    const { rows } = await sql<{ n: string }>`SELECT count(*)::text AS n FROM audit_log
      WHERE organization_id = ${organizationId} AND action = 'invoice.overdue'`.execute(db);
    expect(Number(rows[0]?.n)).toBe(count);
    expect((await owner.invoices.list({ status: 'sent' })).items).toEqual([]);
  });

  it('runs from the worker: on the first tick, then not again within the hour', async () => {
    const { invoice, statusOf } = await freshOrg();
    // The pass already ran in this process (earlier tests ticked or not): move past its hour.
    clock.advance(3 * 3600_000);
    try {
      await gt.worker.tick();
      const late = await invoice({ dueDate: '2026-06-01' });
      clock.advance(10 * 60_000);
      await gt.worker.tick();
      expect(await statusOf(late.id)).toBe('sent'); // within the hour: not yet
      clock.advance(60 * 60_000);
      await gt.worker.tick();
      expect(await statusOf(late.id)).toBe('overdue');
    } finally {
      clock.set('2026-06-10T12:00:00.000Z');
    }
  });
});
