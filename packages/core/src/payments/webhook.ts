/**
 * The payments module's webhook handler: `payment` effects (Stripe, ZeroInvoice) are
 * recorded by `recordPayment` (once per external id; a pending or failed payment moves to
 * its new status; refunds raise the amount due again), then the invoices they name are
 * settled from their source's state and the payments after it (`settle.ts`), so the result
 * does not depend on the order the provider's events arrived in.
 */
import type { WebhookHandler } from '../module.js';
import { recordPayment } from './record.js';
import { lockInvoiceKeys, settleInvoices } from './settle.js';

/** Applies one stored webhook's payments, in its processing transaction. */
export const applyPaymentEffects: WebhookHandler<'payment'> = async (tx, effects) => {
  const invoiceIds = effects.map((effect) => effect.payment.externalInvoiceId);
  await lockInvoiceKeys(tx, invoiceIds);
  for (const { payment } of effects) await recordPayment(tx, payment);
  await settleInvoices(tx, invoiceIds);
  return undefined;
};
