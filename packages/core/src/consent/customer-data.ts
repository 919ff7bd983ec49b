/**
 * The consent module's table in the customer-data registry.
 */
import { byCustomerId, type CustomerDataTable } from '../customer-data.js';

export const consentCustomerData: CustomerDataTable[] = [
  {
    table: 'subscriptions',
    via: 'customer_id',
    belongsTo: byCustomerId,
    export: { as: 'subscriptions', orderBy: ['channel'] },
    erase: { action: 'delete' },
    eraseStage: 50,
  },
];
