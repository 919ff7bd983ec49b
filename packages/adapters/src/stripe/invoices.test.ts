/** Stripe Invoicing invoices → `SourceInvoice`, on a self-contained example invoice. */
import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { sourceInvoiceFromStripe } from './invoices.js';

function invoice(overrides: Record<string, unknown> = {}): Stripe.Invoice {
  return {
    id: 'in_1QxAbc2eZvKYlo2Cinv001',
    object: 'invoice',
    amount_due: 10_825,
    amount_paid: 2_000,
    amount_remaining: 8_825,
    currency: 'USD',
    customer: 'cus_QxAbc2eZvKYlo2',
    customer_email: 'ada@example.com',
    due_date: 1_780_012_800, // 2026-05-29T00:00:00Z
    lines: {
      object: 'list',
      data: [
        {
          id: 'il_1',
          object: 'line_item',
          amount: 7_500,
          currency: 'usd',
          description: 'Lawn care (3 visits)',
          quantity: 3,
          pricing: { type: 'price_details', unit_amount_decimal: '2500' },
        },
        {
          id: 'il_2',
          object: 'line_item',
          amount: 2_500,
          currency: 'usd',
          description: null,
          quantity: 2,
          pricing: null,
        },
      ],
      has_more: false,
      url: '/v1/invoices/in_1QxAbc2eZvKYlo2Cinv001/lines',
    },
    number: 'GT-0001',
    status: 'open',
    subtotal: 10_000,
    total: 10_825,
    total_excluding_tax: 10_000,
    ...overrides,
  } as unknown as Stripe.Invoice;
}

describe('sourceInvoiceFromStripe', () => {
  it('maps amounts (integer cents as they are), tax, due date and lines', () => {
    const object = invoice();
    expect(sourceInvoiceFromStripe(object)).toEqual({
      externalInvoiceId: 'in_1QxAbc2eZvKYlo2Cinv001',
      externalCustomerId: 'cus_QxAbc2eZvKYlo2',
      customerEmail: 'ada@example.com',
      status: 'sent',
      currency: 'usd',
      subtotalCents: 10_000,
      taxCents: 825,
      totalCents: 10_825,
      amountDueCents: 8_825,
      dueDate: '2026-05-29',
      items: [
        {
          name: 'Lawn care (3 visits)',
          description: 'Lawn care (3 visits)',
          quantity: '3',
          unitPriceCents: 2_500,
          totalCents: 7_500,
          position: 0,
        },
        {
          name: 'Line 2',
          description: null,
          quantity: '2',
          unitPriceCents: 1_250,
          totalCents: 2_500,
          position: 1,
        },
      ],
      raw: object,
    });
  });

  it.each([
    ['draft', 'draft'],
    ['open', 'sent'],
    ['paid', 'paid'],
    ['uncollectible', 'overdue'],
    ['void', 'void'],
  ] as const)('status %s → %s', (status, expected) => {
    expect(sourceInvoiceFromStripe(invoice({ status })).status).toBe(expected);
  });

  it('reads an expanded customer, and an invoice without a due date or tax figure', () => {
    const mapped = sourceInvoiceFromStripe(
      invoice({
        customer: { id: 'cus_expanded', object: 'customer' },
        due_date: null,
        total_excluding_tax: null,
      }),
    );
    expect(mapped).toMatchObject({
      externalCustomerId: 'cus_expanded',
      dueDate: null,
      taxCents: 0,
    });
  });
});
