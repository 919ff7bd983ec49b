/**
 * ZeroInvoice's invoice → core's `SourceInvoice`: amounts to integer cents, the status onto
 * the seed's enum, line items parsed. One function per concern, so each is tested alone.
 */
import type { InvoiceStatus, SourceInvoice, SourceInvoiceItem } from '@greentrack/core';
import { multiplyCents, toCents } from './cents.js';
import { responseInvalid } from './errors.js';
import { type WireInvoice, wireLineItemSchema } from './wire.js';

/**
 * ZeroInvoice's status → the seed's. The data model lists `draft | sent | paid | overdue`;
 * values seen beyond it are folded in, and the raw value stays in the snapshot.
 */
const STATUS: Readonly<Record<string, InvoiceStatus>> = {
  draft: 'draft',
  sent: 'sent',
  open: 'sent',
  partial: 'sent',
  partially_paid: 'sent',
  viewed: 'sent',
  paid: 'paid',
  overdue: 'overdue',
  void: 'void',
  voided: 'void',
  cancelled: 'void',
  canceled: 'void',
};

/**
 * The seed's status for ZeroInvoice's. An unknown value maps to `draft`: nothing (reminders,
 * "owes" segments) acts on an invoice whose state we cannot read.
 */
export function mapStatus(status: string): InvoiceStatus {
  return STATUS[status.trim().toLowerCase()] ?? 'draft';
}

/** `YYYY-MM-DD` of an ISO date or date-time, or null. */
function isoDate(value: string | null | undefined): string | null {
  if (!value) return null;
  const match = /^(\d{4}-\d{2}-\d{2})(?:$|[T ])/.exec(value.trim());
  return match?.[1] ?? null;
}

/** Hundredths as the `numeric(12,2)` text Postgres prints (`250` → `'2.50'`). */
function hundredthsText(hundredths: number): string {
  const sign = hundredths < 0 ? '-' : '';
  const abs = Math.abs(hundredths);
  return `${sign}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

function parseItems(invoice: WireInvoice): SourceInvoiceItem[] {
  let list: unknown = invoice.line_items ?? [];
  if (typeof list === 'string') {
    // The data model stores line items as a JSON string.
    try {
      list = list.trim() === '' ? [] : JSON.parse(list);
    } catch (error) {
      throw responseInvalid('invoice list', `${invoice.id}.line_items`, error);
    }
  }
  if (!Array.isArray(list)) throw responseInvalid('invoice list', `${invoice.id}.line_items`);
  return list.map((entry, position) => {
    const item = wireLineItemSchema.safeParse(entry);
    if (!item.success)
      throw responseInvalid('invoice list', `${invoice.id}.line_items.${position}`);
    const { name, description, quantity, unit_price, amount } = item.data;
    const quantityText = hundredthsText(toCents(quantity ?? 1));
    const unitPriceCents = toCents(unit_price);
    return {
      // The data model's items may have only a description: it becomes the (required) name.
      name: name ?? description ?? '',
      description: name ? (description ?? null) : null,
      quantity: quantityText,
      unitPriceCents,
      totalCents:
        amount === null || amount === undefined
          ? multiplyCents(quantityText, unitPriceCents)
          : toCents(amount),
      position,
    };
  });
}

/**
 * One ZeroInvoice invoice in the cache's terms.
 * @param emails client id → email, from the client list.
 */
export function toSourceInvoice(
  invoice: WireInvoice,
  emails: ReadonlyMap<string, string>,
): SourceInvoice {
  const status = mapStatus(invoice.status);
  const totalCents = toCents(invoice.amount);
  const taxCents = invoice.tax === null || invoice.tax === undefined ? 0 : toCents(invoice.tax);
  const subtotalCents =
    invoice.subtotal === null || invoice.subtotal === undefined
      ? totalCents - taxCents
      : toCents(invoice.subtotal);
  const amountDueCents =
    invoice.amount_due === null || invoice.amount_due === undefined
      ? status === 'paid' || status === 'void'
        ? 0
        : totalCents
      : toCents(invoice.amount_due);
  return {
    externalInvoiceId: invoice.id,
    externalCustomerId: invoice.client_id,
    customerEmail: invoice.client_id === null ? null : (emails.get(invoice.client_id) ?? null),
    status,
    currency: (invoice.currency ?? 'usd').trim().toLowerCase(),
    subtotalCents,
    taxCents,
    totalCents,
    amountDueCents,
    dueDate: isoDate(invoice.due_date),
    items: parseItems(invoice),
    raw: invoice,
  };
}
