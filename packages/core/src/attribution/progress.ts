/**
 * The attribution worker's bookkeeping (migration 0035): per organization, how far it has
 * looked (`attribution_state`), and which conversions are done (`attribution_examined`).
 * The state row is also the organization's attribution lock: the worker takes it with
 * SKIP LOCKED (another worker has the organization: skip it), a recompute waits for it.
 */
import { type RawBuilder, sql } from 'kysely';
import type { Scope } from '../scope.js';

/** The organization's state row, locked; `undefined` when another transaction holds it. */
export async function lockAttributionState(
  tx: Scope,
  options: { skipLocked: boolean },
): Promise<{ scanned_until: Date | null; db_now: Date } | undefined> {
  await tx.db
    .insertInto('attribution_state')
    .values({ organization_id: tx.organizationId })
    .onConflict((oc) => oc.column('organization_id').doNothing())
    .execute();
  const { rows } = await sql<{ scanned_until: Date | null; db_now: Date }>`
    SELECT scanned_until, now() AS db_now FROM attribution_state
    WHERE organization_id = ${tx.organizationId}
    FOR UPDATE ${options.skipLocked ? sql`SKIP LOCKED` : sql``}`.execute(tx.db);
  return rows[0];
}

/** Marks conversions (a subquery of `event_id`s) examined; returns those newly marked. */
export async function markExamined(
  tx: Scope,
  eventIds: RawBuilder<{ event_id: string }>,
): Promise<string[]> {
  const { rows } = await sql<{ event_id: string }>`
    INSERT INTO attribution_examined (event_id, organization_id)
    SELECT x.event_id, ${tx.organizationId}::uuid FROM (${eventIds}) x
    ON CONFLICT (event_id) DO NOTHING
    RETURNING event_id`.execute(tx.db);
  return rows.map((r) => r.event_id);
}
