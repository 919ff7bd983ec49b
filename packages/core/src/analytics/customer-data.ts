/**
 * The analytics module's tables in the customer-data registry (moved unchanged from the
 * privacy module, which held them until this module landed). Attributions, which refer
 * to events, are erased first (stage 20); `ga_sessions` after the events.
 */
import { byCustomerId, type CustomerDataTable } from '../customer-data.js';

export const analyticsCustomerData: CustomerDataTable[] = [
  {
    table: 'events',
    via: 'customer_id',
    belongsTo: byCustomerId,
    export: { as: 'events', orderBy: ['occurred_at', 'id'] },
    erase: { action: 'delete' },
    eraseStage: 32,
  },
  {
    table: 'ga_sessions',
    via: 'customer_id',
    belongsTo: byCustomerId,
    export: { as: 'ga_sessions', orderBy: ['first_seen_at', 'id'] },
    erase: { action: 'delete' },
    eraseStage: 33,
  },
];
