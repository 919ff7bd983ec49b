/**
 * `invoice_messages` links a customer's message to the invoice it delivered: found through
 * the customer's messages, exported beside them, deleted by an erase before the messages
 * (the link holds no personal data of its own, and would cascade anyway).
 */
import { sql } from 'kysely';
import { type CustomerDataTable, col, inOrganization } from '../customer-data.js';

export const invoiceDeliveryCustomerData: CustomerDataTable[] = [
  {
    table: 'invoice_messages',
    via: 'message_id → messages',
    belongsTo: (alias, who) =>
      inOrganization(
        alias,
        who,
        sql`${col(alias, 'message_id')} IN (SELECT id FROM messages WHERE organization_id = ${who.organizationId} AND customer_id = ${who.id})`,
      ),
    export: { as: 'invoice_messages', orderBy: ['created_at', 'message_id'] },
    erase: { action: 'delete' },
    // Before `messages` (31), whose ids it is found by.
    eraseStage: 29,
  },
];
