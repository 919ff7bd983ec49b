/**
 * A test helper: cached invoices written as the invoice sync would write them (one
 * `zeroinvoice_invoices_cache` row and its items), for tests of the modules that read the
 * cache before the sync exists in them. Not exported from the package.
 */
import { randomUUID } from 'node:crypto';
import type { DatabaseAccess } from '../db/access.js';
import type { InvoiceStatus } from '../db/types.js';
import { toJson } from '../db/values.js';

/** What a test says about its invoice; everything else has a plain default. */
export interface TestInvoice {
  externalInvoiceId?: string;
  externalCustomerId?: string | null;
  customerId?: string | null;
  /** @default 'sent' */
  status?: InvoiceStatus;
  /** @default 'usd' */
  currency?: string;
  /** @default 10000 */
  totalCents?: number;
  /** @default totalCents */
  amountDueCents?: number;
  /** `YYYY-MM-DD`. @default null */
  dueDate?: string | null;
  createdAt?: Date;
  /** @default one line for the total */
  items?: Array<{ name: string; quantity?: string; unitPriceCents: number; totalCents: number }>;
}

/** Inserts one cached invoice (and its items) into `organizationId`; returns its ids. */
export async function insertTestInvoice(
  database: DatabaseAccess,
  organizationId: string,
  invoice: TestInvoice = {},
): Promise<{ id: string; externalInvoiceId: string }> {
  const externalInvoiceId = invoice.externalInvoiceId ?? `inv_${randomUUID().slice(0, 8)}`;
  const total = invoice.totalCents ?? 10_000;
  const db = database.tenant(organizationId);
  return db.transaction().execute(async (trx) => {
    const { id } = await trx
      .insertInto('zeroinvoice_invoices_cache')
      .values({
        organization_id: organizationId,
        external_invoice_id: externalInvoiceId,
        external_customer_id: invoice.externalCustomerId ?? null,
        customer_id: invoice.customerId ?? null,
        status: invoice.status ?? 'sent',
        currency: invoice.currency ?? 'usd',
        subtotal_cents: total,
        tax_cents: 0,
        total_cents: total,
        amount_due_cents: invoice.amountDueCents ?? total,
        due_date: invoice.dueDate ?? null,
        snapshot: toJson({ id: externalInvoiceId, source: 'test' }),
        ...(invoice.createdAt
          ? { created_at: invoice.createdAt, updated_at: invoice.createdAt }
          : {}),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const items = invoice.items ?? [{ name: 'Service', unitPriceCents: total, totalCents: total }];
    if (items.length > 0) {
      await trx
        .insertInto('zeroinvoice_invoice_items_cache')
        .values(
          items.map((item, position) => ({
            invoice_id: id,
            name: item.name,
            quantity: item.quantity ?? '1',
            unit_price_cents: item.unitPriceCents,
            total_cents: item.totalCents,
            position,
          })),
        )
        .execute();
    }
    return { id, externalInvoiceId };
  });
}
