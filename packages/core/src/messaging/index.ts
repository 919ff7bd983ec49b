/**
 * Messaging: what was sent and through what. It owns `messages` (one row per message sent
 * to a customer, whatever sent it) and `message_events` (what happened to each), and the
 * built-in `outbox` provider with its table; the campaign dispatcher writes messages and
 * sends through the providers configured here.
 */
import { defineModule } from '../module.js';
import { messagingCustomerData } from './customer-data.js';

export { createOutboxProviders, type OutboxOptions } from './outbox.js';

export const messagingModule = defineModule({
  name: 'messaging',
  tenantTables: ['messages', 'message_events', 'outbox_messages'],
  customerData: messagingCustomerData,
});
