/**
 * The worker's pass over the materialized views (`engine/worker.ts`): a refresh every
 * `kpis.refreshIntervalMs`, whichever worker process gets to it first (`db/view-refresh.ts`).
 */
import type { Clock } from '../clock.js';
import type { ViewRefresher, ViewRefreshResult } from '../db/index.js';

/**
 * The worker's pass: refreshes the views when the last refresh is `intervalMs` old. The
 * process remembers the last refresh it saw, so a tick between two refreshes costs no query.
 */
export function createViewRefreshPass(
  refresher: ViewRefresher,
  options: { intervalMs: number; clock: Clock },
): () => Promise<ViewRefreshResult | null> {
  let seen: Date | null = null;
  return async () => {
    if (seen && options.clock.now().getTime() - seen.getTime() < options.intervalMs) return null;
    const result = await refresher.refresh({ olderThanMs: options.intervalMs });
    seen = result.asOf;
    return result;
  };
}
