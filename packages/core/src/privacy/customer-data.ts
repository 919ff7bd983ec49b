/**
 * Customer data in tables no module owns yet (events, attributions, …): the privacy
 * module registers them until the campaigns, analytics and webhooks modules land,
 * when each entry moves to its module's descriptor unchanged.
 */
import { sql } from 'kysely';
import {
  byCustomerId,
  type CustomerDataTable,
  type CustomerRef,
  col,
  containing,
  inOrganization,
  REDACTED,
} from '../customer-data.js';
import type { Database } from '../db/types.js';
import { toJson } from '../db/values.js';

/** The customer's message ids. */
const messagesOf = (who: CustomerRef) =>
  sql`SELECT id FROM messages WHERE organization_id = ${who.organizationId} AND customer_id = ${who.id}`;

/** The customer's event ids. */
const eventsOf = (who: CustomerRef) =>
  sql`SELECT id FROM events WHERE organization_id = ${who.organizationId} AND customer_id = ${who.id}`;

export const unownedCustomerData: CustomerDataTable[] = [
  {
    table: 'webhooks_inbound',
    via: "the raw payload naming the customer's id, email or phone",
    // A phone matches however the provider punctuates it; short numbers are skipped so as
    // not to match unrelated digits. A scan of the organization's webhooks: erase is rare.
    belongsTo: (alias, who) => {
      const needles = [containing(who.id)];
      if (who.email) needles.push(containing(who.email));
      const digits = who.phone?.replace(/\D/g, '') ?? '';
      if (digits.length >= 8) needles.push(containing(digits));
      const payload = sql`lower(${col(alias, 'payload')}::text)`;
      return inOrganization(
        alias,
        who,
        sql`(${sql.join(
          needles.map((n) => sql`${payload} LIKE ${n}`),
          sql` OR `,
        )})`,
      );
    },
    export: { omit: 'raw provider payloads; the rows derived from them are exported' },
    erase: {
      action: 'redact',
      set: () => ({ payload: toJson(REDACTED), headers: null, error: null }),
    },
    eraseStage: 10,
  },
  {
    table: 'attributions',
    via: 'customer_id',
    belongsTo: byCustomerId,
    export: { as: 'attributions', orderBy: ['created_at', 'id'] },
    erase: { action: 'delete' },
    others: [
      {
        where: (alias, who) =>
          inOrganization(alias, who, sql`${col(alias, 'event_id')} IN (${eventsOf(who)})`),
        why: "a conversion that IS one of the customer's events goes with the event (event_id is NOT NULL)",
      },
      {
        where: (alias, who) =>
          inOrganization(alias, who, sql`${col(alias, 'message_id')} IN (${messagesOf(who)})`),
        set: { message_id: null },
        why: "another customer's conversion credited to an erased message stays, uncredited",
      },
    ],
    eraseStage: 20,
  },
];

/** The seed tables no module owns yet; they hold tenant data (see `ModuleDefinition.tenantTables`). */
export const unownedTenantTables = [
  'attributions',
  'webhooks_inbound',
] as const satisfies readonly (keyof Database)[];
