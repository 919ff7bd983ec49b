/**
 * `invoice_payment_links` holds what a customer's invoice's payment link charges, and its
 * URL: found through the customer's invoices, exported beside them, deleted by an erase
 * before the invoices are unlinked from the person (their redaction clears the URL too).
 */
import { sql } from 'kysely';
import { type CustomerDataTable, col, inOrganization } from '../customer-data.js';

export const paymentLinksCustomerData: CustomerDataTable[] = [
  {
    table: 'invoice_payment_links',
    via: 'invoice_id → zeroinvoice_invoices_cache',
    belongsTo: (alias, who) =>
      inOrganization(
        alias,
        who,
        sql`${col(alias, 'invoice_id')} IN (SELECT id FROM zeroinvoice_invoices_cache WHERE organization_id = ${who.organizationId} AND customer_id = ${who.id})`,
      ),
    export: { as: 'invoice_payment_links', orderBy: ['created_at', 'invoice_id'] },
    erase: { action: 'delete' },
    // Before `zeroinvoice_invoices_cache` (41), whose customer link finds it.
    eraseStage: 39,
  },
];
