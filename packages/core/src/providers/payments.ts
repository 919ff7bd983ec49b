/**
 * Payment shapes shared by core's `payments` module and the payment adapters.
 *
 * `PaymentInput` is what every payment source hands core: a manual payment recorded through
 * the API, a ZeroInvoice payment, or a Stripe PaymentIntent / Charge / Refund mapped by
 * `@greentrack/adapters/stripe`. Core writes it to `payments` (unique per organization and
 * `externalPaymentId`, so a repeated delivery changes nothing) and applies it to the
 * invoice's `amount_due_cents` / `status` in the same transaction.
 *
 * A `PaymentLinkProvider` makes a hosted payment page for an invoice (Stripe Payment
 * Links); like invoice sources it is connected per organization from an integration
 * account's credentials.
 */
import type { Credentials } from '../secrets/index.js';

/** The seed's payment statuses (`payments.status`). */
export type PaymentStatus = 'succeeded' | 'failed' | 'pending';

/** One payment or refund, in integer cents. */
export interface PaymentInput {
  /** The source's id (`pi_…`, `re_…`, a ZeroInvoice payment id, or generated for manual ones). */
  externalPaymentId: string;
  /** The invoice it pays (`zeroinvoice_invoices_cache.external_invoice_id`). */
  externalInvoiceId: string;
  /** A refund gives money back: it raises the invoice's amount due again. */
  kind: 'payment' | 'refund';
  /** Positive integer cents, whatever the kind. */
  amountCents: number;
  /** ISO 4217, lower case. */
  currency: string;
  status: PaymentStatus;
  /** `card`, `ach`, `cash`, `check`, … */
  method: string | null;
  processedAt: Date | null;
  /** The source's object, stored verbatim as `raw_payload`. */
  rawPayload: unknown;
}

/** What a payment link is made for. */
export interface PaymentLinkRequest {
  organizationId: string;
  /** Our `zeroinvoice_invoices_cache.id`: put in the link's metadata so the payment maps back. */
  invoiceId: string;
  externalInvoiceId: string;
  amountCents: number;
  currency: string;
  /** Shown on the payment page, e.g. `Invoice INV-0042`. */
  description: string;
  /** Same key → same link, so a retried call does not make a second one. */
  idempotencyKey: string;
}

/** A hosted payment page. */
export interface PaymentLink {
  /** The provider's id (`plink_…`). */
  id: string;
  /** What goes into `stripe_payment_link` and the invoice message. */
  url: string;
}

/** Makes payment links for one connected account. */
export interface PaymentLinkProvider {
  createPaymentLink(
    request: PaymentLinkRequest,
    options?: { signal?: AbortSignal },
  ): Promise<PaymentLink>;
}

/** Connects an organization's payments account; configured once by the host. */
export interface PaymentLinkConnector {
  /** The `integration_accounts.provider` whose accounts it connects. */
  readonly provider: 'stripe';
  connect(credentials: Credentials): PaymentLinkProvider;
}
