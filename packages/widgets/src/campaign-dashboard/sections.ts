/**
 * The dashboard's read-only sections as templates of their data: number tiles, the KPI tiles,
 * the funnel, the holdout comparison and the daily table. No state and no calls: the
 * component loads the data and decides what shows.
 */
import { html, nothing } from 'lit';
import type { CampaignKpis, HoldoutComparison, KpiFunnel, KpiSeries } from '../internal/client.js';
import type { CampaignDashboardMessages } from './campaign-dashboard.messages.js';
import { formatCount, formatDay, formatMoney, formatPercent } from './format.js';

type Text = CampaignDashboardMessages;

/** A share, or nothing when its denominator was 0 (the API's `null` rate). */
const share = (ratio: number | null | undefined, note: (percent: string) => string) =>
  ratio === null || ratio === undefined ? undefined : note(formatPercent(ratio));

/** One tile: a label, a formatted value and an optional note under it. */
export function tile(label: string, value: string, note?: string) {
  return html`<div part="tile" class="tile">
    <dt>${label}</dt>
    <dd>
      <span part="tile-value" class="tile-value">${value}</span>
      ${note === undefined ? nothing : html`<span class="tile-note">${note}</span>`}
    </dd>
  </div>`;
}

/** Totals of a campaign or of one of its runs (`part`), each rate under its count. */
export function kpiTiles(
  kpis: Omit<CampaignKpis, 'campaignId' | 'model' | 'asOf' | 'runs'>,
  t: Text,
  currency: string,
  part: 'kpis' | 'run-kpis' = 'kpis',
) {
  const { rates } = kpis;
  return html`<dl part="tiles ${part}" class="tiles">
    ${tile(t.kpis.sent, formatCount(kpis.sent))}
    ${tile(t.kpis.delivered, formatCount(kpis.delivered), share(rates.delivery, t.ofSent))}
    ${tile(t.kpis.opened, formatCount(kpis.opened), share(rates.open, t.ofDelivered))}
    ${tile(t.kpis.clicked, formatCount(kpis.clicked), share(rates.click, t.ofDelivered))}
    ${tile(
      t.kpis.unsubscribed,
      formatCount(kpis.unsubscribed),
      share(rates.unsubscribe, t.ofDelivered),
    )}
    ${tile(t.kpis.conversions, formatCount(kpis.conversions), share(rates.conversion, t.ofDelivered))}
    ${tile(t.kpis.revenue, formatMoney(kpis.revenueCents, currency))}
  </dl>`;
}

const FUNNEL_STEPS = ['audience', 'sent', 'delivered', 'opened', 'clicked', 'converted'] as const;

/** Unique customers at each step, as a list of bars sized against the audience. */
export function funnel(data: KpiFunnel, t: Text) {
  const top = Math.max(1, data.audience);
  return html`<ol part="funnel" class="funnel">
    ${FUNNEL_STEPS.map((step, i) => {
      const value = data[step];
      const before = i === 0 ? undefined : data[FUNNEL_STEPS[i - 1] ?? 'audience'];
      const note = before ? t.ofPrevious(formatPercent(value / before)) : '';
      return html`<li part="funnel-step" class="funnel-step">
        <span class="funnel-label">${t.funnelSteps[step]}</span>
        <span class="funnel-value">${formatCount(value)}</span>
        <span class="funnel-note">${note}</span>
        <span class="funnel-bar" aria-hidden="true"
          ><span style="inline-size: ${(100 * value) / top}%"></span
        ></span>
      </li>`;
    })}
  </ol>`;
}

type Interval = { estimate: number; low: number | null; high: number | null };

/** "95% interval: low to high", or why there is none. */
function intervalText(interval: Interval, format: (n: number) => string, t: Text): string {
  const { low, high } = interval;
  return low === null || high === null ? t.noInterval : t.interval(format(low), format(high));
}

/** An estimate with its 95 % interval under it, each end formatted by `format`. */
function withInterval(interval: Interval, format: (n: number) => string, t: Text) {
  return html`${format(interval.estimate)}<span class="interval"
      >${intervalText(interval, format, t)}</span
    >`;
}

/** Treated against held out: recipients, conversion rate, revenue per recipient, and the lift. */
export function holdout(data: HoldoutComparison, t: Text, currency: string) {
  const { treated, holdout: held, difference, incremental } = data;
  if (!held || !difference || !incremental) return nothing;
  const money = (cents: number) => formatMoney(cents, currency);
  const signedPercent = (ratio: number) => `${ratio > 0 ? '+' : ''}${formatPercent(ratio)}`;
  return html`<table part="holdout" class="holdout">
      <caption class="note">${t.holdoutWindow(data.window_days)}</caption>
      <thead>
        <tr>
          <td></td>
          <th scope="col">${t.treated}</th>
          <th scope="col">${t.heldOut}</th>
          <th scope="col">${t.difference}</th>
        </tr>
      </thead>
      <tbody>
        <tr>
          <th scope="row">${t.recipients}</th>
          <td>${formatCount(treated.recipients)}</td>
          <td>${formatCount(held.recipients)}</td>
          <td></td>
        </tr>
        <tr>
          <th scope="row">${t.conversionRate}</th>
          <td>${formatPercent(treated.conversion_rate)}</td>
          <td>${formatPercent(held.conversion_rate)}</td>
          <td>${withInterval(difference.conversion_rate, signedPercent, t)}</td>
        </tr>
        <tr>
          <th scope="row">${t.revenuePerRecipient}</th>
          <td>${money(treated.revenue_per_recipient_cents)}</td>
          <td>${money(held.revenue_per_recipient_cents)}</td>
          <td>${withInterval(difference.revenue_per_recipient_cents, money, t)}</td>
        </tr>
      </tbody>
    </table>
    <dl part="tiles" class="tiles">
      ${tile(t.incrementalRevenue, money(incremental.revenue_cents.estimate), intervalText(incremental.revenue_cents, money, t))}
    </dl>`;
}

/** The series' keys in the chart's and the table's order. */
export const SERIES_KEYS = [
  'sends',
  'deliveries',
  'opens',
  'clicks',
  'conversions',
  'revenueCents',
] as const;

/** The daily numbers as a table (the chart's text alternative), with a total row. */
export function seriesTable(series: KpiSeries, t: Text, currency: string) {
  const cell = (key: (typeof SERIES_KEYS)[number], n: number) =>
    key === 'revenueCents' ? formatMoney(n, currency) : formatCount(n);
  const names = { ...t.series, revenueCents: t.series.revenue };
  return html`<table part="table" class="series-table">
    <thead>
      <tr>
        <th scope="col">${t.day}</th>
        ${SERIES_KEYS.map((key) => html`<th scope="col">${names[key]}</th>`)}
      </tr>
    </thead>
    <tbody>
      ${series.days.map(
        (day) =>
          html`<tr>
            <th scope="row"><time datetime=${day.date}>${formatDay(day.date)}</time></th>
            ${SERIES_KEYS.map((key) => html`<td>${cell(key, day[key])}</td>`)}
          </tr>`,
      )}
    </tbody>
    <tfoot>
      <tr>
        <th scope="row">${t.total}</th>
        ${SERIES_KEYS.map(
          (key) =>
            html`<td>${cell(
              key,
              series.days.reduce((sum, day) => sum + day[key], 0),
            )}</td>`,
        )}
      </tr>
    </tfoot>
  </table>`;
}
