/**
 * Recording a payment and applying it to its invoice, in one transaction.
 *
 * Every source goes through `recordPayment`: a manual payment, a Stripe PaymentIntent or
 * refund mapped by the Stripe adapter, a ZeroInvoice payment. The invoice row is locked
 * first (`FOR UPDATE`), so payments of one invoice apply one after another and none is lost;
 * then the payment row is inserted once per `(organization_id, external_payment_id)`.
 */
import { sql } from 'kysely';
import { recordAudit } from '../audit/index.js';
import { writeConversionEvents } from '../conversion-events/index.js';
import { toJson } from '../db/values.js';
import { GreenTrackError } from '../errors.js';
import { organizationToday, statusAfterPayment } from '../invoices/index.js';
import type { PaymentInput } from '../providers/payments.js';
import { inTransaction, type Scope } from '../scope.js';
import { parseInput } from '../validation.js';
import { PaymentErrorCode } from './error-codes.js';
import { paymentInputSchema } from './schema.js';
import { type Payment, paymentColumns, toPayment } from './service.js';

/** What `recordPayment` did. */
export interface RecordPaymentResult {
  payment: Payment;
  /**
   * `recorded`: a new payment. `updated`: a pending or failed payment the source now
   * reports with another status (a PaymentIntent that succeeded). `duplicate`: already
   * recorded as it is; nothing changed, nothing was emitted.
   */
  outcome: 'recorded' | 'updated' | 'duplicate';
  /** The invoice's amount due and status changed. */
  applied: boolean;
  /** The invoice's amount due afterwards; null when the invoice is not in the cache. */
  amount_due_cents: number | null;
  invoice_status: 'draft' | 'sent' | 'paid' | 'overdue' | 'void' | null;
  /** Paid beyond the amount due by this payment (kept as paid; the invoice's due is 0). */
  overpaid_cents: number;
}

/** Stricter checks for payments a person enters (see `recordManualPayment`). */
export interface RecordPolicy {
  /** Refuse what a person most likely mistyped: over-payment, over-refund, draft/void. */
  manual?: boolean;
}

interface LockedInvoice {
  id: string;
  external_invoice_id: string;
  customer_id: string | null;
  status: 'draft' | 'sent' | 'paid' | 'overdue' | 'void' | null;
  currency: string | null;
  total_cents: number | null;
  amount_due_cents: number | null;
  due_date: string | null;
}

const fail = (code: PaymentErrorCode, message: string, details?: Record<string, unknown>) =>
  new GreenTrackError({ code, message, ...(details ? { details } : {}) });

/**
 * Records one payment or refund (`PaymentInput`, positive integer cents whatever the kind)
 * and, when it succeeded, applies it to the invoice in the same transaction:
 *
 * - a payment lowers `amount_due_cents` (not below 0: an over-payment is kept and reported
 *   in `overpaid_cents`); at 0 the invoice becomes `paid` and emits `invoice.paid`;
 * - a refund raises it again (not above the total, and not for the part that was
 *   over-paid); a paid invoice goes back to `sent`, or `overdue` if past due;
 * - pending and failed payments are stored and change nothing on the invoice;
 * - a payment whose invoice is not cached yet is stored and applied by no one: the sync
 *   brings the source's amount due, which already counts it.
 *
 * The same `externalPaymentId` again is a no-op (`outcome: 'duplicate'`), except a pending
 * or failed payment reported with a new status, which is updated (and applied if it
 * succeeded). A succeeded payment stays succeeded: a late "failed" is stale.
 *
 * @throws `VALIDATION_FAILED` (not integer cents, …), `PAYMENT_CURRENCY_MISMATCH`
 */
