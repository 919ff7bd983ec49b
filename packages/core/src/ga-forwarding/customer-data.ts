/**
 * `ga_conversion_forwards` names a customer's conversion events and the GA client id they
 * were sent with: exported with the customer, deleted by an erase before the events (32)
 * it points at.
 */
import { byCustomerId, type CustomerDataTable } from '../customer-data.js';

export const gaForwardingCustomerData: CustomerDataTable[] = [
  {
    table: 'ga_conversion_forwards',
    via: 'customer_id',
    belongsTo: byCustomerId,
    export: { as: 'ga_conversion_forwards', orderBy: ['occurred_at', 'event_id'] },
    erase: { action: 'delete' },
    eraseStage: 21,
  },
];
