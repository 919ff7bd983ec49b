/**
 * ZeroInvoice's JSON shapes, as its data model describes them (Client, Invoice, line items),
 * checked with zod where they enter. Unknown fields are kept (`loose`): the raw invoice is
 * stored whole as the cache row's `snapshot`.
 *
 * Where the data model is silent, these are the assumptions (listed in the README):
 * `updated_at` on invoices (the incremental feed orders by it), optional `subtotal`, `tax`
 * and `amount_due`, and line items as `{ name?, description?, quantity, unit_price, amount? }`
 * either as an array or as the JSON string the data model names.
 */
import { z } from 'zod';

/** A decimal amount: ZeroInvoice's "float", or a decimal string. */
const amount = z.union([z.number(), z.string()]);

/** One client (`GET /api/clients/`). */
export const wireClientSchema = z.looseObject({
  id: z.union([z.string(), z.number()]).transform(String),
  name: z.string().nullish(),
  email: z.string().nullish(),
});
export type WireClient = z.infer<typeof wireClientSchema>;

export const wireLineItemSchema = z.looseObject({
  name: z.string().nullish(),
  description: z.string().nullish(),
  quantity: amount.nullish(),
  unit_price: amount,
  amount: amount.nullish(),
});
export type WireLineItem = z.infer<typeof wireLineItemSchema>;

/** One invoice (`GET /api/invoices/`, `GET /api/invoices/{id}`). */
export const wireInvoiceSchema = z.looseObject({
  id: z.union([z.string(), z.number()]).transform(String),
  client_id: z
    .union([z.string(), z.number()])
    .nullish()
    .transform((v) => (v === null || v === undefined ? null : String(v))),
  status: z.string(),
  amount,
  subtotal: amount.nullish(),
  tax: amount.nullish(),
  amount_due: amount.nullish(),
  currency: z.string().nullish(),
  due_date: z.string().nullish(),
  line_items: z.union([z.string(), z.array(z.unknown())]).nullish(),
  created_at: z.string().nullish(),
  updated_at: z.string().nullish(),
});
export type WireInvoice = z.infer<typeof wireInvoiceSchema>;

/** What `POST /api/invoices/` takes. */
export interface InvoiceCreate {
  client_id: string;
  status?: 'draft' | 'sent' | 'paid' | 'overdue';
  /** A decimal string (`'19.99'`) keeps the amount exact on the wire. */
  amount: number | string;
  currency?: string;
  /** `YYYY-MM-DD`. */
  due_date: string;
  line_items: Array<{
    name?: string;
    description?: string;
    quantity?: number | string;
    unit_price: number | string;
    amount?: number | string;
  }>;
  tags?: string[];
}

/** `POST /api/auth/token`'s answer (OAuth2 password flow). */
export const tokenResponseSchema = z.looseObject({
  access_token: z.string().min(1),
  token_type: z.string(),
});

/** FastAPI's error body: `{ detail: string }` or `{ detail: [{ loc, msg, type }] }`. */
export const fastApiErrorSchema = z.object({
  detail: z.union([
    z.string(),
    z.array(
      z.looseObject({
        loc: z.array(z.union([z.string(), z.number()])).optional(),
        msg: z.string(),
        type: z.string().optional(),
      }),
    ),
  ]),
});
