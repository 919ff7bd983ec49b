/**
 * `@greentrack/adapters/zeroinvoice`: the ZeroInvoice REST API (no SDK exists) as core's
 * `InvoiceSourceConnector`, plus the client it is built on, and ZeroInvoice's Standard
 * Webhooks as a `WebhookSource` (`zeroinvoiceWebhooks`).
 * @packageDocumentation
 */
export { MAX_CENTS, toCents } from './cents.js';
export {
  createZeroInvoiceClient,
  type InvoiceListOptions,
  type PageOptions,
  type ZeroInvoiceClient,
  type ZeroInvoiceClientOptions,
  type ZeroInvoiceCredentials,
} from './client.js';
export { ZeroInvoiceErrorCode } from './error-codes.js';
export {
  paymentFromZeroInvoice,
  type WirePayment,
  ZEROINVOICE_INVOICE_EVENTS,
  ZEROINVOICE_PAYMENT_EVENTS,
  type ZeroInvoiceEvent,
  zeroInvoiceEffects,
} from './events.js';
export { mapStatus, toSourceInvoice } from './map.js';
export { type ZeroInvoiceOptions, zeroInvoice } from './source.js';
export { type ZeroInvoiceWebhooksOptions, zeroinvoiceWebhooks } from './webhooks.js';
export type { InvoiceCreate, WireClient, WireInvoice, WireLineItem } from './wire.js';
