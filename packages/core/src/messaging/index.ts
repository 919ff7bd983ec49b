/**
 * Messaging: the provider side of sending. Today the built-in `outbox` provider and its
 * table; the dispatcher (issue 10) sends through the providers configured here.
 */
import { defineModule } from '../module.js';
import { messagingCustomerData } from './customer-data.js';

export { createOutboxProviders, type OutboxOptions } from './outbox.js';

export const messagingModule = defineModule({
  name: 'messaging',
  tenantTables: ['outbox_messages'],
  customerData: messagingCustomerData,
});
