/**
 * What was sent to a customer, in the messaging module's tables:
 * - `messages`: every message sent to them (address, rendered body, status), and
 *   `message_events`: what happened to each (delivered, opened, clicked, bounced, …).
 *   Both are deleted by an erase: a run's counts live in `campaign_runs.stats`, so no
 *   figure changes, and a conversion credited to an erased message stays, uncredited
 *   (the `attributions` entry).
 * - `outbox_messages`: what the built-in provider "sent", found through our message id, or
 *   — for a test send, which has no `messages` row — through the address itself.
 */
import { sql } from 'kysely';
import {
  byCustomerId,
  type CustomerDataTable,
  type CustomerRef,
  col,
  inOrganization,
} from '../customer-data.js';

/** The customer's message ids. */
const messagesOf = (who: CustomerRef) =>
  sql`SELECT id FROM messages WHERE organization_id = ${who.organizationId} AND customer_id = ${who.id}`;

export const messagingCustomerData: CustomerDataTable[] = [
  {
    table: 'outbox_messages',
    via: 'message_id → messages, or the recipient address',
    belongsTo: (alias, who) => {
      const addresses = [who.email, who.phone].filter((a): a is string => a !== null);
      const byMessage = sql`${col(alias, 'message_id')} IN (${messagesOf(who)})`;
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
  {
    table: 'message_events',
    via: 'message_id → messages',
    belongsTo: (alias, who) =>
      inOrganization(alias, who, sql`${col(alias, 'message_id')} IN (${messagesOf(who)})`),
    export: { as: 'message_events', orderBy: ['occurred_at', 'id'] },
    erase: { action: 'delete' },
    eraseStage: 30,
  },
  {
    table: 'messages',
    via: 'customer_id',
    belongsTo: byCustomerId,
    export: { as: 'messages', orderBy: ['created_at', 'id'] },
    erase: { action: 'delete' },
    eraseStage: 31,
  },
];
