/**
 * The webhook events ZeroInvoice (or a host forwarding ZeroInvoice's changes) may post, and
 * their effects. ZeroInvoice documents no webhook payloads publicly, so these are the shapes
 * we accept (listed in the adapters README): a Standard Webhooks body
 *
 *     { "type": "invoice.updated", "timestamp": "2026-06-10T12:00:00Z", "data": <invoice> }
 *     { "type": "payment.created", "timestamp": "…", "data": <payment> }
 *
 * where `<invoice>` is the same JSON `GET /api/invoices/{id}` returns (read by `wire.ts` and
 * `map.ts`, as the sync reads it), plus an optional `client_email`, and `<payment>` is the
 * data model's Payment (`id`, `invoice_id`, `amount`, …). Unknown types give no effect.
 */
import type { InvoiceStatus, PaymentInput, PaymentStatus, WebhookEffect } from '@greentrack/core';
import { z } from 'zod';
import { toCents } from './cents.js';
import { toSourceInvoice } from './map.js';
import { wireInvoiceSchema } from './wire.js';

/** Invoice event types: each carries the invoice's whole current state. */
export const ZEROINVOICE_INVOICE_EVENTS: ReadonlySet<string> = new Set([
  'invoice.created',
  'invoice.updated',
  'invoice.sent',
  'invoice.paid',
  'invoice.overdue',
  'invoice.voided',
]);

/** Payment event types: each carries one payment (a refund is `kind: 'refund'` or a negative amount). */
export const ZEROINVOICE_PAYMENT_EVENTS: ReadonlySet<string> = new Set([
  'payment.created',
  'payment.updated',
  'payment.refunded',
]);

const amount = z.union([z.number(), z.string()]);

/** The envelope: what every event has. */
const zeroInvoiceEventSchema = z.looseObject({
  type: z.string().min(1),
  /** When the change happened at ZeroInvoice (ISO 8601). */
  timestamp: z.iso.datetime({ offset: true }).nullish(),
  data: z.unknown(),
});
/** A ZeroInvoice webhook body as accepted: `{ type, timestamp?, data }`. */
export type ZeroInvoiceEvent = z.infer<typeof zeroInvoiceEventSchema>;

/** A ZeroInvoice Payment as its data model names the fields; unknown fields are kept. */
const wirePaymentSchema = z.looseObject({
  id: z.union([z.string(), z.number()]).transform(String),
  invoice_id: z.union([z.string(), z.number()]).transform(String),
  amount,
  currency: z.string().nullish(),
  /** `card`, `ach`, `cash`, `check`, … */
  method: z.string().nullish(),
  /** `completed`/`succeeded`/`paid`, `pending`, `failed`; absent means it happened. */
  status: z.string().nullish(),
  kind: z.enum(['payment', 'refund']).nullish(),
  paid_at: z.string().nullish(),
  created_at: z.string().nullish(),
});
/** A ZeroInvoice Payment as a `payment.*` event carries it (ids as strings). */
export type WirePayment = z.infer<typeof wirePaymentSchema>;

/** The client's email an invoice event may carry besides the REST invoice's fields. */
const invoiceClientEmailSchema = z.looseObject({ client_email: z.string().nullish() });

const PAYMENT_STATUS: Readonly<Record<string, PaymentStatus>> = {
  completed: 'succeeded',
  succeeded: 'succeeded',
  paid: 'succeeded',
  pending: 'pending',
  processing: 'pending',
  failed: 'failed',
  canceled: 'failed',
  cancelled: 'failed',
};

function dateOf(value: string | null | undefined): Date | null {
  if (!value) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** One ZeroInvoice payment (or refund) as a `PaymentInput`. */
export function paymentFromZeroInvoice(payment: WirePayment, type: string): PaymentInput {
  const cents = toCents(payment.amount);
  const refund = payment.kind === 'refund' || type === 'payment.refunded' || cents < 0;
  return {
    externalPaymentId: `zeroinvoice_${payment.id}`,
    externalInvoiceId: payment.invoice_id,
    kind: refund ? 'refund' : 'payment',
    amountCents: Math.abs(cents),
    currency: (payment.currency ?? 'usd').trim().toLowerCase(),
    status: PAYMENT_STATUS[(payment.status ?? 'completed').trim().toLowerCase()] ?? 'pending',
    method: payment.method ?? null,
    processedAt: dateOf(payment.paid_at) ?? dateOf(payment.created_at),
    rawPayload: payment,
  };
}

/**
 * The effects of one stored ZeroInvoice event. An invoice's `updatedAt` is its own
 * `updated_at`, else the event's `timestamp`: what orders two states of one invoice.
 * @throws a zod error or `ZEROINVOICE_AMOUNT_INVALID` when the payload is not one of the
 * shapes above (the stored row becomes `failed`, readable and reprocessable).
 */
export function zeroInvoiceEffects(payload: unknown): WebhookEffect[] {
  const event = zeroInvoiceEventSchema.parse(payload);
  if (ZEROINVOICE_INVOICE_EVENTS.has(event.type)) {
    const data = wireInvoiceSchema.parse(event.data);
    const clientEmail = invoiceClientEmailSchema.parse(event.data).client_email;
    const emails = new Map<string, string>();
    if (data.client_id !== null && clientEmail) emails.set(data.client_id, clientEmail);
    const updatedAt = dateOf(data.updated_at) ?? dateOf(event.timestamp);
    const invoice = toSourceInvoice(data, emails);
    // A voided event is void whatever status text the payload still carries.
    const status: InvoiceStatus = event.type === 'invoice.voided' ? 'void' : invoice.status;
    return [
      {
        kind: 'invoice',
        invoice: { ...invoice, status, ...(updatedAt ? { updatedAt } : {}) },
      },
    ];
  }
  if (ZEROINVOICE_PAYMENT_EVENTS.has(event.type)) {
    const payment = wirePaymentSchema.parse(event.data);
    return [{ kind: 'payment', payment: paymentFromZeroInvoice(payment, event.type) }];
  }
  return [];
}
