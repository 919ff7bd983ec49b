/**
 * The drill's verdict on one run: the outbox provider's records against the frozen audience.
 * The outbox is the witness — it records what reached "the provider", whatever the ledger
 * says — so a duplicate or a lost message shows here even if the ledger were wrong.
 */
import { type Kysely, sql } from 'kysely';
import type { Database } from '../src/db/types.js';

/** One run's counts, and what broke the exactly-once promise. */
export interface RunCheck {
  audience: number;
  /** Audience members with exactly one send recorded by the outbox. */
  sentOnce: number;
  /** Extra sends: a member recorded n times counts n − 1. */
  duplicates: number;
  /** Members with no send recorded, and why (the delivery's state: `unknown` = held). */
  missing: number;
  missingByState: Record<string, number>;
  /** Deliveries held as `unknown`, split by whether the outbox did record them. */
  unknown: { total: number; recordedByProvider: number; notRecorded: number };
  /** Deliveries claimed more than once: a killed or slow worker's claim recovered. */
  reclaimed: number;
  deliveriesByState: Record<string, number>;
  violations: string[];
}

/**
 * Checks a finished run: no duplicates and no unexplained gaps, ever. `allowHeld: false`
 * (the idempotent outbox, or after a person resolved every held message) also forbids
 * anything left `unknown`.
 */
export async function verifyRun(
  db: Kysely<Database>,
  runId: string,
  allowHeld: boolean,
): Promise<RunCheck> {
  // Grouped once and hash-joined: a correlated count per member is quadratic at 20k.
  const { rows } = await sql<{ state: string; sends: number; attempts: number }>`
    WITH sends AS (
      SELECT recipient, count(*)::int AS n FROM outbox_messages
       WHERE campaign_run_id = ${runId} GROUP BY recipient
    )
    SELECT d.state, d.attempts, coalesce(s.n, 0) AS sends
      FROM campaign_audience a
      JOIN campaign_deliveries d ON d.audience_id = a.id
      LEFT JOIN sends s ON s.recipient = a.address
     WHERE a.campaign_run_id = ${runId}`.execute(db);
  const tally = (pick: (r: (typeof rows)[number]) => string | null) => {
    const out: Record<string, number> = {};
    for (const r of rows) {
      const key = pick(r);
      if (key !== null) out[key] = (out[key] ?? 0) + 1;
    }
    return out;
  };
  const check: RunCheck = {
    audience: rows.length,
    sentOnce: rows.filter((r) => r.sends === 1).length,
    duplicates: rows.reduce((n, r) => n + Math.max(0, r.sends - 1), 0),
    missing: rows.filter((r) => r.sends === 0).length,
    missingByState: tally((r) => (r.sends === 0 ? r.state : null)),
    unknown: {
      total: rows.filter((r) => r.state === 'unknown').length,
      recordedByProvider: rows.filter((r) => r.state === 'unknown' && r.sends > 0).length,
      notRecorded: rows.filter((r) => r.state === 'unknown' && r.sends === 0).length,
    },
    reclaimed: rows.filter((r) => r.attempts > 1).length,
    deliveriesByState: tally((r) => r.state),
    violations: [],
  };
  if (check.audience === 0) check.violations.push('the audience is empty');
  if (check.duplicates > 0) check.violations.push(`${check.duplicates} duplicate send(s)`);
  const unexplained = check.missing - (check.missingByState.unknown ?? 0);
  if (unexplained > 0)
    check.violations.push(`${unexplained} member(s) missing without a held outcome`);
  const sentWithoutRecord = rows.filter((r) => r.state === 'sent' && r.sends === 0).length;
  if (sentWithoutRecord > 0)
    check.violations.push(`${sentWithoutRecord} delivery(ies) marked sent the outbox never saw`);
  const open = rows.filter((r) => !['sent', 'unknown'].includes(r.state)).length;
  if (open > 0) check.violations.push(`${open} delivery(ies) neither sent nor held`);
  if (!allowHeld && check.unknown.total > 0)
    check.violations.push(`${check.unknown.total} still held as unknown`);
  return check;
}
