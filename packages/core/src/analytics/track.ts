/**
 * Recording analytics events: a batch of up to 1,000 is validated whole, its customers
 * resolved, then written by ONE set-based `INSERT … SELECT FROM unnest(…)` and folded into
 * `ga_sessions`, all in one transaction — every event is recorded, or none.
 *
 * No `audit_log` row per event: events are high-volume analytics written by widgets and
 * servers, not changes a person makes to the CRM; each row names who sent it in
 * `user_id` and when it arrived in `created_at`.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { inTransaction, type Scope } from '../scope.js';
import { parseInput } from '../validation.js';
import { recordGaSessions } from './ga-sessions.js';
import { resolveCustomers } from './resolve-customers.js';
import { type ParsedEvent, type TrackEvent, trackBatchSchema } from './schema.js';

/** What `events.track` did. */
export interface TrackResult {
  /** The new events' ids, in the order they were given. */
  ids: string[];
  /** How many were linked to a customer (by id, or by an email a customer has). */
  linked: number;
}

/** Writes the batch's rows with one statement: one array parameter per column. */
async function insertEvents(
  tx: Scope,
  events: readonly ParsedEvent[],
  customers: ReadonlyArray<string | null>,
  ids: readonly string[],
): Promise<void> {
  const column = <T>(pick: (event: ParsedEvent) => T) => events.map(pick);
  const userId = tx.actor.type === 'user' ? tx.actor.id : null;
  await sql`
    INSERT INTO events (id, organization_id, user_id, customer_id, session_id, name, source,
      ga_client_id, utm_source, utm_medium, utm_campaign, referrer, properties, occurred_at)
    SELECT t.id, ${tx.organizationId}, ${userId}::uuid, t.customer_id, t.session_id, t.name,
      t.source, t.ga_client_id, t.utm_source, t.utm_medium, t.utm_campaign, t.referrer,
      t.properties::jsonb, t.occurred_at
    FROM unnest(
      ${ids}::uuid[], ${customers}::uuid[], ${column((e) => e.session_id ?? null)}::uuid[],
      ${column((e) => e.name)}::text[], ${column((e) => e.source ?? null)}::text[],
      ${column((e) => e.ga_client_id ?? null)}::text[], ${column((e) => e.utm_source ?? null)}::text[],
      ${column((e) => e.utm_medium ?? null)}::text[], ${column((e) => e.utm_campaign ?? null)}::text[],
      ${column((e) => e.referrer ?? null)}::text[],
      ${column((e) => JSON.stringify(e.properties ?? {}))}::text[],
      ${column((e) => e.occurred_at)}::timestamptz[]
    ) AS t(id, customer_id, session_id, name, source, ga_client_id, utm_source, utm_medium,
           utm_campaign, referrer, properties, occurred_at)`.execute(tx.db);
}

/**
 * Records one event or a batch of up to 1,000, all or nothing.
 * @throws `VALIDATION_FAILED` naming each bad event by index (`events.3.occurred_at`);
 *   `CUSTOMER_NOT_FOUND` (with `details.indexes`) for a `customer_id` that is not the
 *   organization's.
 */
export async function trackEvents(
  scope: Scope,
  input: TrackEvent | readonly TrackEvent[],
): Promise<TrackResult> {
  const { events } = parseInput(
    trackBatchSchema,
    { events: Array.isArray(input) ? input : [input] },
    { what: 'events' },
  );
  return inTransaction(scope, async (tx) => {
    const customers = await resolveCustomers(tx, events);
    const ids = events.map(() => randomUUID());
    await insertEvents(tx, events, customers, ids);
    await recordGaSessions(tx, events, customers);
    return { ids, linked: customers.filter((c) => c !== null).length };
  });
}
