/**
 * Order independence of the `payment` and `invoice` webhook handlers, on both databases: a
 * few hundred Stripe-shaped events (invoices finalized, sent, paid, voided; payment intents
 * failing then succeeding, their charges, refunds; link payments of open invoices; payments
 * whose invoice never arrives) are applied once each in order in one organization, and each
 * delivered 1–10 times in a random order in another. The payments and invoices of both
 * must be equal. A failure prints fast-check's seed (`REPLAY_SEED=…` replays it).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestGreenTrack, databaseKind, makeOrganization } from '../../test/harness.js';
import { applyWebhookEffects } from '../../test/webhook-effects.js';
import { fixedClock } from '../clock.js';
import type { GreenTrack } from '../greentrack.js';
import type { InvoiceStatus, SourceInvoice } from '../providers/invoices.js';
import type { PaymentInput } from '../providers/payments.js';
import type { WebhookEffect } from '../providers/webhooks.js';

const base = Date.UTC(2026, 4, 1);
/** Uniform draws in [0, 1) for the generators below. */
const draws = fc.infiniteStream(
  fc.noBias(fc.integer({ min: 0, max: 2 ** 31 - 1 })).map((n) => n / 2 ** 31),
);
const replaySeed = process.env.REPLAY_SEED ? { seed: Number(process.env.REPLAY_SEED) } : {};
const at = (seconds: number) => new Date(base + seconds * 1000);

/** The webhooks of one Stripe-like history, in the order Stripe sent them. */
function history(random: () => number, invoices: number): WebhookEffect[][] {
  const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  const webhooks: WebhookEffect[][] = [];
  for (let n = 0; n < invoices; n++) {
    const id = `in_${n}`;
    const total = int(10, 500) * 100;
    const t0 = n * 1_000;
    // Half are due before the test's today (2026-06-10): open ones become overdue.
    const dueDate = random() < 0.5 ? '2026-05-20' : '2026-07-20';
    const state = (seconds: number, status: InvoiceStatus, due: number, stage: string) => {
      const invoice: SourceInvoice = {
        externalInvoiceId: id,
        externalCustomerId: `cus_${n % 7}`,
        customerEmail: null,
        status,
        currency: 'usd',
        subtotalCents: total,
        taxCents: 0,
        totalCents: total,
        amountDueCents: due,
        dueDate,
        items: [
          {
            name: 'Work',
            description: null,
            quantity: '1',
            unitPriceCents: total,
            totalCents: total,
            position: 0,
          },
        ],
        raw: { id, object: 'invoice', stage, status, amount_remaining: due },
        updatedAt: at(seconds),
      };
      return [{ kind: 'invoice', invoice }] as WebhookEffect[];
    };
    const pay = (
      paymentId: string,
      processedSeconds: number,
      over: Partial<PaymentInput> = {},
    ): WebhookEffect => ({
      kind: 'payment',
      payment: {
        externalPaymentId: paymentId,
        externalInvoiceId: id,
        kind: 'payment',
        amountCents: total,
        currency: 'usd',
        status: 'succeeded',
        method: 'card',
        processedAt: at(processedSeconds),
        rawPayload: { id: paymentId, over },
        ...over,
      },
    });

    webhooks.push(state(t0, 'sent', total, 'invoice.finalized'));
    // invoice.sent in the same second: a tie the payload hash decides.
    if (random() < 0.5) webhooks.push(state(t0, 'sent', total, 'invoice.sent'));
    const fate = random();
    if (fate < 0.45) {
      // Paid through the invoice's own intent: maybe a failed attempt first; the intent,
      // its charge and invoice.paid in one second; maybe a partial refund later.
      const pi = `pi_${n}`;
      if (random() < 0.4) webhooks.push([pay(pi, t0 + 5, { status: 'failed' })]);
      webhooks.push([pay(pi, t0 + 5)]);
      webhooks.push([pay(pi, t0 + 5, { rawPayload: { id: `ch_${n}` } })]);
      webhooks.push(state(t0 + 20, 'paid', 0, 'invoice.paid'));
      if (random() < 0.5) {
        const refunded = int(1, total / 100) * 100;
        webhooks.push([
          pay(pi, t0 + 5, { rawPayload: { id: `ch_${n}`, refunded: true } }),
          pay(`re_${n}`, t0 + 40, { kind: 'refund', amountCents: refunded }),
        ]);
      }
    } else if (fate < 0.7) {
      // Open at Stripe, paid in part (or in full) through one of our payment links.
      webhooks.push([pay(`pi_link_${n}`, t0 + 30, { amountCents: int(1, total / 100) * 100 })]);
      if (random() < 0.3) webhooks.push(state(t0 + 10, 'sent', total, 'invoice.updated'));
    } else if (fate < 0.85) {
      webhooks.push(state(t0 + 30, 'void', total, 'invoice.voided'));
    } else {
      // A payment whose invoice never reaches the cache, and one for no invoice at all.
      webhooks.push([pay(`pi_orphan_${n}`, t0 + 30, { externalInvoiceId: `in_missing_${n}` })]);
    }
  }
  return webhooks;
}

