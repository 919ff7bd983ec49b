/**
 * `createGreenTrack({ kpis })`: how often the worker refreshes the materialized views, and
 * how often an admin may ask for a refresh.
 */
import { z } from 'zod';

/** Options of `createGreenTrack({ kpis })`. */
export interface KpiOptions {
  /**
   * The worker refreshes the materialized views (the per-campaign KPIs) when their last
   * refresh is this old; one worker process does it, whichever gets there first.
   * @default 900000 (15 minutes)
   */
  refreshIntervalMs?: number;
  /**
   * `org.kpis.refresh()` (`POST /kpis/refresh`) refreshes only when the views are at least
   * this old. The views hold every organization, so this bounds what the admins of all
   * organizations together can make the database do.
   * @default 60000 (one minute)
   */
  onDemandMinIntervalMs?: number;
}

const DEFAULTS = { refreshIntervalMs: 15 * 60_000, onDemandMinIntervalMs: 60_000 } as const;

export const kpiOptionsSchema = z
  .object({
    refreshIntervalMs: z
      .number()
      .int()
      .min(1000)
      .max(7 * 24 * 3_600_000)
      .optional(),
    onDemandMinIntervalMs: z
      .number()
      .int()
      .min(0)
      .max(24 * 3_600_000)
      .optional(),
  })
  .strict();

/** The options with their defaults applied. */
export function resolveKpiOptions(options: KpiOptions = {}): Required<KpiOptions> {
  return {
    refreshIntervalMs: options.refreshIntervalMs ?? DEFAULTS.refreshIntervalMs,
    onDemandMinIntervalMs: options.onDemandMinIntervalMs ?? DEFAULTS.onDemandMinIntervalMs,
  };
}
