/** The payment-links module's output: an invoice's payment link. */
import { z } from '@hono/zod-openapi';

export const paymentLinkOutSchema = z
  .strictObject({
    invoice_id: z.uuid(),
    /** The hosted payment page: what goes into the invoice message. */
    url: z.string().openapi({ example: 'https://buy.stripe.com/test_6oE5kE0Qa' }),
    provider: z.literal('stripe'),
    /** The provider's id of the link (`plink_…`). */
    provider_link_id: z.string(),
    /** What the link charges: the invoice's amount due when it was made. */
    amount_cents: z.number().int().positive(),
    currency: z.string().openapi({ example: 'usd' }),
    /** True when this call made the link; false when the stored one still matched. */
    created: z.boolean(),
  })
  .openapi('PaymentLink');

export type PaymentLinkOut = z.infer<typeof paymentLinkOutSchema>;
