/**
 * The worker's attribution pass: credits the conversions written since the worker last
 * looked, organization by organization, each in its own transaction (as the system actor).
 *
 * "Since it last looked" is by the database's clock: `events.created_at` at or after the
 * organization's `scanned_until` less `COMMIT_MARGIN` — an event's `created_at` is its
 * transaction's start, so a transaction that commits late is still seen. Each conversion is
 * credited once (`attribution_examined`), touches or not, so the margin costs an index range
 * and never a second look. A conversion is credited on the first tick after it commits: the
 * delay is the worker's interval (decision 176). Several worker processes: the organization's
 * state row is taken with SKIP LOCKED, and the unique index on credits holds regardless.
 */
import { sql } from 'kysely';
import type { Clock } from '../clock.js';
import type { DatabaseAccess } from '../db/access.js';
import type { Emit } from '../events.js';
import { inTransaction, type Scope, systemScope } from '../scope.js';
import { type ConversionRow, conversionsSql } from './conversions.js';
import { insertCredits } from './credits.js';
import { lockAttributionState, markExamined } from './progress.js';
import { getAttributionSettings } from './settings.js';

/** What the pass needs from the instance. */
export interface AttributionPassDeps {
  database: DatabaseAccess;
  clock: Clock;
  emit: Emit;
}

/** What one pass did, over all organizations. */
export interface AttributionPassResult {
  /** Conversions credited for the first time (with or without a touch). */
  conversions: number;
  /** Credit rows written. */
  credits: number;
}

/** How long a transaction may take to commit and still have its events seen. */
const COMMIT_MARGIN = '5 minutes';

/** Most conversions one organization gets per tick; the rest follow on the next. */
const ATTRIBUTION_BATCH_SIZE = 10_000;

/** Credits one organization's new conversions; `undefined` when another worker has it. */
async function attributeNew(tx: Scope): Promise<AttributionPassResult | undefined> {
  const state = await lockAttributionState(tx, { skipLocked: true });
  if (!state) return undefined;
  const settings = await getAttributionSettings(tx);
  const from = state.scanned_until
    ? sql`${state.scanned_until}::timestamptz - interval '${sql.raw(COMMIT_MARGIN)}'`
    : sql`'-infinity'::timestamptz`;
  const fresh = await markExamined(
    tx,
    sql<{ event_id: string }>`
      SELECT c.event_id FROM (${conversionsSql(tx, settings)}) c
      JOIN events e ON e.id = c.event_id
      WHERE e.organization_id = ${tx.organizationId} AND e.customer_id IS NOT NULL
        AND e.created_at >= ${from}
        AND NOT EXISTS (SELECT 1 FROM attribution_examined x WHERE x.event_id = c.event_id)
      ORDER BY e.created_at, c.event_id
      LIMIT ${ATTRIBUTION_BATCH_SIZE}`,
  );
  const credits =
    fresh.length === 0
      ? 0
      : await insertCredits(
          tx,
          settings,
          sql<ConversionRow>`SELECT c.* FROM (${conversionsSql(tx, settings)}) c
            WHERE c.event_id = ANY(${fresh}::uuid[])`,
        );
  // A full batch leaves conversions behind: look from the same point next time.
  if (fresh.length < ATTRIBUTION_BATCH_SIZE)
    await tx.db
      .updateTable('attribution_state')
      .set({ scanned_until: state.db_now, updated_at: state.db_now })
      .where('organization_id', '=', tx.organizationId)
      .execute();
  return { conversions: fresh.length, credits };
}

/** Runs the pass once over every organization with events written since it last looked. */
export async function runAttributionPass(
  deps: AttributionPassDeps,
): Promise<AttributionPassResult> {
  const { rows: organizations } = await sql<{ id: string }>`
    SELECT o.id FROM organizations o
    LEFT JOIN attribution_state s ON s.organization_id = o.id
    WHERE EXISTS (SELECT 1 FROM events e
      WHERE e.organization_id = o.id AND e.customer_id IS NOT NULL
        AND e.created_at >= coalesce(s.scanned_until - interval '${sql.raw(COMMIT_MARGIN)}',
                                     '-infinity'))
    ORDER BY o.id`.execute(
    deps.database.system('the attribution pass finds organizations with new events'),
  );
  const total: AttributionPassResult = { conversions: 0, credits: 0 };
  for (const organization of organizations) {
    const done = await inTransaction(systemScope(deps, organization.id), attributeNew);
    total.conversions += done?.conversions ?? 0;
    total.credits += done?.credits ?? 0;
  }
  return total;
}
