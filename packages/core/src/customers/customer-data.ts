/**
 * The customers module's tables in the customer-data registry.
 */
import { sql } from 'kysely';
import { type CustomerDataTable, col, inOrganization } from '../customer-data.js';

export const customersCustomerData: CustomerDataTable[] = [
  {
    table: 'customer_tags',
    via: 'customer_id',
    // No organization_id: the customer id (unique across organizations) decides.
    belongsTo: (alias, who) => sql<boolean>`${col(alias, 'customer_id')} = ${who.id}`,
    // The tags by name: the link rows alone say nothing to a person.
    export: {
      as: 'tags',
      orderBy: ['tag_id'],
      rows: (who) => sql`SELECT t.id, t.name FROM customer_tags ct
        JOIN tags t ON t.id = ct.tag_id AND t.organization_id = ${who.organizationId}
        WHERE ct.customer_id = ${who.id} ORDER BY t.name`,
    },
    erase: { action: 'delete' },
    eraseStage: 50,
  },
  {
    table: 'customers',
    via: 'the customer row itself',
    belongsTo: (alias, who) => inOrganization(alias, who, sql`${col(alias, 'id')} = ${who.id}`),
    export: { omit: 'the document has a `customer` field of its own (without the embedding)' },
    erase: { action: 'delete' },
    eraseStage: 60,
  },
];
