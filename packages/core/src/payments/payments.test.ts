/**
 * The payments module on both databases: partial payments down to `paid`, refunds back up,
 * duplicate deliveries, a pending payment that later succeeds, concurrent payments of one
 * invoice (on Postgres through separate pool connections), integer cents only, currency,
 * the manual policy, and the list.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failure } from '../../test/errors.js';
import { createTestGreenTrack, databaseKind, makeOrganization } from '../../test/harness.js';
import { fixedClock } from '../clock.js';
import type { GreenTrackEventName } from '../events.js';
import type { GreenTrack } from '../greentrack.js';
import { insertTestInvoice, type TestInvoice } from '../invoices/test-invoices.js';
import type { PaymentInput } from '../providers/payments.js';

describe(`payments [${databaseKind}]`, () => {
  let gt: GreenTrack;
  let cleanup: () => Promise<void>;
  const clock = fixedClock('2026-06-10T12:00:00.000Z');
  const events: Array<{ name: GreenTrackEventName; payload: Record<string, unknown> }> = [];
  let sequence = 0;

  beforeAll(async () => {
    ({ gt, cleanup } = await createTestGreenTrack({ clock }));
    for (const name of [
      'payment.succeeded',
      'payment.refunded',
      'invoice.paid',
      'invoice.overdue',
    ] as const) {
      gt.on(name, (payload) => events.push({ name, payload: payload as never }));
    }
  });
  afterAll(() => cleanup());

  async function freshOrg() {
    const org = await makeOrganization(gt, 'Payments');
    const organizationId = org.organization.id;
    const owner = gt.as({ userId: org.owner.id, organizationId });
    const invoice = (invoice: TestInvoice = {}) =>
      insertTestInvoice(gt.database, organizationId, invoice);
    const state = async (id: string) => {
      const { amount_due_cents, status } = await owner.invoices.get(id);
      return { due: amount_due_cents, status };
    };
    events.length = 0;
    return {
      organizationId,
      owner,
      staff: gt.as({ userId: org.staff.id, organizationId }),
      invoice,
      state,
    };
  }

  /** A succeeded card payment of `externalInvoiceId`, overridable. */
  const payment = (externalInvoiceId: string, over: Partial<PaymentInput> = {}): PaymentInput => ({
    externalPaymentId: `pi_${++sequence}`,
    externalInvoiceId,
    kind: 'payment',
    amountCents: 1000,
    currency: 'usd',
    status: 'succeeded',
    method: 'card',
    processedAt: new Date('2026-06-10T11:00:00.000Z'),
    rawPayload: { object: 'payment_intent', n: sequence },
    ...over,
  });
  const named = (name: GreenTrackEventName) => events.filter((e) => e.name === name);

  it('applies partial payments down to paid, emitting invoice.paid once', async () => {
    const { owner, invoice, state } = await freshOrg();
    const customer = await owner.customers.create({ name: 'Payer', type: 'customer' });
    const inv = await invoice({
      totalCents: 10_000,
      dueDate: '2026-06-30',
      customerId: customer.id,
    });
    const first = await owner.payments.record(
      payment(inv.externalInvoiceId, { amountCents: 2_500 }),
    );
    expect(first).toMatchObject({
      outcome: 'recorded',
      applied: true,
      amount_due_cents: 7_500,
      invoice_status: 'sent',
      overpaid_cents: 0,
    });
    expect(first.payment).toMatchObject({
      amount_cents: 2_500,
      kind: 'payment',
      status: 'succeeded',
    });
    expect(await state(inv.id)).toEqual({ due: 7_500, status: 'sent' });
    const rest = await owner.payments.record(
      payment(inv.externalInvoiceId, { amountCents: 7_500 }),
    );
    expect(rest).toMatchObject({ amount_due_cents: 0, invoice_status: 'paid' });
    expect(await state(inv.id)).toEqual({ due: 0, status: 'paid' });
    expect(named('payment.succeeded').map((e) => e.payload.amountCents)).toEqual([2_500, 7_500]);
    expect(named('payment.succeeded')[0]?.payload).toMatchObject({
      invoiceId: inv.id,
      customerId: customer.id,
      method: 'card',
    });
    expect(named('invoice.paid')).toEqual([
      {
        name: 'invoice.paid',
        payload: expect.objectContaining({
          invoiceId: inv.id,
          paymentId: rest.payment.id,
          totalCents: 10_000,
        }),
      },
    ]);
    // The invoice's audit trail shows each change with its payment (same instant on the fixed
    // clock, so ordered here by what was left due).
    const audit = await owner.auditLog.list({ entity: 'invoice', entityId: inv.id });
    expect(
      audit.items
        .map((a) => a.after as { amount_due_cents: number })
        .sort((x, y) => y.amount_due_cents - x.amount_due_cents),
    ).toEqual([
      { amount_due_cents: 7_500, status: 'sent', payment_id: first.payment.id },
      { amount_due_cents: 0, status: 'paid', payment_id: rest.payment.id },
    ]);
  });

  it('stores a refund as a negative row and reopens the invoice: sent, or overdue when past due', async () => {
    const { owner, invoice, state } = await freshOrg();
    const notDue = await invoice({
      totalCents: 5_000,
      amountDueCents: 0,
      status: 'paid',
      dueDate: '2026-07-01',
    });
    const pastDue = await invoice({
      totalCents: 5_000,
      amountDueCents: 0,
      status: 'paid',
      dueDate: '2026-06-01',
    });
    const refund = await owner.payments.record(
      payment(notDue.externalInvoiceId, {
        kind: 'refund',
        amountCents: 3_000,
        externalPaymentId: 're_1',
      }),
    );
    expect(refund.payment).toMatchObject({ amount_cents: -3_000, kind: 'refund' });
    expect(await state(notDue.id)).toEqual({ due: 3_000, status: 'sent' });
    await owner.payments.record(
      payment(pastDue.externalInvoiceId, { kind: 'refund', amountCents: 5_000 }),
    );
    expect(await state(pastDue.id)).toEqual({ due: 5_000, status: 'overdue' });
    expect(named('invoice.overdue').map((e) => e.payload.invoiceId)).toEqual([pastDue.id]);
    expect(named('payment.refunded').map((e) => e.payload.amountCents)).toEqual([3_000, 5_000]);
    expect(named('payment.succeeded')).toEqual([]);
    // A refund never raises the amount due past the total.
    await owner.payments.record(
      payment(notDue.externalInvoiceId, { kind: 'refund', amountCents: 9_000 }),
    );
    expect(await state(notDue.id)).toEqual({ due: 5_000, status: 'sent' });
  });

  it('keeps an over-payment as paid, and refunding the excess owes nothing again', async () => {
    const { owner, invoice, state } = await freshOrg();
    const inv = await invoice({ totalCents: 500, dueDate: '2026-07-01' });
    const over = await owner.payments.record(payment(inv.externalInvoiceId, { amountCents: 800 }));
    expect(over).toMatchObject({
      amount_due_cents: 0,
      invoice_status: 'paid',
      overpaid_cents: 300,
    });
    await owner.payments.record(
      payment(inv.externalInvoiceId, { kind: 'refund', amountCents: 300 }),
    );
    expect(await state(inv.id)).toEqual({ due: 0, status: 'paid' });
    await owner.payments.record(
      payment(inv.externalInvoiceId, { kind: 'refund', amountCents: 200 }),
    );
    expect(await state(inv.id)).toEqual({ due: 200, status: 'sent' });
  });

  it('treats a repeated delivery as a no-op that says so', async () => {
    const { owner, invoice, state } = await freshOrg();
    const inv = await invoice({ totalCents: 3_000 });
    const input = payment(inv.externalInvoiceId, { amountCents: 1_000 });
    const once = await owner.payments.record(input);
    const twice = await owner.payments.record(input);
    expect(twice).toMatchObject({ outcome: 'duplicate', applied: false, amount_due_cents: 2_000 });
    expect(twice.payment.id).toBe(once.payment.id);
    // A stale "failed" for a succeeded payment changes nothing either.
    expect((await owner.payments.record({ ...input, status: 'failed' })).outcome).toBe('duplicate');
    expect(await state(inv.id)).toEqual({ due: 2_000, status: 'sent' });
    expect((await owner.payments.list({ invoice_id: inv.id })).items).toHaveLength(1);
    expect(named('payment.succeeded')).toHaveLength(1);
  });

  it('stores pending and failed payments without touching the invoice, then applies the success', async () => {
    const { owner, invoice, state } = await freshOrg();
    const inv = await invoice({ totalCents: 4_000 });
    const intent = payment(inv.externalInvoiceId, { amountCents: 4_000, status: 'pending' });
    expect(await owner.payments.record(intent)).toMatchObject({
      outcome: 'recorded',
      applied: false,
    });
    await owner.payments.record(payment(inv.externalInvoiceId, { status: 'failed' }));
    expect(await state(inv.id)).toEqual({ due: 4_000, status: 'sent' });
    expect(named('payment.succeeded')).toEqual([]);
    const succeeded = await owner.payments.record({ ...intent, status: 'succeeded' });
    expect(succeeded).toMatchObject({ outcome: 'updated', applied: true, invoice_status: 'paid' });
    expect(await state(inv.id)).toEqual({ due: 0, status: 'paid' });
    expect((await owner.payments.record({ ...intent, status: 'succeeded' })).outcome).toBe(
      'duplicate',
    );
    expect(named('payment.succeeded')).toHaveLength(1);
  });

  it('loses no update when payments of one invoice arrive at once', async () => {
    const { owner, invoice, state } = await freshOrg();
    const inv = await invoice({ totalCents: 100_000 });
    // On Postgres these run on separate pool connections and meet at the invoice's row lock;
    // without it, read-modify-write would lose amounts.
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        owner.payments.record(payment(inv.externalInvoiceId, { amountCents: 1_000 + i })),
      ),
    );
    expect(results.every((r) => r.outcome === 'recorded')).toBe(true);
    const paid = Array.from({ length: 12 }, (_, i) => 1_000 + i).reduce((a, b) => a + b, 0);
    expect(await state(inv.id)).toEqual({ due: 100_000 - paid, status: 'sent' });
    // The same delivery racing itself is recorded once.
    const racing = payment(inv.externalInvoiceId, { amountCents: 5 });
    const outcomes = await Promise.all([
      owner.payments.record(racing),
      owner.payments.record(racing),
    ]);
    expect(outcomes.map((o) => o.outcome).sort()).toEqual(['duplicate', 'recorded']);
    expect((await state(inv.id)).due).toBe(100_000 - paid - 5);
  });

  it('takes integer cents only, in the invoice’s currency, and writes nothing otherwise', async () => {
    const { owner, invoice, state } = await freshOrg();
    const inv = await invoice({ totalCents: 1_999 });
    for (const amountCents of [19.99, 0.1 + 0.2, 1999.0000000001, 0, -5, 2 ** 31, Number.NaN]) {
      const error = await failure(
        owner.payments.record(payment(inv.externalInvoiceId, { amountCents })),
      );
      expect([amountCents, error.code]).toEqual([amountCents, 'VALIDATION_FAILED']);
    }
    const euro = await failure(
      owner.payments.record(payment(inv.externalInvoiceId, { currency: 'eur' })),
    );
    expect(euro.code).toBe('PAYMENT_CURRENCY_MISMATCH');
    expect((await owner.payments.list()).items).toEqual([]);
    // Exact: 1999 is 1998 + 1, never 19.99 × 100.
    await owner.payments.record(
      payment(inv.externalInvoiceId, { amountCents: 1_998, currency: 'USD' }),
    );
    expect(await state(inv.id)).toEqual({ due: 1, status: 'sent' });
    await owner.payments.record(payment(inv.externalInvoiceId, { amountCents: 1 }));
    expect(await state(inv.id)).toEqual({ due: 0, status: 'paid' });
  });

  it('records a payment whose invoice is not cached yet, without applying it', async () => {
    const { owner } = await freshOrg();
    const early = await owner.payments.record(payment('inv_not_synced_yet'));
    expect(early).toMatchObject({ outcome: 'recorded', applied: false, amount_due_cents: null });
    expect(named('payment.succeeded')[0]?.payload).toMatchObject({
      invoiceId: null,
      customerId: null,
    });
  });

  it('records manual payments with a generated id, and refuses what a person likely mistyped', async () => {
    const { organizationId, owner, staff, invoice, state } = await freshOrg();
    const inv = await invoice({ totalCents: 6_000, dueDate: '2026-06-01', status: 'overdue' });
    const cash = await owner.payments.recordManual(inv.id, {
      amount_cents: 1_000,
      method: 'check',
      note: 'check #1042',
    });
    expect(cash.payment.external_payment_id).toMatch(/^manual_[0-9a-f-]{36}$/);
    expect(cash).toMatchObject({ amount_due_cents: 5_000, invoice_status: 'overdue' });
    const row = await gt.database
      .tenant(organizationId)
      .selectFrom('payments')
      .select(['raw_payload', 'method', 'processed_at'])
      .where('id', '=', cash.payment.id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      method: 'check',
      raw_payload: { source: 'manual', method: 'check', note: 'check #1042' },
      processed_at: clock.now(),
    });
    const codes = async (input: Parameters<typeof owner.payments.recordManual>[1], id = inv.id) =>
      (await failure(owner.payments.recordManual(id, input))).code;
    expect(await codes({ amount_cents: 5_001 })).toBe('PAYMENT_EXCEEDS_AMOUNT_DUE');
    expect(await codes({ amount_cents: 1_001, kind: 'refund' })).toBe('REFUND_EXCEEDS_PAID');
    expect(await codes({ amount_cents: 10, currency: 'eur' })).toBe('PAYMENT_CURRENCY_MISMATCH');
    expect(await codes({ amount_cents: 10.5 })).toBe('VALIDATION_FAILED');
    const draft = await invoice({ status: 'draft' });
    expect(await codes({ amount_cents: 10 }, draft.id)).toBe('INVOICE_NOT_PAYABLE');
    expect(await codes({ amount_cents: 10 }, '00000000-0000-4000-8000-000000000000')).toBe(
      'INVOICE_NOT_FOUND',
    );
    // Money moves are admin+.
    expect((await failure(staff.payments.recordManual(inv.id, { amount_cents: 10 }))).code).toBe(
      'FORBIDDEN',
    );
    await owner.payments.recordManual(inv.id, { amount_cents: 5_000 });
    expect(await state(inv.id)).toEqual({ due: 0, status: 'paid' });
    await owner.payments.recordManual(inv.id, { amount_cents: 6_000, kind: 'refund' });
    expect(await state(inv.id)).toEqual({ due: 6_000, status: 'overdue' });
  });

  it('lists newest first with filters and pages; gets one; other organizations see none', async () => {
    const { owner, staff, invoice } = await freshOrg();
    const a = await invoice({ totalCents: 9_000 });
    const b = await invoice({ totalCents: 9_000 });
    const recorded = [];
    for (const [inv, kind] of [
      [a, 'payment'],
      [b, 'payment'],
      [a, 'refund'],
      [a, 'payment'],
    ] as const) {
      clock.advance(1000);
      recorded.push(
        (await owner.payments.record(payment(inv.externalInvoiceId, { kind, amountCents: 100 })))
          .payment.id,
      );
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await staff.payments.list({ limit: 3, ...(cursor ? { cursor } : {}) });
      seen.push(...page.items.map((p) => p.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual([...recorded].reverse());
    expect((await staff.payments.list({ invoice_id: a.id })).items).toHaveLength(3);
    expect(
      (await staff.payments.list({ kind: 'refund' })).items.map((p) => p.amount_cents),
    ).toEqual([-100]);
    expect(await staff.payments.get(recorded[0] ?? '')).toMatchObject({
      kind: 'payment',
      amount_cents: 100,
    });
    const stranger = await freshOrg();
    expect((await failure(stranger.owner.payments.get(recorded[0] ?? ''))).code).toBe(
      'PAYMENT_NOT_FOUND',
    );
    expect((await stranger.owner.payments.list()).items).toEqual([]);
  });

  it('shows invoices and payments in the customer timeline', async () => {
    const { owner, invoice } = await freshOrg();
    const customer = await owner.customers.create({ name: 'Timeline', type: 'customer' });
    const inv = await invoice({ customerId: customer.id, totalCents: 700 });
    await owner.payments.recordManual(inv.id, { amount_cents: 700 });
    const timeline = await owner.customers.timeline(customer.id);
    // The payment's conversion events (payment_received, invoice_paid) are events of the
    // customer as well: attribution credits them.
    expect(timeline.items.map((i) => i.type).sort()).toEqual([
      'event',
      'event',
      'invoice',
      'payment',
    ]);
  });
});
