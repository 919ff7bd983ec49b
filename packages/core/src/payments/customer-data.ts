/**
 * The payments module's table in the customer-data registry (moved unchanged from the
 * privacy module, which held it until this module landed).
 */
import { sql } from 'kysely';
import { type CustomerDataTable, col, inOrganization, REDACTED } from '../customer-data.js';
import { toJson } from '../db/values.js';

export const paymentsCustomerData: CustomerDataTable[] = [
  {
    // Before the invoices: their customer_id still says which payments are the customer's.
    table: 'payments',
    via: 'external_invoice_id → the customer’s cached invoices',
    belongsTo: (alias, who) =>
      inOrganization(
        alias,
        who,
        sql`${col(alias, 'external_invoice_id')} IN (SELECT external_invoice_id FROM zeroinvoice_invoices_cache
          WHERE organization_id = ${who.organizationId} AND customer_id = ${who.id})`,
      ),
    export: { as: 'payments', orderBy: ['created_at', 'id'] },
    erase: { action: 'redact', set: () => ({ raw_payload: toJson(REDACTED) }) },
    eraseStage: 40,
  },
];
