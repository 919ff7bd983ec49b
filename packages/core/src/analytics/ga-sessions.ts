/**
 * `ga_sessions`: one row per (organization, GA client id), kept from the events that carry
 * the id. Every rule is independent of the order events arrive in, so a late or replayed
 * batch leaves the same rows as in-order delivery:
 *
 * - `first_seen_at` = the least `occurred_at` seen, `last_seen_at` = the greatest;
 * - `customer_id` = the customer of the newest event of the client id that names one (ties:
 *   the larger id), read back from `events` — never set back to null by anonymous events.
 *
 * @example
 * -- per batch, inside the transaction that inserted its events (ids sorted: lock order)
 * INSERT INTO ga_sessions (organization_id, ga_client_id, first_seen_at, last_seen_at)
 * SELECT $org, g, f, l FROM unnest($ids, $firsts, $lasts) AS t(g, f, l)
 * ON CONFLICT (organization_id, ga_client_id) DO UPDATE
 *   SET first_seen_at = LEAST(ga_sessions.first_seen_at, excluded.first_seen_at),
 *       last_seen_at = GREATEST(ga_sessions.last_seen_at, excluded.last_seen_at)
 *   WHERE <the batch widens the row's span>;
 */
import { sql } from 'kysely';
import type { Scope } from '../scope.js';

/** What a batch saw of one GA client id. */
interface Sighting {
  first: string;
  last: string;
  /** A customer was named by one of its events. */
  linked: boolean;
}

/**
 * Folds one batch's events into `ga_sessions`. `events[i]` was linked to `customers[i]`;
 * times are ISO strings (compared as instants by Postgres, not as text here).
 */
export async function recordGaSessions(
  tx: Scope,
  events: ReadonlyArray<{ ga_client_id?: string | null | undefined; occurred_at: string }>,
  customers: ReadonlyArray<string | null>,
): Promise<void> {
  const seen = new Map<string, Sighting>();
  events.forEach((event, index) => {
    const id = event.ga_client_id;
    if (!id) return;
    const at = event.occurred_at;
    const linked = customers[index] != null;
    const known = seen.get(id);
    if (!known) {
      seen.set(id, { first: at, last: at, linked });
      return;
    }
    if (Date.parse(at) < Date.parse(known.first)) known.first = at;
    if (Date.parse(at) > Date.parse(known.last)) known.last = at;
    known.linked ||= linked;
  });
  if (seen.size === 0) return;
  // Sorted, so two batches sharing client ids lock their rows in the same order (no deadlock).
  const ids = [...seen.keys()].sort();
  const sightings = ids.map((id) => seen.get(id) as Sighting);
  await sql`
    INSERT INTO ga_sessions (organization_id, ga_client_id, first_seen_at, last_seen_at)
    SELECT ${tx.organizationId}, t.ga_client_id, t.first_seen_at, t.last_seen_at
    FROM unnest(${ids}::text[], ${sightings.map((s) => s.first)}::timestamptz[],
                ${sightings.map((s) => s.last)}::timestamptz[])
      AS t(ga_client_id, first_seen_at, last_seen_at)
    ON CONFLICT (organization_id, ga_client_id) DO UPDATE
      SET first_seen_at = LEAST(ga_sessions.first_seen_at, excluded.first_seen_at),
          last_seen_at = GREATEST(ga_sessions.last_seen_at, excluded.last_seen_at)
      -- A row the batch does not widen is not rewritten (a replay makes no new row
      -- version), but it is locked all the same, which the re-link below relies on.
      WHERE excluded.first_seen_at < ga_sessions.first_seen_at
         OR excluded.last_seen_at > ga_sessions.last_seen_at
         OR ga_sessions.first_seen_at IS NULL OR ga_sessions.last_seen_at IS NULL`.execute(tx.db);
  const linked = ids.filter((id) => seen.get(id)?.linked);
  if (linked.length === 0) return;
  // A statement of its own: it starts after the upsert above holds the rows' locks, so it
  // sees the events of any concurrent batch that linked the same client id and committed
  // first (READ COMMITTED takes a snapshot per statement). Served by migration 0032's index.
  await sql`
    UPDATE ga_sessions s SET customer_id = latest.customer_id
    FROM unnest(${linked}::text[]) AS g(ga_client_id)
    CROSS JOIN LATERAL (
      SELECT e.customer_id FROM events e
      WHERE e.organization_id = ${tx.organizationId} AND e.ga_client_id = g.ga_client_id
        AND e.customer_id IS NOT NULL
      ORDER BY e.occurred_at DESC, e.customer_id DESC
      LIMIT 1
    ) latest
    WHERE s.organization_id = ${tx.organizationId} AND s.ga_client_id = g.ga_client_id
      AND s.customer_id IS DISTINCT FROM latest.customer_id`.execute(tx.db);
}
