/**
 * Manual payments: cash, a check, a bank transfer a person records against an invoice.
 * The external id is generated (`manual_<uuid>`), so each call records a new payment.
 */
import { randomUUID } from 'node:crypto';
import { requireInvoice } from '../invoices/index.js';
import type { Scope } from '../scope.js';
import { parseInput } from '../validation.js';
import { type RecordPaymentResult, recordPayment } from './record.js';
import { type ManualPayment, manualPaymentSchema } from './schema.js';

/**
 * Records a payment or refund a person entered, through `recordPayment` with its manual
 * policy: no over-payment (`PAYMENT_EXCEEDS_AMOUNT_DUE`), no refund beyond what was paid
 * (`REFUND_EXCEEDS_PAID`), only on invoices that take one (`INVOICE_NOT_PAYABLE`).
 * The currency defaults to the invoice's. The note and who recorded it are kept in
 * `raw_payload`.
 * @throws `INVOICE_NOT_FOUND`, `PAYMENT_CURRENCY_MISMATCH` and the above
 * @example await recordManualPayment(scope, invoiceId, { amount_cents: 2500, method: 'check', note: 'check #1042' })
 */
export async function recordManualPayment(
  scope: Scope,
  invoiceId: string,
  input: ManualPayment,
): Promise<RecordPaymentResult> {
  const body = parseInput(manualPaymentSchema, input, { what: 'payment' });
  const invoice = await requireInvoice(scope, invoiceId);
  const externalPaymentId = `manual_${randomUUID()}`;
  return recordPayment(
    scope,
    {
      externalPaymentId,
      externalInvoiceId: invoice.external_invoice_id,
      kind: body.kind,
      amountCents: body.amount_cents,
      currency: body.currency ?? invoice.currency ?? 'usd',
      status: 'succeeded',
      method: body.method,
      processedAt: body.processed_at ? new Date(body.processed_at) : scope.clock.now(),
      rawPayload: {
        source: 'manual',
        method: body.method,
        note: body.note ?? null,
        recorded_by: scope.actor.id,
      },
    },
    { manual: true },
  );
}