export async function recordPayment(
  scope: Scope,
  input: PaymentInput,
  policy: RecordPolicy = {},
): Promise<RecordPaymentResult> {
  const p = parseInput(paymentInputSchema, input, { what: 'payment' });
  const signed = p.kind === 'refund' ? -p.amountCents : p.amountCents;
  return inTransaction(scope, async (tx) => {
    // The lock comes first: a second payment of the invoice waits here until this commits.
    const invoice: LockedInvoice | undefined = await tx.db
      .selectFrom('zeroinvoice_invoices_cache')
      .select([
        'id',
        'external_invoice_id',
        'customer_id',
        'status',
        'currency',
        'total_cents',
        'amount_due_cents',
        'due_date',
      ])
      .where('organization_id', '=', tx.organizationId)
      .where('external_invoice_id', '=', p.externalInvoiceId)
      .forUpdate()
      .executeTakeFirst();
    if (invoice?.currency && invoice.currency.toLowerCase() !== p.currency) {
      throw fail(
        PaymentErrorCode.PAYMENT_CURRENCY_MISMATCH,
        `Payment in ${p.currency}, invoice in ${invoice.currency.toLowerCase()}`,
        { issues: [{ path: 'currency', message: `must be ${invoice.currency.toLowerCase()}` }] },
      );
    }
    if (policy.manual && invoice) checkManual(invoice, p.kind, p.amountCents);

    const values = {
      amount_cents: signed,
      currency: p.currency,
      status: p.status,
      method: p.method,
      processed_at: p.processedAt,
      raw_payload: toJson(p.rawPayload as Record<string, unknown>),
    };
    const inserted = await tx.db
      .insertInto('payments')
      .values({
        ...values,
        organization_id: tx.organizationId,
        external_payment_id: p.externalPaymentId,
        external_invoice_id: p.externalInvoiceId,
        created_at: tx.clock.now(),
      })
      .onConflict((oc) => oc.columns(['organization_id', 'external_payment_id']).doNothing())
      .returning(paymentColumns)
      .executeTakeFirst();

    let row = inserted;
    let outcome: RecordPaymentResult['outcome'] = 'recorded';
    if (!row) {
      const existing = await tx.db
        .selectFrom('payments')
        .select(paymentColumns)
        .where('organization_id', '=', tx.organizationId)
        .where('external_payment_id', '=', p.externalPaymentId)
        .forUpdate()
        .executeTakeFirstOrThrow();
      // Same payment (same invoice, same direction) reported with a new, non-final status.
      const advances =
        existing.status !== 'succeeded' &&
        existing.status !== p.status &&
        existing.external_invoice_id === p.externalInvoiceId &&
        Math.sign(existing.amount_cents) === Math.sign(signed);
      if (!advances) {
        return {
          payment: toPayment(existing),
          outcome: 'duplicate',
          applied: false,
          amount_due_cents: invoice?.amount_due_cents ?? null,
          invoice_status: invoice?.status ?? null,
          overpaid_cents: 0,
        };
      }
      row = await tx.db
        .updateTable('payments')
        .set(values)
        .where('id', '=', existing.id)
        .returning(paymentColumns)
        .executeTakeFirstOrThrow();
      outcome = 'updated';
    }
    const payment = toPayment(row);
    await recordAudit(tx, {
      action: outcome === 'recorded' ? 'payment.record' : 'payment.update',
      entity: 'payment',
      entityId: payment.id,
      after: payment,
    });

    const applied =
      payment.status === 'succeeded' && invoice
        ? await applyToInvoice(tx, invoice, payment)
        : undefined;
    // Its conversion (and the invoice's, if this paid it) in this transaction; an invoice not
    // cached or not linked yet gets them when it is (the sync's merge, the relink pass).
    if (payment.status === 'succeeded' && invoice?.customer_id)
      await writeConversionEvents(tx, [invoice.external_invoice_id]);
    if (payment.status === 'succeeded') {
      const common = {
        organizationId: tx.organizationId,
        paymentId: payment.id,
        externalPaymentId: payment.external_payment_id,
        externalInvoiceId: payment.external_invoice_id,
        invoiceId: invoice?.id ?? null,
        customerId: invoice?.customer_id ?? null,
        amountCents: Math.abs(payment.amount_cents),
        currency: p.currency,
        actor: tx.actor,
      };
      if (payment.kind === 'payment')
        tx.emit('payment.succeeded', {
          ...common,
          method: payment.method,
          processedAt: payment.processed_at,
        });
      else tx.emit('payment.refunded', common);
    }
    return {
      payment,
      outcome,
      applied: applied !== undefined,
      amount_due_cents: applied?.amountDue ?? invoice?.amount_due_cents ?? null,
      invoice_status: applied?.status ?? invoice?.status ?? null,
      overpaid_cents: applied?.overpaid ?? 0,
    };
  });
}

