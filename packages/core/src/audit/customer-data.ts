/**
 * The audit module's table in the customer-data registry: rows about the customer keep who
 * did what when, not the personal data they recorded.
 */
import { sql } from 'kysely';
import {
  type CustomerDataTable,
  col,
  containing,
  inOrganization,
  REDACTED,
} from '../customer-data.js';
import { toJson } from '../db/values.js';

export const auditCustomerData: CustomerDataTable[] = [
  {
    table: 'audit_log',
    via: "entity_id, or before/after mentioning the customer's id",
    // By id only: an email in an old row is a person's, but may not be this customer's.
    belongsTo: (alias, who) =>
      inOrganization(
        alias,
        who,
        sql`(${col(alias, 'entity_id')} = ${who.id}
          OR lower(${col(alias, 'before')}::text) LIKE ${containing(who.id)}
          OR lower(${col(alias, 'after')}::text) LIKE ${containing(who.id)})`,
      ),
    export: { as: 'audit_log', orderBy: ['occurred_at', 'id'] },
    erase: {
      action: 'redact',
      set: (alias) => ({
        before: sql`CASE WHEN ${col(alias, 'before')} IS NULL THEN NULL ELSE ${toJson(REDACTED)}::jsonb END`,
        after: sql`CASE WHEN ${col(alias, 'after')} IS NULL THEN NULL ELSE ${toJson(REDACTED)}::jsonb END`,
      }),
    },
    // Last: the rows above are gone by now, and the erase's own row is written after this.
    eraseStage: 90,
  },
];
