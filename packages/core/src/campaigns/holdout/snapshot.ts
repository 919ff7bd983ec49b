/**
 * The holdout of a run, frozen with its audience: of the run's n recipients exactly
 * round(n × percent / 100) are marked held out in `campaign_audience.included_reason`
 * (`[holdout] ` before the segment's reason, which stays readable), chosen at random but
 * reproducibly — ordered by md5(run id ‖ customer id), ties by customer id — in ONE
 * set-based UPDATE in the snapshot's transaction. Held-out recipients get no
 * `campaign_deliveries` row (`runs.ts`), and every message of a run comes from that ledger,
 * so none is ever queued or sent for them.
 *
 * ```sql
 * WITH ranked AS (SELECT id, row_number() OVER (ORDER BY md5(run || customer_id), customer_id) AS rank,
 *                        count(*) OVER () AS n
 *                   FROM campaign_audience WHERE campaign_run_id = $run)
 * UPDATE campaign_audience a SET included_reason = '[holdout] ' || coalesce(a.included_reason, '')
 *   FROM ranked r WHERE a.id = r.id AND r.rank <= round(r.n * $percent / 100)
 * ```
 */
import { type RawBuilder, type SqlBool, sql } from 'kysely';
import type { Scope } from '../../scope.js';

/** How a held-out recipient's `included_reason` starts. */
const HOLDOUT_MARK = '[holdout]';

/** True for a `campaign_audience` row (as `alias`) held out of sending. */
export const isHeldOut = (alias: string): RawBuilder<SqlBool> =>
  sql<SqlBool>`coalesce(${sql.ref(`${alias}.included_reason`)} LIKE ${`${HOLDOUT_MARK}%`}, false)`;

/**
 * Marks the run's holdout (`percent` of its frozen audience, rounded half up); returns how
 * many recipients are held out. Idempotent: the same rows rank first on a second call, and
 * a row already marked is not marked again.
 */
export async function holdOut(
  scope: Scope,
  campaignRunId: string,
  percent: number,
): Promise<number> {
  if (percent <= 0) return 0;
  await sql`
    WITH ranked AS (
      SELECT id, row_number() OVER (ORDER BY md5(${campaignRunId}::text || customer_id::text), customer_id) AS rank,
             count(*) OVER () AS n
        FROM campaign_audience WHERE campaign_run_id = ${campaignRunId}::uuid)
    UPDATE campaign_audience a
       SET included_reason = ${`${HOLDOUT_MARK} `} || coalesce(a.included_reason, '')
      FROM ranked r
     WHERE a.id = r.id AND r.rank <= round(r.n * ${percent}::numeric / 100)
       AND NOT ${isHeldOut('a')}`.execute(scope.db);
  const held = await scope.db
    .selectFrom('campaign_audience as a')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('a.campaign_run_id', '=', campaignRunId)
    .where(isHeldOut('a'))
    .executeTakeFirstOrThrow();
  return Number(held.n);
}
