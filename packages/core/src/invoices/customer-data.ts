/**
 * The invoices module's tables in the customer-data registry (moved unchanged from the
 * privacy module, which held them until this module landed).
 */
import { sql } from 'kysely';
import {
  byCustomerId,
  type CustomerDataTable,
  type CustomerRef,
  col,
  REDACTED,
} from '../customer-data.js';
import { toJson } from '../db/values.js';

/** The customer's cached invoice ids. */
const invoicesOf = (who: CustomerRef) =>
  sql`SELECT id FROM zeroinvoice_invoices_cache
    WHERE organization_id = ${who.organizationId} AND customer_id = ${who.id}`;

export const invoicesCustomerData: CustomerDataTable[] = [
  {
    table: 'zeroinvoice_invoice_items_cache',
    via: 'invoice_id → the customer’s cached invoices',
    belongsTo: (alias, who) => sql<boolean>`${col(alias, 'invoice_id')} IN (${invoicesOf(who)})`,
    export: { as: 'invoice_items', orderBy: ['invoice_id', 'position', 'id'] },
    erase: {
      action: 'none',
      why: 'line items stay with their invoice, which no longer names the person',
    },
    eraseStage: 40,
  },
  {
    // Kept for revenue, unlinked from the person.
    table: 'zeroinvoice_invoices_cache',
    via: 'customer_id',
    belongsTo: byCustomerId,
    export: { as: 'invoices', orderBy: ['created_at', 'id'] },
    erase: {
      action: 'redact',
      set: () => ({
        customer_id: null,
        external_customer_id: null,
        stripe_payment_link: null,
        snapshot: toJson(REDACTED),
      }),
    },
    eraseStage: 41,
  },
];