describe(`webhook replay: any order, any repeats, same payments and invoices [${databaseKind}]`, () => {
  let gt: GreenTrack;
  let cleanup: () => Promise<void>;
  const clock = fixedClock('2026-06-10T12:00:00.000Z');

  beforeAll(async () => {
    ({ gt, cleanup } = await createTestGreenTrack({ clock }));
  });
  afterAll(() => cleanup());

  /** The rows compared: everything but ids, our write times and the payload kept verbatim. */
  async function finalState(organizationId: string) {
    const db = gt.database.tenant(organizationId);
    const payments = await db
      .selectFrom('payments')
      .select([
        'external_payment_id',
        'external_invoice_id',
        'amount_cents',
        'currency',
        'status',
        'method',
        'processed_at',
      ])
      .orderBy('external_payment_id')
      .execute();
    const invoices = await db
      .selectFrom('zeroinvoice_invoices_cache')
      .select([
        'external_invoice_id',
        'external_customer_id',
        'status',
        'total_cents',
        'amount_due_cents',
        'due_date',
        'snapshot',
      ])
      .orderBy('external_invoice_id')
      .execute();
    const items = await db
      .selectFrom('zeroinvoice_invoice_items_cache as it')
      .innerJoin('zeroinvoice_invoices_cache as i', 'i.id', 'it.invoice_id')
      .select(['i.external_invoice_id', 'it.name', 'it.quantity', 'it.total_cents'])
      .orderBy('i.external_invoice_id')
      .execute();
    return { payments, invoices, items };
  }

  it('a few hundred events, each delivered 1–10 times in random order, end as in order', async () => {
    // fast-check draws the randomness (history, repeats, order) and prints the seed of a
    // failing run; REPLAY_SEED=<seed> runs that one again.
    await fc.assert(
      fc.asyncProperty(draws, async (stream) => {
        const next = stream[Symbol.iterator]();
        const random = () => next.next().value as number;
        const webhooks = history(random, 60);
        const deliveries = webhooks.flatMap((w) =>
          Array.from({ length: 1 + Math.floor(random() * 10) }, () => w),
        );
        for (let i = deliveries.length - 1; i > 0; i--) {
          const j = Math.floor(random() * (i + 1));
          [deliveries[i], deliveries[j]] = [
            deliveries[j] as WebhookEffect[],
            deliveries[i] as WebhookEffect[],
          ];
        }

        const inOrder = (await makeOrganization(gt, 'In order')).organization.id;
        const shuffled = (await makeOrganization(gt, 'Shuffled')).organization.id;
        for (const effects of webhooks) await applyWebhookEffects(gt, inOrder, effects);
        const started = performance.now();
        for (const effects of deliveries) await applyWebhookEffects(gt, shuffled, effects);
        const elapsed = performance.now() - started;
        console.info(
          `[replay ${databaseKind}] ${webhooks.length} events, ${deliveries.length} deliveries in ${Math.round(elapsed)} ms (${(elapsed / deliveries.length) | 0 || '<1'} ms each)`,
        );

        const expected = await finalState(inOrder);
        const actual = await finalState(shuffled);
        // The history exercises what it claims to: paid, refunded, overdue, void, orphans.
        const statuses = new Set(expected.invoices.map((i) => i.status));
        expect(webhooks.length).toBeGreaterThan(150);
        expect(statuses.has('paid') && statuses.has('void')).toBe(true);
        expect(actual.payments).toEqual(expected.payments);
        expect(actual.invoices).toEqual(expected.invoices);
        expect(actual.items).toEqual(expected.items);
      }),
      { numRuns: 1, endOnFailure: true, ...replaySeed },
    );
  }, 600_000);
});
