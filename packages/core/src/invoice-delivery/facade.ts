/**
 * The invoice-delivery module's part of `gt.as(actor)`: `invoices.send`. Other methods
 * under `invoices` (list, get, sync, payment links) come from their own modules; the parts
 * are merged one level deep.
 */
import type { FacadeContext } from '../module.js';
import type { InvoiceSend, InvoiceSendResult } from './schema.js';
import { sendInvoice } from './service.js';

export const invoiceDeliveryPermissions = {
  /**
   * Sending an invoice to its customer by email or SMS. Staff: invoicing is day-to-day
   * work, and a send reaches only the invoice's own customer (no audience).
   */
  'invoice.send': 'staff',
} as const;
type InvoiceDeliveryAction = keyof typeof invoiceDeliveryPermissions;

export interface InvoiceDeliveryFacade {
  invoices: {
    /**
     * Sends the invoice to its customer on each channel of `via` (staff+): the built-in
     * invoice template of the channel, or the organization's (`templates.email` /
     * `templates.sms`), with the amount due, due date, items and payment link. A channel
     * the invoice already went out on answers `already_sent` (no second message) unless
     * `resend: true`. A `draft` invoice becomes `sent`; `sent_via` gains each channel once.
     * Marketing consent does not apply (an invoice is transactional); a hard bounce, a
     * complaint or an SMS STOP does.
     * @throws `NOT_FOUND`, `VALIDATION_FAILED`, `INVOICE_NOT_SENDABLE` (void),
     * `INVOICE_NO_RECIPIENT`, `INVOICE_RECIPIENT_UNREACHABLE`, `TEMPLATE_RENDER_FAILED`,
     * `INVOICE_SEND_FAILED`
     * @example await org.invoices.send(invoiceId, { via: ['email', 'sms'] })
     */
    send(invoiceId: string, input: InvoiceSend): Promise<InvoiceSendResult>;
  };
}

export function invoiceDeliveryFacade({
  on,
  deps,
}: FacadeContext<InvoiceDeliveryAction>): InvoiceDeliveryFacade {
  const sendDeps = {
    providers: deps.providers,
    render: deps.renderMessage,
    dispatch: deps.dispatch ?? {},
    paymentLinks: { connector: deps.payments, keyring: deps.keyring },
  };
  return {
    invoices: {
      send: on('invoice.send', (scope, invoiceId: string, input: InvoiceSend) =>
        sendInvoice(scope, sendDeps, invoiceId, input),
      ),
    },
  };
}
