/**
 * Refreshing the two materialized views (`mv_campaign_performance`, `mv_revenue_by_campaign`)
 * and recording when, in `materialized_view_refreshes` (migration 0037): the `asOf` of every
 * KPI read from them, and what the worker's schedule compares with.
 *
 * The views hold every organization, so one refresh serves all of them, and only one
 * should run at a time: across processes a session-level advisory lock (released by
 * Postgres if the process dies mid-refresh), inside one process a queue (PGlite is one
 * session, where the lock is re-entrant). Whoever gets the lock reads the last refresh again
 * under it, so a process that waited behind another's refresh does not repeat it.
 *
 * `CONCURRENTLY` on Postgres keeps dashboards reading while the views are rebuilt. PGlite
 * has one connection, so nobody can read during a refresh anyway, and the plain refresh
 * (a rebuild, no diff against the old contents) is the cheaper one there.
 */
import { type Kysely, sql } from 'kysely';
import type { Clock } from '../clock.js';
import type { DatabaseAccess } from './access.js';
import type { DialectName } from './connect.js';
import { refreshMaterializedViews } from './migrator.js';
import { SYSTEM_ROLE } from './row-level-security.js';
import type { Database, MaterializedViews } from './types.js';

/** The advisory lock key of a refresh ('gtKPIv' in ASCII): any constant unique to it. */
const REFRESH_LOCK_KEY = sql.lit(0x67744b504976);

const VIEWS: readonly (keyof MaterializedViews)[] = [
  'mv_campaign_performance',
  'mv_revenue_by_campaign',
];

/** What a refresh call did. */
export interface ViewRefreshResult {
  /** False when the views were fresh enough, or another process held the refresh lock. */
  refreshed: boolean;
  /** When the views were last refreshed (now, if this call did); `null`: never. */
  asOf: Date | null;
}

/** When to refresh. */
type ViewRefreshWhen =
  /** Only when the last refresh is at least this old; skip if another process is at it. */
  | { olderThanMs: number }
  /** Now, waiting for a refresh under way elsewhere to end first. */
  | { force: true; concurrently?: boolean };

/** The instance's one way to refresh the views (worker, `org.kpis.refresh`, `gt.refreshMaterializedViews`). */
export interface ViewRefresher {
  refresh(when: ViewRefreshWhen): Promise<ViewRefreshResult>;
}

/**
 * When both views were last refreshed (the older of the two), or `null`. Readable by
 * tenant work: the table says nothing about any organization.
 */
export async function readRefreshedAt(db: Kysely<Database>): Promise<Date | null> {
  const rows = await db
    .selectFrom('materialized_view_refreshes')
    .select(['view_name', 'refreshed_at'])
    .execute();
  if (rows.length < VIEWS.length) return null;
  return new Date(Math.min(...rows.map((r) => r.refreshed_at.getTime())));
}

/** Builds the refresher of one instance. */
export function createViewRefresher(deps: {
  database: DatabaseAccess;
  dialect: DialectName;
  clock: Clock;
}): ViewRefresher {
  const { database, dialect, clock } = deps;
  // Under row-level security the views belong to the system role, which refreshes them.
  const asRole = database.rowLevelSecurity ? { asRole: SYSTEM_ROLE } : {};
  let queue: Promise<unknown> = Promise.resolve();

  const run = (when: ViewRefreshWhen) =>
    database.login.connection().execute(async (session): Promise<ViewRefreshResult> => {
      if ('force' in when) {
        await sql`SELECT pg_advisory_lock(${REFRESH_LOCK_KEY})`.execute(session);
      } else {
        const { rows } = await sql<{ locked: boolean }>`
          SELECT pg_try_advisory_lock(${REFRESH_LOCK_KEY}) AS locked`.execute(session);
        if (!rows[0]?.locked) return { refreshed: false, asOf: await readRefreshedAt(session) };
      }
      try {
        const last = await readRefreshedAt(session);
        const startedAt = clock.now();
        if (
          'olderThanMs' in when &&
          last !== null &&
          startedAt.getTime() - last.getTime() < when.olderThanMs
        )
          return { refreshed: false, asOf: last };
        const concurrently =
          'force' in when ? (when.concurrently ?? false) : dialect === 'postgres';
        const began = performance.now();
        await refreshMaterializedViews(session, { concurrently, ...asRole });
        const durationMs = Math.round(performance.now() - began);
        await session
          .insertInto('materialized_view_refreshes')
          .values(
            VIEWS.map((view_name) => ({
              view_name,
              refreshed_at: startedAt,
              duration_ms: durationMs,
            })),
          )
          .onConflict((oc) =>
            oc.column('view_name').doUpdateSet((eb) => ({
              refreshed_at: eb.ref('excluded.refreshed_at'),
              duration_ms: eb.ref('excluded.duration_ms'),
            })),
          )
          .execute();
        return { refreshed: true, asOf: startedAt };
      } finally {
        await sql`SELECT pg_advisory_unlock(${REFRESH_LOCK_KEY})`.execute(session);
      }
    });

  return {
    refresh: (when) => {
      const result = queue.then(() => run(when));
      queue = result.catch(() => undefined);
      return result;
    },
  };
}
