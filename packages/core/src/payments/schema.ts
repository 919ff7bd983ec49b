/**
 * zod inputs and outputs of the payments module. Amounts are integer cents: a fraction,
 * a float artefact (`19.990000000000002`) or an amount past the `int` column is refused,
 * never rounded.
 */
import { z } from '@hono/zod-openapi';

/** Largest amount a payment may carry: `payments.amount_cents` is a Postgres `int`. */
const MAX_AMOUNT_CENTS = 2_147_483_647;

const amountCents = z.number().int().min(1).max(MAX_AMOUNT_CENTS);
const currency = z
  .string()
  .trim()
  .regex(/^[A-Za-z]{3}$/, 'must be an ISO 4217 code like usd')
  .transform((v) => v.toLowerCase());

/** `PaymentInput` (providers/payments.ts), checked at the boundary of `recordPayment`. */
export const paymentInputSchema = z.object({
  externalPaymentId: z.string().trim().min(1).max(255),
  externalInvoiceId: z.string().trim().min(1).max(255),
  kind: z.enum(['payment', 'refund']),
  amountCents,
  currency,
  status: z.enum(['succeeded', 'failed', 'pending']),
  method: z.string().trim().min(1).max(64).nullable(),
  processedAt: z.date().nullable(),
  rawPayload: z.unknown().refine((v) => v !== undefined, 'required'),
});

/** How a manual payment was made. */
const manualMethodSchema = z.enum(['cash', 'check', 'bank_transfer', 'card', 'other']);

/** A payment (or refund) recorded by a person, e.g. cash at the counter. */
export const manualPaymentSchema = z
  .object({
    amount_cents: amountCents.openapi({ description: 'Positive integer cents', example: 2500 }),
    kind: z.enum(['payment', 'refund']).default('payment'),
    method: manualMethodSchema.default('cash'),
    /** Must be the invoice's when given. */
    currency: currency.optional(),
    processed_at: z.iso.datetime({ offset: true }).optional().openapi({
      description: 'When the money changed hands (default: now)',
    }),
    note: z.string().trim().max(1000).optional(),
  })
  .strict()
  .openapi('ManualPayment');
export type ManualPayment = z.input<typeof manualPaymentSchema>;

export const paymentOutSchema = z
  .object({
    id: z.uuid(),
    organization_id: z.uuid(),
    external_payment_id: z.string(),
    external_invoice_id: z.string(),
    kind: z.enum(['payment', 'refund']),
    amount_cents: z.number().int().openapi({ description: 'Signed: a refund is negative' }),
    currency: z.string().nullable(),
    status: z.enum(['succeeded', 'failed', 'pending']),
    method: z.string().nullable(),
    processed_at: z.string().nullable().openapi({ format: 'date-time' }),
    created_at: z.string().openapi({ format: 'date-time' }),
  })
  .openapi('Payment');

export const paymentPageSchema = z
  .object({ items: z.array(paymentOutSchema), nextCursor: z.string().nullable() })
  .openapi('PaymentPage');

/** What recording a payment did. */
export const recordPaymentOutSchema = z
  .object({
    payment: paymentOutSchema,
    /** `duplicate`: this payment was already recorded; nothing changed. */
    outcome: z.enum(['recorded', 'updated', 'duplicate']),
    /** The invoice's amount due and status changed. */
    applied: z.boolean(),
    /** The invoice's amount due after the payment (null when the invoice is not cached). */
    amount_due_cents: z.number().int().nullable(),
    invoice_status: z.enum(['draft', 'sent', 'paid', 'overdue', 'void']).nullable(),
    /** Paid beyond the amount due (provider payments only; kept, not refunded). */
    overpaid_cents: z.number().int(),
  })
  .openapi('RecordedPayment');

/** Filters and page of the payment list. */
export const paymentListQuerySchema = z.object({
  invoice_id: z.uuid().optional().openapi({ description: 'Payments of this invoice (our id)' }),
  status: z.enum(['succeeded', 'failed', 'pending']).optional(),
  kind: z.enum(['payment', 'refund']).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(1000).optional(),
});
export type PaymentListQuery = z.input<typeof paymentListQuerySchema>;
