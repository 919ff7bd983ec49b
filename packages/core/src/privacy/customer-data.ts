/**
 * Customer data in tables no module owns yet (events, attributions, …): the privacy
 * module registers them until the campaigns and analytics modules land,
 * when each entry moves to its module's descriptor unchanged.
 */
import { sql } from 'kysely';
import {
  byCustomerId,
  type CustomerDataTable,
  type CustomerRef,
  col,
  inOrganization,
} from '../customer-data.js';
import type { Database } from '../db/types.js';

/** The customer's message ids. */
const messagesOf = (who: CustomerRef) =>
  sql`SELECT id FROM messages WHERE organization_id = ${who.organizationId} AND customer_id = ${who.id}`;

/** The customer's event ids. */
const eventsOf = (who: CustomerRef) =>
  sql`SELECT id FROM events WHERE organization_id = ${who.organizationId} AND customer_id = ${who.id}`;

export const unownedCustomerData: CustomerDataTable[] = [
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

/** The seed tables no module owns yet; they hold tenant data (see `ModuleDefinition.tenantTables`). */
export const unownedTenantTables = [
  'events',
  'attributions',
  'ga_sessions',
] as const satisfies readonly (keyof Database)[];