/** A person's payment is refused where a provider's would be recorded as it came. */
function checkManual(invoice: LockedInvoice, kind: 'payment' | 'refund', amount: number): void {
  const due = invoice.amount_due_cents ?? 0;
  const takes = kind === 'payment' ? ['sent', 'overdue'] : ['sent', 'overdue', 'paid'];
  if (!invoice.status || !takes.includes(invoice.status)) {
    throw fail(
      PaymentErrorCode.INVOICE_NOT_PAYABLE,
      `A ${invoice.status ?? 'status-less'} invoice takes no manual ${kind}`,
    );
  }
  if (kind === 'payment' && amount > due) {
    throw fail(
      PaymentErrorCode.PAYMENT_EXCEEDS_AMOUNT_DUE,
      `Payment of ${amount} cents exceeds the ${due} cents due`,
      { amountDueCents: due },
    );
  }
  const paid = (invoice.total_cents ?? due) - due;
  if (kind === 'refund' && amount > paid) {
    throw fail(
      PaymentErrorCode.REFUND_EXCEEDS_PAID,
      `Refund of ${amount} cents exceeds the ${paid} cents paid`,
      { paidCents: paid },
    );
  }
}

/**
 * Applies a succeeded payment to its locked invoice: new amount due and status, audited;
 * `invoice.paid` or `invoice.overdue` when the status becomes one. Invoices that take no
 * payments (draft, void) are left as the source has them.
 */
async function applyToInvoice(
  tx: Scope,
  invoice: LockedInvoice,
  payment: Payment,
): Promise<{ amountDue: number; status: LockedInvoice['status']; overpaid: number } | undefined> {
  if (invoice.status !== 'sent' && invoice.status !== 'overdue' && invoice.status !== 'paid')
    return undefined;
  const due = invoice.amount_due_cents ?? 0;
  const total = invoice.total_cents ?? Number.POSITIVE_INFINITY;
  let amountDue: number;
  let overpaid = 0;
  if (payment.amount_cents > 0) {
    amountDue = Math.max(0, due - payment.amount_cents);
    overpaid = Math.max(0, payment.amount_cents - due);
  } else {
    // Money we recorded beyond the total was never due: refunding it owes nothing again.
    const { net } = await tx.db
      .selectFrom('payments')
      .select(sql<string>`coalesce(sum(amount_cents), 0)::text`.as('net'))
      .where('organization_id', '=', tx.organizationId)
      .where('external_invoice_id', '=', invoice.external_invoice_id)
      .where('status', '=', 'succeeded')
      .where('id', '!=', payment.id)
      .executeTakeFirstOrThrow();
    const overpaidBefore = Math.max(0, Number(net) - (invoice.total_cents ?? Number(net)));
    const raise = Math.max(0, -payment.amount_cents - overpaidBefore);
    amountDue = Math.min(total, due + raise);
  }
  const today = await organizationToday(tx);
  const status = statusAfterPayment({ ...invoice, amount_due_cents: amountDue }, today);
  await tx.db
    .updateTable('zeroinvoice_invoices_cache')
    .set({ amount_due_cents: amountDue, status, updated_at: tx.clock.now() })
    .where('id', '=', invoice.id)
    .execute();
  await recordAudit(tx, {
    action: 'invoice.payment',
    entity: 'invoice',
    entityId: invoice.id,
    before: { amount_due_cents: due, status: invoice.status },
    after: { amount_due_cents: amountDue, status, payment_id: payment.id },
  });
  if (status === 'paid' && invoice.status !== 'paid') {
    tx.emit('invoice.paid', {
      organizationId: tx.organizationId,
      invoiceId: invoice.id,
      externalInvoiceId: invoice.external_invoice_id,
      customerId: invoice.customer_id,
      totalCents: invoice.total_cents ?? 0,
      currency: invoice.currency ?? 'usd',
      paymentId: payment.id,
      actor: tx.actor,
    });
  }
  if (status === 'overdue' && invoice.status !== 'overdue' && invoice.due_date) {
    tx.emit('invoice.overdue', {
      organizationId: tx.organizationId,
      invoiceId: invoice.id,
      externalInvoiceId: invoice.external_invoice_id,
      customerId: invoice.customer_id,
      amountDueCents: amountDue,
      currency: invoice.currency ?? 'usd',
      dueDate: invoice.due_date,
      actor: tx.actor,
    });
  }
  return { amountDue, status, overpaid };
}
