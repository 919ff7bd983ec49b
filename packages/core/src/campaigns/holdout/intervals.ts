/**
 * The statistics of the holdout comparison, from per-group aggregates only (n, count,
 * sum, sample variance): differences treated − holdout with two-sided 95 % intervals.
 *
 * - Conversion rate: the unpooled normal (Wald) interval,
 *   (p₁ − p₀) ± z · √(p₁(1−p₁)/n₁ + p₀(1−p₀)/n₀). Holdout groups are hundreds of people
 *   and more, where it is accurate; it needs no iteration, so the SQL aggregates suffice.
 * - Revenue per recipient: Welch's interval, (m₁ − m₀) ± t(ν) · √(s₁²/n₁ + s₀²/n₀), ν by
 *   Welch–Satterthwaite, from each recipient's revenue in the window (zeros included).
 */
import jStat from 'jstat';

/** An estimate with its 95 % interval; `low`/`high` null when a group is too small. */
export interface Interval {
  estimate: number;
  low: number | null;
  high: number | null;
}

/** What one group contributes: recipients, converters, revenue sum and sample variance. */
export interface GroupAggregate {
  recipients: number;
  converters: number;
  revenueCents: number;
  /** Sample variance of per-recipient revenue (cents²); null below 2 recipients. */
  revenueVariance: number | null;
}

const LEVEL = 0.95;
const upper = 1 - (1 - LEVEL) / 2;

function around(estimate: number, halfWidth: number | null): Interval {
  return halfWidth === null || !Number.isFinite(halfWidth)
    ? { estimate, low: null, high: null }
    : { estimate, low: estimate - halfWidth, high: estimate + halfWidth };
}

const rate = (g: GroupAggregate) => (g.recipients === 0 ? 0 : g.converters / g.recipients);
const mean = (g: GroupAggregate) => (g.recipients === 0 ? 0 : g.revenueCents / g.recipients);

/** Difference of conversion rates, treated − holdout, with its Wald interval. */
export function rateDifference(treated: GroupAggregate, holdout: GroupAggregate): Interval {
  const estimate = rate(treated) - rate(holdout);
  if (treated.recipients === 0 || holdout.recipients === 0) return around(estimate, null);
  const variance = (g: GroupAggregate) => (rate(g) * (1 - rate(g))) / g.recipients;
  const z = jStat.normal.inv(upper, 0, 1);
  return around(estimate, z * Math.sqrt(variance(treated) + variance(holdout)));
}

/** Difference of revenue per recipient (cents), treated − holdout, with Welch's interval. */
export function revenuePerRecipientDifference(
  treated: GroupAggregate,
  holdout: GroupAggregate,
): Interval {
  const estimate = mean(treated) - mean(holdout);
  if (treated.revenueVariance === null || holdout.revenueVariance === null)
    return around(estimate, null);
  const a = treated.revenueVariance / treated.recipients;
  const b = holdout.revenueVariance / holdout.recipients;
  // Both groups constant: no spread, the difference is exact.
  if (a + b === 0) return around(estimate, 0);
  const dof =
    (a + b) ** 2 / (a ** 2 / (treated.recipients - 1) + b ** 2 / (holdout.recipients - 1));
  return around(estimate, jStat.studentt.inv(upper, dof) * Math.sqrt(a + b));
}

/** `difference` scaled to the treated group: what the campaign added in total. */
export function scaled(difference: Interval, by: number): Interval {
  return {
    estimate: difference.estimate * by,
    low: difference.low === null ? null : difference.low * by,
    high: difference.high === null ? null : difference.high * by,
  };
}
