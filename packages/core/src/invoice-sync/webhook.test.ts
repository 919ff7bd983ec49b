/**
 * The `invoice` and `payment` webhook handlers on both databases: an invoice written as the
 * sync writes it (items, link, derived status) and not rewritten by a repeat; an older state
 * never over a newer one, the same-second tie by life stage; the amount due settled against
 * the payments recorded after the source's state (a payment before its invoice, a refund
 * after `paid`, a refund before its payment); the sync forgetting a state it overwrote.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestGreenTrack, databaseKind, makeOrganization } from '../../test/harness.js';
import { applyWebhookEffects } from '../../test/webhook-effects.js';
import { fixedClock } from '../clock.js';
import type { GreenTrack } from '../greentrack.js';
import type { ModuleDeps } from '../module.js';
import type { SourceInvoice } from '../providers/invoices.js';
import type { PaymentInput } from '../providers/payments.js';
import type { InvoiceEffect, WebhookEffect } from '../providers/webhooks.js';
import { inTransaction, systemScope } from '../scope.js';
import { applyInvoiceEffects, compareSourceStates } from './webhook.js';

const at = (seconds: number) => new Date(Date.UTC(2026, 5, 1) + seconds * 1000);

/** A Stripe-like invoice state of `id` at `seconds`. */
function invoice(id: string, seconds: number, over: Partial<SourceInvoice> = {}): WebhookEffect {
  const state: SourceInvoice = {
    externalInvoiceId: id,
    externalCustomerId: 'cus_1',
    customerEmail: 'payer@example.com',
    status: 'sent',
    currency: 'usd',
    subtotalCents: 10_000,
    taxCents: 0,
    totalCents: 10_000,
    amountDueCents: 10_000,
    dueDate: '2026-07-01',
    items: [
      {
        name: 'Service',
        description: null,
        quantity: '2',
        unitPriceCents: 5_000,
        totalCents: 10_000,
        position: 0,
      },
    ],
    raw: { id, seconds, status: over.status ?? 'sent' },
    updatedAt: at(seconds),
    ...over,
  };
  return { kind: 'invoice', invoice: state };
}

function payment(
  id: string,
  invoiceId: string,
  seconds: number,
  over: Partial<PaymentInput> = {},
): WebhookEffect {
  return {
    kind: 'payment',
    payment: {
      externalPaymentId: id,
      externalInvoiceId: invoiceId,
      kind: 'payment',
      amountCents: 10_000,
      currency: 'usd',
      status: 'succeeded',
      method: 'card',
      processedAt: at(seconds),
      rawPayload: { id },
      ...over,
    },
  };
}

