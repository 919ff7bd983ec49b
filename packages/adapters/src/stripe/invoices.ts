/**
 * Stripe Invoicing invoices in the invoice cache's terms (`SourceInvoice`), for an
 * organization that bills through Stripe rather than ZeroInvoice. The mapping only: core's
 * `InvoiceSourceConnector` is ZeroInvoice's today (its `provider` is `'zeroinvoice'`), so a
 * Stripe sync would list invoices with the SDK (`stripe.invoices.list`, auto-paginated)
 * and hand each through this function.
 */
import type { InvoiceStatus, SourceInvoice, SourceInvoiceItem } from '@greentrack/core';
import type Stripe from 'stripe';

/**
 * Stripe's invoice statuses in the seed's enum. `open` is `sent`: core derives `overdue`
 * from the due date and amount due. `uncollectible` is written off by the merchant but can
 * still be paid on Stripe, so it stays owed: `overdue`. Stripe's own value stays in `raw`.
 */
const STATUS: Readonly<Record<string, InvoiceStatus>> = {
  draft: 'draft',
  open: 'sent',
  paid: 'paid',
  uncollectible: 'overdue',
  void: 'void',
};

/** A Unix time as the `YYYY-MM-DD` it falls on in UTC (Stripe's dates carry no zone). */
function isoDate(seconds: number | null | undefined): string | null {
  return typeof seconds === 'number' ? new Date(seconds * 1000).toISOString().slice(0, 10) : null;
}

function item(line: Stripe.InvoiceLineItem, position: number): SourceInvoiceItem {
  const quantity = line.quantity ?? 1;
  // `unit_amount_decimal` is a decimal string of minor units (fractions of a cent allowed).
  const decimal = Number(line.pricing?.unit_amount_decimal ?? Number.NaN);
  const unitPriceCents = Number.isFinite(decimal)
    ? Math.round(decimal)
    : Math.round(line.amount / (quantity || 1));
  return {
    name: line.description ?? `Line ${position + 1}`,
    description: line.description,
    quantity: String(quantity),
    unitPriceCents,
    totalCents: line.amount,
    position,
  };
}

/**
 * One Stripe invoice as a `SourceInvoice`: amounts are Stripe's integer minor units as they
 * are, tax is `total - total_excluding_tax`, the amount due is `amount_remaining`, and only
 * the lines included in the object are mapped (`lines.has_more` means the caller should
 * expand or list the rest).
 */
export function sourceInvoiceFromStripe(invoice: Stripe.Invoice): SourceInvoice {
  const customer = invoice.customer;
  return {
    externalInvoiceId: invoice.id,
    externalCustomerId: typeof customer === 'string' ? customer : (customer?.id ?? null),
    customerEmail: invoice.customer_email,
    status: STATUS[invoice.status ?? 'draft'] ?? 'draft',
    currency: invoice.currency.toLowerCase(),
    subtotalCents: invoice.subtotal,
    taxCents: invoice.total - (invoice.total_excluding_tax ?? invoice.total),
    totalCents: invoice.total,
    amountDueCents: invoice.amount_remaining,
    dueDate: isoDate(invoice.due_date),
    items: (invoice.lines?.data ?? []).map(item),
    raw: invoice,
  };
}
