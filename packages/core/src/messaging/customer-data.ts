/**
 * The outbox holds what was "sent" to a customer: their address and the rendered message.
 * Its rows reach the customer through our message id, or — for a test send, which has no
 * `messages` row — through the address itself.
 */
import { sql } from 'kysely';
import { type CustomerDataTable, col, inOrganization } from '../customer-data.js';

export const messagingCustomerData: CustomerDataTable[] = [
  {
    table: 'outbox_messages',
    via: 'message_id → messages, or the recipient address',
    belongsTo: (alias, who) => {
      const addresses = [who.email, who.phone].filter((a): a is string => a !== null);
      const byMessage = sql`${col(alias, 'message_id')} IN (SELECT id FROM messages WHERE organization_id = ${who.organizationId} AND customer_id = ${who.id})`;
      return inOrganization(
        alias,
        who,
        addresses.length === 0
          ? byMessage
          : sql`(${byMessage} OR lower(${col(alias, 'recipient')}) IN (${sql.join(addresses.map((a) => a.toLowerCase()))}))`,
      );
    },
    export: { as: 'outbox_messages', orderBy: ['sent_at', 'id'] },
    erase: { action: 'delete' },
    // Before `messages` (30s), whose ids it is found by.
    eraseStage: 25,
  },
];
