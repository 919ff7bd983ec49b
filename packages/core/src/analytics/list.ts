/**
 * Reading the organization's analytics events, newest `occurred_at` first, with keyset
 * pagination: over `events_org_occurred_idx`, or `events_customer_occurred_idx` (0007) for
 * one customer's events.
 */
import { type Selectable, sql } from 'kysely';
import { z } from 'zod';
import type { EventsTable } from '../db/types.js';
import { decodeCursor, encodeCursor } from '../pagination/cursor.js';
import type { Scope } from '../scope.js';
import { parseInput } from '../validation.js';
import { type EventListQuery, eventListQuerySchema } from './schema.js';

/** A stored analytics event. */
export type AnalyticsEvent = Omit<Selectable<EventsTable>, 'properties'> & {
  /** Always a JSON object: `events.track` accepts no other. */
  properties: Record<string, unknown>;
};

/** One page of events. */
export interface EventPage {
  items: AnalyticsEvent[];
  /** Pass back as `cursor` for the next page; `null` on the last page. */
  nextCursor: string | null;
}

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
      sql<boolean>`(occurred_at, id) < (${cursor.v}::timestamptz, ${cursor.id}::uuid)`,
    );
  }
  const rows = await select
    .orderBy('occurred_at', 'desc')
    .orderBy('id', 'desc')
    .limit(q.limit + 1)
    .execute();
  const items = rows.slice(0, q.limit).map(({ sort_key: _, ...row }) => row as AnalyticsEvent);
  const last = rows[q.limit - 1];
  const nextCursor =
    rows.length > q.limit && last ? encodeCursor({ v: last.sort_key, id: last.id }) : null;
  return { items, nextCursor };
}
