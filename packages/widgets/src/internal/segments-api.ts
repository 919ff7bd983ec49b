/**
 * The segment calls `<gt-segment-builder>` makes, through the typed client of
 * `@greentrack/core/client` (bundled into our build, see client.ts), and the rule tree
 * types the builder produces.
 */
import { GreenTrackApiError, type Rule, type Segment, type SegmentPreview } from './client.js';

export { GreenTrackApiError, type Segment, type SegmentPreview };

/** A rule tree as the server's rule schema defines it (`all` / `any` / `not` over predicates). */
export type SegmentRule = Rule;

/** A leaf of the rule tree: one predicate, discriminated by `field`. */
export type SegmentPredicate = Exclude<
  Rule,
  { all: unknown } | { any: unknown } | { not: unknown }
>;

/** The `vector` half of a segment the builder writes: a text and a minimum similarity. */
export interface SegmentVector {
  text: string;
  /** Minimum cosine similarity, in [-1, 1]. */
  threshold: number;
}

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
