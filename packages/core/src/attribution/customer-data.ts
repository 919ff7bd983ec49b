/**
 * Customer data in `attributions`: a conversion's credit to the touches before it. Export
 * hands the customer's rows over; erase deletes them, and uncredits another customer's
 * conversion that was credited to one of the erased customer's messages.
 */
import { sql } from 'kysely';
import {
  byCustomerId,
  type CustomerDataTable,
  type CustomerRef,
  col,
  inOrganization,
} from '../customer-data.js';

/** The customer's message ids. */
const messagesOf = (who: CustomerRef) =>
  sql`SELECT id FROM messages WHERE organization_id = ${who.organizationId} AND customer_id = ${who.id}`;

/** The customer's event ids. */
const eventsOf = (who: CustomerRef) =>
  sql`SELECT id FROM events WHERE organization_id = ${who.organizationId} AND customer_id = ${who.id}`;

export const attributionCustomerData: CustomerDataTable[] = [
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
    table: 'attribution_examined',
    via: 'event_id → the customer’s conversion events',
    belongsTo: (alias, who) =>
      inOrganization(alias, who, sql`${col(alias, 'event_id')} IN (${eventsOf(who)})`),
    export: { omit: 'bookkeeping of the worker: which conversions it has credited' },
    erase: { action: 'none', why: 'deleted with its event (ON DELETE CASCADE)' },
    eraseStage: 20,
  },
];
