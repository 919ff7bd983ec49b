/**
 * zod inputs and outputs of the invoices module: the ZeroInvoice cache as the API shows it.
 * Amounts are integer cents; dates `YYYY-MM-DD`.
 */
import { z } from '@hono/zod-openapi';

const invoiceStatusSchema = z.enum(['draft', 'sent', 'paid', 'overdue', 'void']);

/** A calendar date, checked to exist (`2026-02-30` is refused). */
const calendarDate = z.iso.date().openapi({ example: '2026-06-30' });

const booleanQuery = z.union([
  z.boolean(),
  z.enum(['true', 'false']).transform((v) => v === 'true'),
]);

/** Filters and page of the invoice list. */
export const invoiceListQuerySchema = z.object({
  status: z
    .union([invoiceStatusSchema, z.array(invoiceStatusSchema)])
    .transform((v) => (Array.isArray(v) ? v : [v]))
    .optional()
    .openapi({ description: 'Stored status (repeat for several)' }),
  customer_id: z.uuid().optional(),
  overdue: booleanQuery.optional().openapi({
    description:
      "Derived, not stored: due date before today (the organization's time zone), amount due > 0, status sent or overdue",
  }),
  due_from: calendarDate.optional().openapi({ description: 'Due on or after this date' }),
  due_to: calendarDate.optional().openapi({ description: 'Due on or before this date' }),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(1000).optional(),
});
export type InvoiceListQuery = z.input<typeof invoiceListQuerySchema>;

const invoiceOutSchema = z
  .object({
    id: z.uuid(),
    organization_id: z.uuid(),
    external_invoice_id: z.string(),
    external_customer_id: z.string().nullable(),
    customer_id: z.uuid().nullable(),
    status: invoiceStatusSchema.nullable(),
    currency: z.string().nullable(),
    subtotal_cents: z.number().int().nullable(),
    tax_cents: z.number().int().nullable(),
    total_cents: z.number().int().nullable(),
    amount_due_cents: z.number().int().nullable(),
    due_date: z.string().nullable().openapi({ format: 'date' }),
    /** Derived at the organization's today; see the list's `overdue` filter. */
    overdue: z.boolean(),
    sent_via: z.array(z.string()),
    stripe_payment_link: z.string().nullable(),
    created_at: z.string().openapi({ format: 'date-time' }),
    updated_at: z.string().openapi({ format: 'date-time' }),
  })
  .openapi('Invoice');

const invoiceItemOutSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    description: z.string().nullable(),
    quantity: z.string().openapi({ description: 'Decimal, as text (numeric(12,2))' }),
    unit_price_cents: z.number().int(),
    total_cents: z.number().int(),
    position: z.number().int().nullable(),
  })
  .openapi('InvoiceItem');

export const invoiceWithItemsOutSchema = invoiceOutSchema
  .extend({ items: z.array(invoiceItemOutSchema) })
  .openapi('InvoiceWithItems');

export const invoicePageSchema = z
  .object({ items: z.array(invoiceOutSchema), nextCursor: z.string().nullable() })
  .openapi('InvoicePage');

/** Query of the aging report. */
export const agingQuerySchema = z.object({
  customer_id: z.uuid().optional().openapi({ description: 'Only this customer' }),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(500)
    .default(100)
    .openapi({ description: 'Most customer rows, largest amount due first' }),
});
export type AgingQuery = z.input<typeof agingQuerySchema>;

const agingBucketsSchema = z
  .object({
    currency: z.string(),
    /** Not yet past due (due today or later, or no due date). */
    current: z.number().int(),
    days_1_30: z.number().int(),
    days_31_60: z.number().int(),
    days_61_90: z.number().int(),
    days_over_90: z.number().int(),
    total: z.number().int(),
    invoices: z.number().int(),
  })
  .openapi('AgingBuckets');

export const agingOutSchema = z
  .object({
    /** The organization's today the buckets were counted at. */
    as_of: z.string().openapi({ format: 'date' }),
    time_zone: z.string(),
    /** One row per currency: amounts in different currencies are never added. */
    organization: z.array(agingBucketsSchema),
    customers: z.array(agingBucketsSchema.extend({ customer_id: z.uuid().nullable() })),
    /** More customer rows exist than `limit` returned. */
    customers_truncated: z.boolean(),
  })
  .openapi('InvoiceAging');
