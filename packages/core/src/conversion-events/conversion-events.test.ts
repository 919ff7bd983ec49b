/**
 * Conversion events on both databases: every path that records money (a recorded payment, a
 * manual one, the payment and invoice webhook handlers, the relink pass) writes exactly one
 * `payment_received` / `payment_refunded` / `invoice_paid` event with the contract's
 * properties; a replay writes nothing more; a refund reverses the right payment; an invoice's
 * revenue is what its recorded payments did not already count; the webhooks' events do not
 * depend on the order they came in; the unique keys of migration 0034 hold.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestGreenTrack, databaseKind, makeOrganization } from '../../test/harness.js';
import { applyWebhookEffects } from '../../test/webhook-effects.js';
import { fixedClock } from '../clock.js';
import type { GreenTrack } from '../greentrack.js';
import { runInvoiceStatusPass } from '../invoices/index.js';
import { insertTestInvoice, type TestInvoice } from '../invoices/test-invoices.js';
import type { SourceInvoice } from '../providers/invoices.js';
import type { PaymentInput } from '../providers/payments.js';
import type { WebhookEffect } from '../providers/webhooks.js';
import { inTransaction, systemScope } from '../scope.js';
import { writeConversionEvents } from './write.js';

const NAMES = ['payment_received', 'payment_refunded', 'invoice_paid'];
const at = (seconds: number) => new Date(Date.UTC(2026, 5, 1) + seconds * 1000);

interface ConversionEvent {
  id: string;
  name: string;
  customer_id: string | null;
  source: string | null;
  occurred_at: Date;
  properties: Record<string, unknown>;
}

describe(`conversion events [${databaseKind}]`, () => {
  let gt: GreenTrack;
  let cleanup: () => Promise<void>;
  const clock = fixedClock('2026-06-10T12:00:00.000Z');
  let sequence = 0;

  beforeAll(async () => {
    ({ gt, cleanup } = await createTestGreenTrack({ clock }));
  });
  afterAll(() => cleanup());

  async function freshOrg() {
    const org = await makeOrganization(gt, 'Conversions');
    const organizationId = org.organization.id;
    const owner = gt.as({ userId: org.owner.id, organizationId });
    const customer = await owner.customers.create({
      name: 'Payer',
      type: 'customer',
      email: `payer-${++sequence}@example.com`,
    });
    const invoice = (over: TestInvoice = {}) =>
      insertTestInvoice(gt.database, organizationId, { customerId: customer.id, ...over });
    const conversions = async (): Promise<ConversionEvent[]> =>
      (await gt.database
        .tenant(organizationId)
        .selectFrom('events')
        .select(['id', 'name', 'customer_id', 'source', 'occurred_at', 'properties'])
        .where('name', 'in', NAMES)
        .orderBy('occurred_at')
        .orderBy('name')
        .execute()) as ConversionEvent[];
    const apply = (...effects: WebhookEffect[]) => applyWebhookEffects(gt, organizationId, effects);
    return { organizationId, owner, customer, invoice, conversions, apply };
  }

  const payment = (externalInvoiceId: string, over: Partial<PaymentInput> = {}): PaymentInput => ({
    externalPaymentId: `pi_${++sequence}`,
    externalInvoiceId,
    kind: 'payment',
    amountCents: 1_000,
    currency: 'usd',
    status: 'succeeded',
    method: 'card',
    processedAt: at(100),
    rawPayload: { n: sequence },
    ...over,
  });

  /** A Stripe-like invoice state at `seconds`, the customer's by email. */
  const state = (
    id: string,
    email: string,
    seconds: number,
    over: Partial<SourceInvoice> = {},
  ): WebhookEffect => ({
    kind: 'invoice',
    invoice: {
      externalInvoiceId: id,
      externalCustomerId: 'cus_1',
      customerEmail: email,
      status: 'sent',
      currency: 'usd',
      subtotalCents: 10_000,
      taxCents: 0,
      totalCents: 10_000,
      amountDueCents: 10_000,
      dueDate: '2026-07-01',
      items: [],
      raw: { id, seconds, status: over.status ?? 'sent' },
      updatedAt: at(seconds),
      ...over,
    },
  });
  const paid = (id: string, email: string, seconds: number) =>
    state(id, email, seconds, { status: 'paid', amountDueCents: 0 });
  const paymentEffect = (
    id: string,
    invoiceId: string,
    seconds: number,
    over: Partial<PaymentInput> = {},
  ): WebhookEffect => ({
    kind: 'payment',
    payment: payment(invoiceId, { externalPaymentId: id, processedAt: at(seconds), ...over }),
  });

  it('a recorded payment writes one payment_received with the contract’s properties; again, nothing more', async () => {
    const { owner, customer, invoice, conversions } = await freshOrg();
    const inv = await invoice({ totalCents: 10_000 });
    const input = payment(inv.externalInvoiceId, { amountCents: 2_500, processedAt: at(10) });
    const { payment: recorded } = await owner.payments.record(input);
    const expected = {
      name: 'payment_received',
      customer_id: customer.id,
      source: 'system',
      occurred_at: at(10),
      properties: {
        revenue_cents: 2_500,
        currency: 'usd',
        payment_id: recorded.id,
        external_payment_id: input.externalPaymentId,
        invoice_id: inv.id,
        external_invoice_id: inv.externalInvoiceId,
      },
    };
    expect(await conversions()).toMatchObject([expected]);
    expect(await owner.payments.record(input)).toMatchObject({ outcome: 'duplicate' });
    expect(await conversions()).toMatchObject([expected]);
  });

  it('an invoice paid by two recorded payments: one invoice_paid with revenue 0; a refund reverses the latest payment before it', async () => {
    const { owner, invoice, conversions } = await freshOrg();
    const inv = await invoice({ totalCents: 10_000 });
    const ext = inv.externalInvoiceId;
    await owner.payments.record(payment(ext, { amountCents: 4_000, processedAt: at(10) }));
    await owner.payments.record(payment(ext, { amountCents: 6_000, processedAt: at(20) }));
    await owner.payments.record(
      payment(ext, { kind: 'refund', amountCents: 1_500, processedAt: at(30) }),
    );
    // Paid again after the refund: still one invoice_paid.
    await owner.payments.record(payment(ext, { amountCents: 1_500, processedAt: at(40) }));
    expect((await owner.invoices.get(inv.id)).status).toBe('paid');
    const rows = await conversions();
    expect(rows.map((r) => [r.name, r.properties.revenue_cents, r.occurred_at])).toEqual([
      ['payment_received', 4_000, at(10)],
      ['invoice_paid', 0, at(20)],
      ['payment_received', 6_000, at(20)],
      ['payment_refunded', -1_500, at(30)],
      ['payment_received', 1_500, at(40)],
    ]);
    const second = rows.find((r) => r.properties.revenue_cents === 6_000);
    expect(rows.find((r) => r.name === 'payment_refunded')?.properties).toMatchObject({
      reverses_event_id: second?.id,
      invoice_id: inv.id,
      external_invoice_id: ext,
      currency: 'usd',
    });
    expect(rows.find((r) => r.name === 'invoice_paid')?.properties).toEqual({
      revenue_cents: 0,
      currency: 'usd',
      invoice_id: inv.id,
      external_invoice_id: ext,
      total_cents: 10_000,
    });
  });

  it('a refund with no payment before it is unattributed', async () => {
    const { owner, invoice, conversions } = await freshOrg();
    const inv = await invoice({ status: 'paid', amountDueCents: 0 });
    await owner.payments.record(
      payment(inv.externalInvoiceId, { kind: 'refund', amountCents: 700, processedAt: at(5) }),
    );
    await owner.payments.record(payment(inv.externalInvoiceId, { processedAt: at(50) }));
    const refund = (await conversions()).find((r) => r.name === 'payment_refunded');
    expect(refund?.properties).toMatchObject({ revenue_cents: -700, reverses_event_id: null });
  });

  it('a pending payment writes its event when it succeeds; a failed one never', async () => {
    const { owner, invoice, conversions } = await freshOrg();
    const inv = await invoice();
    const pending = payment(inv.externalInvoiceId, { status: 'pending', processedAt: at(10) });
    await owner.payments.record(pending);
    await owner.payments.record(
      payment(inv.externalInvoiceId, { status: 'failed', processedAt: at(11) }),
    );
    expect(await conversions()).toEqual([]);
    await owner.payments.record({ ...pending, status: 'succeeded' });
    expect((await conversions()).map((r) => [r.name, r.properties.revenue_cents])).toEqual([
      ['payment_received', 1_000],
    ]);
  });

  it('manual payments and refunds write their events', async () => {
    const { owner, invoice, conversions } = await freshOrg();
    const inv = await invoice({ totalCents: 5_000 });
    const paidAt = clock.now();
    await owner.payments.recordManual(inv.id, { amount_cents: 5_000, method: 'check' });
    clock.advance(60_000);
    await owner.payments.recordManual(inv.id, {
      amount_cents: 1_000,
      method: 'cash',
      kind: 'refund',
    });
    expect(
      (await conversions()).map((r) => [r.name, r.properties.revenue_cents, r.occurred_at]),
    ).toEqual([
      ['invoice_paid', 0, paidAt],
      ['payment_received', 5_000, paidAt],
      ['payment_refunded', -1_000, clock.now()],
    ]);
  });

  it('paid at the source with no payments brings the total; partly recorded, the remainder', async () => {
    const { customer, conversions, apply } = await freshOrg();
    const email = customer.email as string;
    await apply(paid('in_whole', email, 10));
    await apply(state('in_part', email, 1));
    await apply(paymentEffect('pi_part', 'in_part', 5, { amountCents: 3_000 }));
    await apply(paid('in_part', email, 20));
    await apply(paid('in_part', email, 20), paymentEffect('pi_part', 'in_part', 5));
    const rows = await conversions();
    expect(
      rows.map((r) => [r.name, r.properties.external_invoice_id, r.properties.revenue_cents]),
    ).toEqual([
      ['payment_received', 'in_part', 3_000],
      ['invoice_paid', 'in_whole', 10_000],
      ['invoice_paid', 'in_part', 7_000],
    ]);
    expect(rows.every((r) => r.customer_id === customer.id)).toBe(true);
  });

  it('webhooks in any order, each repeated, end in the events of in-order delivery', async () => {
    const history = (email: string) => [
      state('in_o', email, 1),
      paymentEffect('pi_o', 'in_o', 5, { amountCents: 10_000 }),
      paid('in_o', email, 20),
      paymentEffect('re_o', 'in_o', 40, { kind: 'refund', amountCents: 2_000 }),
      paymentEffect('pi_l', 'in_l', 30, { amountCents: 2_000 }),
      state('in_l', email, 2),
    ];
    /** Comparable across organizations: ids replaced by the external ids they stand for. */
    const normalized = (rows: ConversionEvent[]) => {
      const paymentOf = new Map(rows.map((r) => [r.id, r.properties.external_payment_id]));
      return rows.map(({ id: _, customer_id: __, properties, ...rest }) => ({
        ...rest,
        properties: <Record<string, unknown>>{
          ...properties,
          payment_id: properties.payment_id ? 'payment' : undefined,
          invoice_id: 'invoice',
          reverses_event_id: properties.reverses_event_id
            ? paymentOf.get(properties.reverses_event_id as string)
            : properties.reverses_event_id,
        },
      }));
    };
    const inOrder = await freshOrg();
    for (const effect of history(inOrder.customer.email as string)) await inOrder.apply(effect);
    const expected = normalized(await inOrder.conversions());
    expect(expected.map((r) => [r.name, r.occurred_at, r.properties.revenue_cents])).toEqual([
      ['invoice_paid', at(5), 0],
      ['payment_received', at(5), 10_000],
      ['payment_received', at(30), 2_000],
      ['payment_refunded', at(40), -2_000],
    ]);
    expect(expected[3]?.properties.reverses_event_id).toBe('pi_o');

    // Reversed, then each again: the refund and the paid state come before the payment.
    const reversed = await freshOrg();
    const effects = history(reversed.customer.email as string).reverse();
    for (const effect of [...effects, ...effects]) await reversed.apply(effect);
    expect(normalized(await reversed.conversions())).toEqual(expected);
  });

  it('an invoice linked to its customer later gets its conversions at their original times, once', async () => {
    const { owner, invoice, conversions } = await freshOrg();
    const inv = await invoice({ customerId: null, externalCustomerId: 'cli_later' });
    await owner.payments.record(payment(inv.externalInvoiceId, { amountCents: 4_000 }));
    await owner.payments.record(
      payment(inv.externalInvoiceId, { amountCents: 6_000, processedAt: at(200) }),
    );
    expect((await owner.invoices.get(inv.id)).status).toBe('paid');
    expect(await conversions()).toEqual([]);

    const later = await owner.customers.create({
      name: 'Later',
      type: 'customer',
      external_zeroinvoice_customer_id: 'cli_later',
    });
    const pass = { database: gt.database, clock, emit: () => {} };
    await runInvoiceStatusPass(pass);
    await runInvoiceStatusPass(pass);
    const rows = await conversions();
    expect(rows.map((r) => [r.name, r.occurred_at, r.properties.revenue_cents])).toEqual([
      ['payment_received', at(100), 4_000],
      ['invoice_paid', at(200), 0],
      ['payment_received', at(200), 6_000],
    ]);
    expect(rows.every((r) => r.customer_id === later.id && r.source === 'system')).toBe(true);
  });

  it('the unique keys: a second write adds nothing and a duplicate row is refused', async () => {
    const { organizationId, owner, invoice, conversions } = await freshOrg();
    const inv = await invoice({ totalCents: 1_000 });
    await owner.payments.record(payment(inv.externalInvoiceId, { amountCents: 1_000 }));
    const before = await conversions();
    expect(before.map((r) => r.name).sort()).toEqual(['invoice_paid', 'payment_received']);
    const asWebhook = {
      ...systemScope({ database: gt.database, clock, emit: () => {} }, organizationId),
      actor: { type: 'webhook' as const, id: randomUUID() },
    };
    await inTransaction(asWebhook, (tx) => writeConversionEvents(tx, [inv.externalInvoiceId]));
    await inTransaction(asWebhook, (tx) => writeConversionEvents(tx, [inv.externalInvoiceId]));
    expect(await conversions()).toEqual(before);

    // A webhook-recorded conversion says so.
    const other = await invoice({ status: 'paid', amountDueCents: 0 });
    await inTransaction(asWebhook, (tx) => writeConversionEvents(tx, [other.externalInvoiceId]));
    const written = (await conversions()).filter((r) => r.properties.invoice_id === other.id);
    expect(written).toMatchObject([
      { name: 'invoice_paid', source: 'webhook', occurred_at: clock.now() },
    ]);

    for (const row of before) {
      await expect(
        gt.database
          .tenant(organizationId)
          .insertInto('events')
          .values({
            organization_id: organizationId,
            customer_id: row.customer_id,
            name: row.name,
            properties: JSON.stringify(row.properties),
            occurred_at: row.occurred_at,
          })
          .execute(),
      ).rejects.toThrow(/duplicate key|unique/i);
    }
  });
});