describe(`invoice and payment webhook handlers [${databaseKind}]`, () => {
  let gt: GreenTrack;
  let cleanup: () => Promise<void>;
  const clock = fixedClock('2026-06-10T12:00:00.000Z');

  beforeAll(async () => {
    ({ gt, cleanup } = await createTestGreenTrack({ clock }));
  });
  afterAll(() => cleanup());

  async function freshOrg() {
    const org = await makeOrganization(gt, 'Webhook invoices');
    const organizationId = org.organization.id;
    const owner = gt.as({ userId: org.owner.id, organizationId });
    const apply = (...effects: WebhookEffect[]) => applyWebhookEffects(gt, organizationId, effects);
    const row = (externalInvoiceId: string) =>
      gt.database
        .tenant(organizationId)
        .selectFrom('zeroinvoice_invoices_cache')
        .select(['id', 'status', 'amount_due_cents', 'snapshot', 'customer_id', 'updated_at'])
        .where('external_invoice_id', '=', externalInvoiceId)
        .executeTakeFirst();
    return { organizationId, owner, apply, row };
  }

  it('writes an invoice as the sync does, linked and with its items; a repeat writes nothing', async () => {
    const { owner, apply, row } = await freshOrg();
    const customer = await owner.customers.create({
      name: 'Payer',
      type: 'customer',
      email: 'payer@example.com',
    });
    await apply(invoice('in_1', 10));
    const first = await row('in_1');
    expect(first).toMatchObject({ status: 'sent', amount_due_cents: 10_000 });
    expect(first?.customer_id).toBe(customer.id);
    const { items } = await owner.invoices.get(first?.id ?? '');
    expect(items).toMatchObject([{ name: 'Service', quantity: '2.00', total_cents: 10_000 }]);

    clock.advance(60_000);
    await apply(invoice('in_1', 10));
    expect((await row('in_1'))?.updated_at).toEqual(first?.updated_at);
  });

  it('keeps the newer state whatever the order; at one instant the state further along wins', async () => {
    const { apply, row } = await freshOrg();
    const paid = invoice('in_2', 20, { status: 'paid', amountDueCents: 0 });
    await apply(paid);
    await apply(invoice('in_2', 10));
    expect(await row('in_2')).toMatchObject({ status: 'paid', amount_due_cents: 0 });

    // invoice.finalized and invoice.paid in the same second, paid first.
    await apply(invoice('in_3', 30, { status: 'paid', amountDueCents: 0 }));
    await apply(invoice('in_3', 30));
    expect(await row('in_3')).toMatchObject({ status: 'paid' });
    // Within one webhook too.
    await apply(invoice('in_4', 40), invoice('in_4', 40, { status: 'void' }), invoice('in_4', 5));
    expect(await row('in_4')).toMatchObject({ status: 'void' });
  });

  it('settles against payments after the state: before its invoice, refund after paid, refund before payment', async () => {
    const { apply, row } = await freshOrg();
    // A payment link paid 4,000 before the invoice reached us.
    await apply(payment('pi_a', 'in_5', 15, { amountCents: 4_000 }));
    await apply(invoice('in_5', 10));
    expect(await row('in_5')).toMatchObject({ status: 'sent', amount_due_cents: 6_000 });
    // A later state of the source counts the payment itself.
    await apply(invoice('in_5', 20, { amountDueCents: 6_000 }));
    expect(await row('in_5')).toMatchObject({ status: 'sent', amount_due_cents: 6_000 });

    // Paid at the source, then 2,500 refunded.
    await apply(invoice('in_6', 10));
    await apply(payment('pi_b', 'in_6', 12));
    expect(await row('in_6')).toMatchObject({ status: 'paid', amount_due_cents: 0 });
    await apply(invoice('in_6', 13, { status: 'paid', amountDueCents: 0 }));
    await apply(payment('re_b', 'in_6', 30, { kind: 'refund', amountCents: 2_500 }));
    expect(await row('in_6')).toMatchObject({ status: 'sent', amount_due_cents: 2_500 });

    // The refund arrives before its payment: in order it reopens the invoice, so here too.
    await apply(invoice('in_7', 10));
    await apply(payment('re_c', 'in_7', 40, { kind: 'refund', amountCents: 10_000 }));
    await apply(payment('pi_c', 'in_7', 20));
    expect(await row('in_7')).toMatchObject({ status: 'sent', amount_due_cents: 10_000 });
  });

  it('the sync forgets the webhook state of an invoice it rewrites', async () => {
    const { apply, organizationId } = await freshOrg();
    await apply(invoice('in_8', 10));
    const versions = () =>
      gt.database
        .tenant(organizationId)
        .selectFrom('invoice_source_versions')
        .select('invoice_id')
        .execute();
    expect(await versions()).toHaveLength(1);
    // A state without a time is taken as it comes, as the sync's are, and forgets the stored one.
    await apply(invoice('in_8', 0, { updatedAt: undefined, amountDueCents: 1 }));
    expect(await versions()).toHaveLength(0);
  });

  it('two invoice webhooks in one transaction (a worker processing several at once)', async () => {
    const { organizationId, row } = await freshOrg();
    const scope = systemScope({ database: gt.database, clock, emit: () => {} }, organizationId);
    const context = {
      deps: {} as ModuleDeps,
      webhook: {
        id: '00000000-0000-4000-8000-0000000000aa',
        organizationId,
        eventType: null,
        payload: null,
        receivedAt: clock.now(),
        provider: 'stripe' as const,
        integrationAccountId: '00000000-0000-4000-8000-000000000000',
      },
    };
    await inTransaction(scope, async (tx) => {
      await applyInvoiceEffects(tx, [invoice('in_9', 10) as InvoiceEffect], context);
      await applyInvoiceEffects(
        tx,
        [invoice('in_9', 20, { status: 'paid', amountDueCents: 0 }) as InvoiceEffect],
        context,
      );
    });
    expect(await row('in_9')).toMatchObject({ status: 'paid', amount_due_cents: 0 });
  });

  it('orders states by time, life stage, amount due, then payload hash', () => {
    const s = (seconds: number, status: 'sent' | 'paid', due: number, hash = 'a') => ({
      updatedAt: at(seconds),
      status,
      amountDueCents: due,
      hash,
    });
    expect(compareSourceStates(s(2, 'sent', 9), s(1, 'paid', 0))).toBeGreaterThan(0);
    expect(compareSourceStates(s(1, 'paid', 0), s(1, 'sent', 0))).toBeGreaterThan(0);
    expect(compareSourceStates(s(1, 'sent', 5), s(1, 'sent', 9))).toBeGreaterThan(0);
    expect(compareSourceStates(s(1, 'sent', 5, 'b'), s(1, 'sent', 5, 'a'))).toBeGreaterThan(0);
    expect(compareSourceStates(s(1, 'sent', 5), s(1, 'sent', 5))).toBe(0);
  });
});
