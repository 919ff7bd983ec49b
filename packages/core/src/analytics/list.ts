/**
 * Reading the organization's analytics events, newest `occurred_at` first, with keyset
 * pagination: over `events_org_occurred_idx`, or `events_customer_occurred_idx` (0007) for
 * one customer's events.
 */
import { type Selectable, sql } from 'kysely';
import { z } from 'zod';
import type { EventsTable } from '../db/types.js';
import { decodeCursor } from '../pagination/cursor.js';
import { type KeysetPage, keysetAfter, keysetFetchSize, keysetPage } from '../pagination/keyset.js';
import type { Scope } from '../scope.js';
import { parseInput } from '../validation.js';
import { type EventListQuery, eventListQuerySchema } from './schema.js';

/** A stored analytics event. */
export type AnalyticsEvent = Omit<Selectable<EventsTable>, 'properties'> & {
  /** Always a JSON object: `events.track` accepts no other. */
  properties: Record<string, unknown>;
};

/** One page of events; pass `nextCursor` back as `cursor` for the next one. */
export type EventPage = KeysetPage<AnalyticsEvent>;

const cursorSchema = z.object({ v: z.string(), id: z.uuid() });
const LIST = 'this event list';

/** Lists events newest first, by customer, name and a start time. */
export async function listEvents(scope: Scope, query: EventListQuery = {}): Promise<EventPage> {
  const q = parseInput(eventListQuerySchema, query, { what: 'event query' });
  const cursor = q.cursor ? decodeCursor(q.cursor, cursorSchema, LIST) : undefined;
  let select = scope.db
    .selectFrom('events')
    .selectAll()
    .select(sql<string>`occurred_at::text`.as('sort_key'))
    .where('organization_id', '=', scope.organizationId);
  if (q.customerId) select = select.where('customer_id', '=', q.customerId);
  if (q.name) select = select.where('name', '=', q.name);
  if (q.since) select = select.where('occurred_at', '>=', new Date(q.since));
  if (cursor) {
    select = select.where(
      keysetAfter('desc', [
        ['occurred_at', cursor.v, 'timestamptz'],
        ['id', cursor.id, 'uuid'],
      ]),
    );
  }
  const rows = await select
    .orderBy('occurred_at', 'desc')
    .orderBy('id', 'desc')
    .limit(keysetFetchSize(q.limit))
    .execute();
  const page = keysetPage(rows, q.limit, (last) => ({ v: last.sort_key, id: last.id }));
  return {
    items: page.items.map(({ sort_key: _, ...row }) => row as AnalyticsEvent),
    nextCursor: page.nextCursor,
  };
}
