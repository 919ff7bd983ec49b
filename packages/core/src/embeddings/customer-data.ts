/**
 * The embeddings module's table in the customer-data registry.
 */
import { byCustomerId, type CustomerDataTable } from '../customer-data.js';

export const embeddingsCustomerData: CustomerDataTable[] = [
  {
    table: 'embedding_jobs',
    via: 'customer_id',
    belongsTo: byCustomerId,
    export: { omit: "a work-queue row: the customer's id and retry state, nothing of the person" },
    erase: { action: 'none', why: 'deleted with the customer (ON DELETE CASCADE)' },
    eraseStage: 60,
  },
];
