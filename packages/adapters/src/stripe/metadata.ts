/**
 * The metadata keys GreenTrack puts on every Stripe object it makes for an invoice (the
 * Payment Link, the Checkout Sessions Stripe copies it to, and the PaymentIntent through
 * `payment_intent_data`). They are how a payment that arrives later — by webhook or by a
 * poll — finds its way back to our invoice; the mappers read them and nothing else.
 */
export const StripeMetadataKey = {
  /** Our `zeroinvoice_invoices_cache.id`. */
  invoiceId: 'greentrack_invoice_id',
  /** The organization the invoice belongs to. */
  organizationId: 'greentrack_organization_id',
  /** `zeroinvoice_invoices_cache.external_invoice_id`: what `PaymentInput.externalInvoiceId` holds. */
  externalInvoiceId: 'greentrack_external_invoice_id',
} as const;

/** Stripe's `metadata`: string values only. */
export type StripeMetadata = Readonly<Record<string, string>>;

/** Our external invoice id in one of `sources`' metadata, the first that has one. */
export function externalInvoiceIdOf(
  ...sources: ReadonlyArray<StripeMetadata | null | undefined>
): string | null {
  for (const metadata of sources) {
    const value = metadata?.[StripeMetadataKey.externalInvoiceId];
    if (typeof value === 'string' && value !== '') return value;
  }
  return null;
}
