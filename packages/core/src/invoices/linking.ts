/**
 * Linking cached invoices to customers: `customer_id` from the customer whose
 * `external_zeroinvoice_customer_id` is the invoice's client id, else the customer with the
 * client's email (`customers.email` is citext: case does not matter). Several matches: the
 * oldest customer wins, so a link never flips between equals.
 */
import { sql } from 'kysely';
import { writeConversionEvents } from '../conversion-events/index.js';
import { normalizeEmail } from '../customers/index.js';
import type { Scope } from '../scope.js';

/** One invoice as the sync has it: how to find its customer. */
export interface InvoiceCustomerRef {
  externalInvoiceId: string;
  externalCustomerId: string | null;
  customerEmail: string | null;
}

/** The customer with this ZeroInvoice client id (`ref` is a SQL text value), oldest first. */
const byClientId = (organizationId: string, ref: ReturnType<typeof sql>) =>
  sql`(SELECT c.id FROM customers c WHERE c.organization_id = ${organizationId}
        AND c.external_zeroinvoice_customer_id = ${ref} ORDER BY c.created_at, c.id LIMIT 1)`;

/**
 * Sets `customer_id` of the given invoices (which must already be in the cache) in ONE
 * `UPDATE … FROM unnest(…)`: by client id, else by email, else none — the source says
 * whose invoice it is, so an invoice whose client matches no customer is unlinked. Rows
 * whose link does not change are not written. Call it inside the sync's transaction.
 * @returns how many invoices' link changed.
 * @example
 * await linkInvoiceCustomers(tx, [{ externalInvoiceId: 'inv_1', externalCustomerId: 'cl_9', customerEmail: 'ana@example.com' }]);
 */
export async function linkInvoiceCustomers(
  scope: Scope,
  rows: readonly InvoiceCustomerRef[],
): Promise<number> {
  if (rows.length === 0) return 0;
  const org = scope.organizationId;
  const invoiceIds = rows.map((r) => r.externalInvoiceId);
  const clientIds = rows.map((r) => r.externalCustomerId);
  // Normalized as the customers module stores emails; an invalid one cannot match.
  const emails = rows.map((r) => (r.customerEmail ? normalizeEmail(r.customerEmail) : null));
  const result = await sql<{ external_invoice_id: string }>`
    UPDATE zeroinvoice_invoices_cache i
    SET customer_id = m.customer_id, updated_at = ${scope.clock.now()}
    FROM (
      SELECT v.external_invoice_id, coalesce(
        ${byClientId(org, sql`v.client_id`)},
        (SELECT c.id FROM customers c WHERE c.organization_id = ${org}
           AND c.email = v.email::citext ORDER BY c.created_at, c.id LIMIT 1)
      ) AS customer_id
      FROM unnest(${invoiceIds}::text[], ${clientIds}::text[], ${emails}::text[])
        AS v(external_invoice_id, client_id, email)
    ) m
    WHERE i.organization_id = ${org} AND i.external_invoice_id = m.external_invoice_id
      AND i.customer_id IS DISTINCT FROM m.customer_id
    RETURNING i.external_invoice_id`.execute(scope.db);
  await writeLinkedConversions(scope, result.rows);
  return result.rows.length;
}

/**
 * Links the organization's unlinked invoices whose client id now matches a customer (one
 * created or given its ZeroInvoice id after the invoice was synced). Run by the worker's
 * status pass; the cache keeps no client email, so email matches are made by the sync
 * (`linkInvoiceCustomers`) when the invoice next comes through it.
 * @returns how many invoices were linked.
 */
export async function relinkUnlinkedInvoices(scope: Scope): Promise<number> {
  const org = scope.organizationId;
  const result = await sql<{ external_invoice_id: string }>`
    UPDATE zeroinvoice_invoices_cache i
    SET customer_id = ${byClientId(org, sql`i.external_customer_id`)}, updated_at = ${scope.clock.now()}
    WHERE i.organization_id = ${org} AND i.customer_id IS NULL
      AND i.external_customer_id IS NOT NULL
      AND EXISTS (SELECT 1 FROM customers c WHERE c.organization_id = ${org}
        AND c.external_zeroinvoice_customer_id = i.external_customer_id)
    RETURNING i.external_invoice_id`.execute(scope.db);
  await writeLinkedConversions(scope, result.rows);
  return result.rows.length;
}

/**
 * A newly linked invoice's payments (and its being paid) were recorded while it had no customer, so
 * they wrote no conversion: write them now, with their original times (decision 181).
 */
async function writeLinkedConversions(
  scope: Scope,
  rows: ReadonlyArray<{ external_invoice_id: string }>,
): Promise<void> {
  await writeConversionEvents(
    scope,
    rows.map((r) => r.external_invoice_id),
  );
}
