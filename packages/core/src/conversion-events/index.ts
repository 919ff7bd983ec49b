/**
 * Conversion events: the `payment_received`, `payment_refunded` and `invoice_paid` events
 * that payments, refunds and paid invoices write in the transaction that records them
 * (issue 14 item 1). Attribution, the holdout comparison and GA forwarding read them through
 * the attribution module's `conversionsSql`; this folder only writes them.
 */
export { writeConversionEvents } from './write.js';
