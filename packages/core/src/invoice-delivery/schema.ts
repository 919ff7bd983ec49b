/**
 * Input and output of `invoices.send` (zod; the HTTP route and the OpenAPI document use the
 * same schemas).
 */
import { z } from '@hono/zod-openapi';

const channel = z.enum(['email', 'sms']);

export const invoiceSendSchema = z
  .object({
    /** The channels to send on, each once. */
    via: z
      .array(channel)
      .min(1)
      .max(2)
      .refine((v) => new Set(v).size === v.length, { message: 'each channel once' }),
    /**
     * The organization's own template per channel (a template of that channel); a channel
     * without one uses the built-in invoice template.
     */
    templates: z
      .object({ email: z.uuid().optional(), sms: z.uuid().optional() })
      .strict()
      .optional(),
    /**
     * Send again on a channel the invoice already went out on. Without it a repeated send
     * answers with the message already sent (`already_sent`), so a retried request never
     * sends twice. @default false
     */
    resend: z.boolean().optional(),
  })
  .strict()
  .openapi('InvoiceSend');
export type InvoiceSend = z.input<typeof invoiceSendSchema>;

const invoiceDeliverySchema = z
  .object({
    channel,
    /**
     * `sent`: accepted by the provider now; `already_sent`: an earlier message of this
     * invoice on this channel was sent (or its outcome is unknown) and `resend` was not
     * asked; `failed`: the provider refused or failed (`failure`); `unknown`: the call was
     * interrupted and may have reached the provider (the message stays `queued`, and a
     * repeated send answers `already_sent`).
     */
    outcome: z.enum(['sent', 'already_sent', 'failed', 'unknown']),
    message_id: z.uuid(),
    to: z.string(),
    provider: z.string().nullable(),
    provider_message_id: z.string().nullable(),
    failure: z.object({ kind: z.string(), code: z.string(), message: z.string() }).nullable(),
  })
  .openapi('InvoiceDelivery');
export type InvoiceDelivery = z.output<typeof invoiceDeliverySchema>;

export const invoiceSendResultSchema = z
  .object({
    invoice_id: z.uuid(),
    /** The invoice's status after the send (a draft becomes `sent`). */
    status: z.string().nullable(),
    /** Every channel the invoice has gone out on, in order of first send. */
    sent_via: z.array(z.string()),
    deliveries: z.array(invoiceDeliverySchema),
  })
  .openapi('InvoiceSendResult');
export type InvoiceSendResult = z.output<typeof invoiceSendResultSchema>;
