/**
 * A run's frozen audience names the customer and their address: customer data, found by
 * `customer_id` within the organization's runs.
 */
import { sql } from 'kysely';
import { byCustomerId, type CustomerDataTable, col } from '../customer-data.js';

export const campaignsCustomerData: CustomerDataTable[] = [
  {
    table: 'campaign_audience',
    via: 'customer_id (its run’s campaign gives the organization)',
    belongsTo: (alias, who) => sql<boolean>`${col(alias, 'customer_id')} = ${who.id}
      AND ${col(alias, 'campaign_run_id')} IN (SELECT r.id FROM campaign_runs r
        JOIN campaigns c ON c.id = r.campaign_id WHERE c.organization_id = ${who.organizationId})`,
    export: { as: 'campaign_audience', orderBy: ['created_at', 'id'] },
    erase: { action: 'delete' },
    eraseStage: 50,
  },
  {
    table: 'campaign_deliveries',
    via: 'customer_id',
    belongsTo: byCustomerId,
    export: { omit: "the dispatcher's bookkeeping; the messages themselves are exported" },
    erase: { action: 'delete' },
    // Before the audience rows it points at.
    eraseStage: 49,
  },
];
