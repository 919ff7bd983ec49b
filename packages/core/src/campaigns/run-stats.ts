/**
 * `campaign_runs.stats` counters, changed in the database so concurrent workers and people
 * resolving held messages never overwrite each other's counts (no read-modify-write).
 */
import { sql } from 'kysely';
import type { Scope } from '../scope.js';

/**
 * Adds each count (negative to take away) to the run's stats.
 * @example await addToRunStats(tx, runId, { unknown: -1, sent: 1 })
 */
export async function addToRunStats(
  scope: Scope,
  runId: string,
  counts: Record<string, number>,
): Promise<void> {
  const entries = Object.entries(counts).filter(([, n]) => n !== 0);
  if (entries.length === 0) return;
  const additions = entries.map(
    ([key, n]) =>
      sql`jsonb_build_object(${key}::text, coalesce((stats ->> ${key})::int, 0) + ${n}::int)`,
  );
  await sql`UPDATE campaign_runs SET stats = stats || ${sql.join(additions, sql` || `)}
             WHERE id = ${runId}`.execute(scope.db);
}
