/**
 * An organization's payments and cached invoices (with their items) in a form two
 * organizations can be compared by: every column but row ids and our own write times, our
 * customer ids replaced by the customer's index, so equal histories give equal states.
 */
import type { GreenTrack } from '@greentrack/core';

/**
 * Payments, invoices and invoice items of the organization, sorted. A payment's
 * `raw_payload` is left out: it is the object of whichever of the payment's events recorded
 * it first (an intent or its charge), which depends on delivery order (its status and
 * amounts do not). An invoice's customer is given as its index in `customerIds`.
 */
export async function billingState(
  gt: GreenTrack,
  organizationId: string,
  customerIds: readonly string[] = [],
): Promise<{ payments: string[]; invoices: string[]; items: string[] }> {
  const db = gt.database.tenant(organizationId);
  const customerIndex = new Map(customerIds.map((id, i) => [id, i]));
  const payments = await db.selectFrom('payments').selectAll().execute();
  const invoices = await db.selectFrom('zeroinvoice_invoices_cache').selectAll().execute();
  const items = await db.selectFrom('zeroinvoice_invoice_items_cache').selectAll().execute();
  const externalId = new Map(invoices.map((i) => [i.id, i.external_invoice_id]));
  const sorted = (rows: unknown[]) => rows.map((r) => JSON.stringify(r)).sort();
  return {
    payments: sorted(
      payments.map(
        ({ id: _, organization_id: _o, created_at: _c, raw_payload: _r, ...payment }) => payment,
      ),
    ),
    invoices: sorted(
      invoices.map(
        ({ id: _, organization_id: _o, created_at: _c, updated_at: _u, customer_id, ...rest }) => ({
          ...rest,
          customer: customer_id === null ? null : (customerIndex.get(customer_id) ?? 'other'),
        }),
      ),
    ),
    items: sorted(
      items.map(({ id: _, invoice_id, ...item }) => ({
        invoice: externalId.get(invoice_id),
        ...item,
      })),
    ),
  };
}
