/**
 * `invoice_source_versions` in the customer-data registry: it reaches a customer only through
 * the invoice it belongs to, and holds no personal data of its own (a time, the source's
 * status and amount due, a hash of the payload), so export leaves it out and erase keeps it
 * with its invoice, which erase unlinks from the person.
 */
import { sql } from 'kysely';
import { type CustomerDataTable, col, inOrganization } from '../customer-data.js';

export const invoiceSyncCustomerData: CustomerDataTable[] = [
  {
    table: 'invoice_source_versions',
    via: 'invoice_id → zeroinvoice_invoices_cache',
    belongsTo: (alias, who) =>
      inOrganization(
        alias,
        who,
        sql`${col(alias, 'invoice_id')} IN (SELECT id FROM zeroinvoice_invoices_cache WHERE organization_id = ${who.organizationId} AND customer_id = ${who.id})`,
      ),
    export: { omit: 'the invoice rows exported carry the same status and amount due' },
    erase: {
      action: 'none',
      why: 'no personal data: it stays with its invoice, which no longer names the person',
    },
    eraseStage: 40,
  },
];
