/**
 * The segment calls `<gt-segment-builder>` makes, through the typed client of
 * `@greentrack/core/client` (bundled into our build, see client.ts), plus the
 * subset of the rule tree the builder produces.
 */
import { createClient, GreenTrackApiError, type Segment, type SegmentPreview } from './client.js';

export { GreenTrackApiError, type Segment, type SegmentPreview };

/** A leaf predicate the builder can produce (a subset of the server's rule schema). */
export type SegmentPredicate =
  | { field: 'type'; op: 'eq'; value: 'customer' | 'lead' }
  | { field: 'tags'; op: 'has_any'; values: string[] }
  | { field: 'country'; op: 'in'; values: string[] }
  | { field: 'created_at'; op: 'within_days'; days: number }
  | { field: 'consent'; op: 'subscribed'; channel: 'email' | 'sms' }
  | { field: 'never_paid' }
  | { field: 'overdue_amount'; op: 'gt'; value: number };

/** A one-level rule: every (`all`) or at least one (`any`) of the predicates holds. */
export type SegmentRule = { all: SegmentPredicate[] } | { any: SegmentPredicate[] };

/** One validation problem: `path` is dotted from the body root, e.g. `rule.all.0.days`. */
export interface ValidationIssue {
  path: string;
  message: string;
}

/** The issues of a `VALIDATION_FAILED` error, narrowed from untrusted `details`. */
export function validationIssues(error: unknown): ValidationIssue[] {
  if (!(error instanceof GreenTrackApiError)) return [];
  const issues = error.details?.issues;
  if (!Array.isArray(issues)) return [];
  return issues.flatMap((issue: unknown) => {
    if (typeof issue !== 'object' || issue === null) return [];
    const { path, message } = issue as Record<string, unknown>;
    return typeof message === 'string'
      ? [{ path: typeof path === 'string' ? path : '', message }]
      : [];
  });
}

export interface SegmentsApiOptions {
  /** Where the API is mounted, e.g. `https://shop.example/api/greentrack`. */
  baseUrl: string;
  /** A widget token, sent as `Authorization: Bearer …`. */
  token?: string | undefined;
}

/** The client's `segments` API, as the builder uses it. */
export function createSegmentsApi(options: SegmentsApiOptions) {
  return createClient({
    baseUrl: options.baseUrl,
    ...(options.token ? { token: options.token } : {}),
  }).segments;
}

export type SegmentsApi = ReturnType<typeof createSegmentsApi>;
