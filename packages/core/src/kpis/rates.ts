/**
 * The five rates of a campaign or run, from unique counts (each a message counted once
 * however many events of the kind it has). Engagement is measured against what was
 * delivered, not sent: a bounced message could never be opened.
 */

/** The counts a rate is computed from. */
export interface KpiCounts {
  sent: number;
  delivered: number;
  opened: number;
  clicked: number;
  bounced: number;
  unsubscribed: number;
  /** Conversions credited by the model (refunds are not conversions). */
  conversions: number;
  /** Net revenue credited by the model, integer cents (refunds subtract). */
  revenueCents: number;
}

/** Ratios in [0, 1] — the conversion rate may exceed 1 when recipients buy twice. */
export interface KpiRates {
  /** delivered / sent */
  delivery: number | null;
  /** opened / delivered */
  open: number | null;
  /** clicked / delivered */
  click: number | null;
  /** unsubscribed / delivered */
  unsubscribe: number | null;
  /** conversions / delivered */
  conversion: number | null;
}

/** `null` when nothing was there to measure against: 0 of 0 is no rate at all. */
const ratio = (part: number, whole: number): number | null => (whole === 0 ? null : part / whole);

export function ratesOf(counts: KpiCounts): KpiRates {
  return {
    delivery: ratio(counts.delivered, counts.sent),
    open: ratio(counts.opened, counts.delivered),
    click: ratio(counts.clicked, counts.delivered),
    unsubscribe: ratio(counts.unsubscribed, counts.delivered),
    conversion: ratio(counts.conversions, counts.delivered),
  };
}

/** The sum of several runs' counts: a campaign's are the sum of its runs'. */
export function sumCounts(rows: readonly KpiCounts[]): KpiCounts {
  const total: KpiCounts = {
    sent: 0,
    delivered: 0,
    opened: 0,
    clicked: 0,
    bounced: 0,
    unsubscribed: 0,
    conversions: 0,
    revenueCents: 0,
  };
  for (const row of rows) {
    for (const key of Object.keys(total) as (keyof KpiCounts)[]) total[key] += row[key];
  }
  return total;
}
