import { Task, TaskStatus } from '@lit/task';
import { html, nothing, type PropertyValues, unsafeCSS } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import type uPlot from 'uplot';
import type { GtErrorDetail } from '../base/events.js';
import { errorMessages, type GtMessages } from '../base/messages.js';
import { GreenTrackApiElement } from '../internal/api-element.js';
import {
  type Campaign,
  type CampaignKpis,
  type CampaignRun,
  campaignsApi,
  type HoldoutComparison,
  type KpiFunnel,
  type KpiSeries,
  kpisApi,
  type Request,
} from '../internal/client.js';
import { controlStyles } from '../internal/greentrack-element.js';
import { problemStyles, renderProblem } from '../internal/problem.js';
import { visuallyHiddenStyles } from '../internal/visually-hidden.js';
import { campaignDashboardMessages } from './campaign-dashboard.messages.js';
import { campaignDashboardStyles } from './campaign-dashboard.styles.js';
import {
  addDays,
  formatCount,
  formatDateTime,
  formatDay,
  formatMoney,
  formatPercent,
} from './format.js';
import { funnel, holdout, kpiTiles, SERIES_KEYS, seriesTable, tile } from './sections.js';
import { chartStyles, drawChart } from './series-chart.js';

export type {
  Campaign,
  CampaignKpis,
  CampaignRun,
  HoldoutComparison,
  KpiFunnel,
  KpiSeries,
} from '../internal/client.js';

/** An attribution model: which touches get a conversion's credit and revenue. */
export type AttributionModel = 'last_click' | 'first_touch' | 'linear' | 'time_decay';

/**
 * The `detail` of `gt-campaign-select`: the campaign as the list received it. Cancelable:
 * `preventDefault()` keeps the current campaign on screen.
 */
export type CampaignSelectEvent = CustomEvent<Campaign>;

/** The `detail` of `gt-dashboard-change`: the model and period now shown. */
export interface DashboardChangeDetail {
  model: AttributionModel;
  from: string;
  to: string;
}
export type DashboardChangeEvent = CustomEvent<DashboardChangeDetail>;

const MODELS: readonly AttributionModel[] = ['last_click', 'first_touch', 'linear', 'time_decay'];

/** Run counters in the order they are shown; any other key follows, as the server names it. */
const RUN_STATS = ['audience', 'holdout', 'sent', 'failed', 'skipped', 'unknown'] as const;

/** The longest period the series API answers, in days. */
const MAX_DAYS = 366;

/** The default period's length, from the campaign's start. */
const DEFAULT_DAYS = 30;

/** The chart's colours by series, as CSS (the key's swatches carry them to the canvas). */
const SERIES_COLORS: Record<(typeof SERIES_KEYS)[number], string> = {
  sends: 'var(--gt-campaign-dashboard-color-sends, #64748b)',
  deliveries: 'var(--gt-campaign-dashboard-color-deliveries, #0891b2)',
  opens: 'var(--gt-campaign-dashboard-color-opens, #7c3aed)',
  clicks: 'var(--gt-campaign-dashboard-color-clicks, #2563eb)',
  conversions: 'var(--gt-campaign-dashboard-color-conversions, #16a34a)',
  revenueCents: 'var(--gt-campaign-dashboard-color-revenue, #d97706)',
};

/**
 * @summary How the organization's campaigns did: results, a daily chart, the funnel, the
 * holdout lift and each run, for the campaign picked from a list.
 *
 * Lists the campaigns (`GET /campaigns`, newest first) and shows the chosen one:
 * - KPI tiles (`GET /campaigns/{id}/kpis`): sent, delivered, opened, clicked, unsubscribed,
 *   conversions and revenue, each rate under its count, and when the totals were computed;
 * - the daily chart (uPlot, loaded with the first chart) of sends, deliveries, opens, clicks,
 *   conversions and revenue (`GET /kpis/series`) over `from`–`to`, local days of the
 *   organization's time zone, with the same numbers as a table for screen readers and
 *   keyboard users;
 * - the funnel (`GET /campaigns/{id}/funnel`), audience to conversion;
 * - when the campaign holds out part of its audience, the holdout comparison
 *   (`GET /campaigns/{id}/holdout`): conversion rate and revenue per recipient, treated
 *   against held out, the difference with its 95 % interval, and the incremental revenue;
 * - each run (`GET /campaigns/{id}/runs`) with its counters and its own KPI tiles.
 *
 * Conversions and revenue are those credited by `model`. Without `campaign` the newest
 * campaign is shown; without `from`/`to` the 30 days from its start. Money is formatted in
 * `currency` with `Intl.NumberFormat`, in the page's language (`<html lang>`). Keyboard: the
 * campaign list is one tab stop (Arrow keys, Home, End; Enter or Space chooses); the model,
 * the dates and the table toggle are native controls.
 *
 * @example
 * ```html
 * <gt-provider api-base="/api/greentrack" token="…">
 *   <gt-campaign-dashboard currency="EUR" model="linear"></gt-campaign-dashboard>
 * </gt-provider>
 * <script type="module">
 *   import '@greentrack/widgets/campaign-dashboard';
 *   document.addEventListener('gt-campaign-select', (e) => console.log(e.detail.id));
 * </script>
 * ```
 *
 * @customElement gt-campaign-dashboard
 *
 * @event {CampaignSelectEvent} gt-campaign-select - A campaign was chosen; `detail` is the `Campaign`. Bubbles, composed, cancelable: `preventDefault()` keeps the current campaign.
 * @event {DashboardChangeEvent} gt-dashboard-change - The user changed the model or the period; `detail` is `{ model, from, to }`. Bubbles, composed.
 * @event {GtTokenExpiredEvent} gt-token-expired - The token was refused (401); set a fresh `token` and the call is retried once. Bubbles, composed.
 * @event {GtErrorEvent} gt-error - A call failed; `detail` is `{ code, message, status }`. Bubbles, composed.
 *
 * @csspart campaigns - The navigation landmark around the campaign list.
 * @csspart campaign-list - The list of campaigns.
 * @csspart campaign - One campaign's button; the chosen one has `aria-current="true"`.
 * @csspart campaign-meta - A campaign's channel and status.
 * @csspart detail - The chosen campaign's section.
 * @csspart heading - The chosen campaign's name.
 * @csspart controls - The model select and the period's date inputs.
 * @csspart kpis - The KPI tiles (also a `tiles` part).
 * @csspart tiles - A group of number tiles.
 * @csspart tile - One number with its label (and note, if any).
 * @csspart tile-value - A tile's number.
 * @csspart chart - The daily chart's canvas container.
 * @csspart key - The chart's colour key.
 * @csspart table - The daily numbers as a table.
 * @csspart funnel - The funnel's list of steps.
 * @csspart funnel-step - One step: label, count, share of the step before, bar.
 * @csspart holdout - The holdout comparison table.
 * @csspart runs - The list of runs.
 * @csspart run - One run: its heading, its counters and its KPIs.
 * @csspart counters - A run's counters (also a `tiles` part).
 * @csspart run-kpis - A run's KPI tiles (also a `tiles` part).
 * @csspart status - The live region: loading, empty.
 * @csspart error - A failed call, in plain language, with a retry button.
 * @csspart retry - The retry button.
 *
 * @cssproperty --gt-campaign-dashboard-padding - Space inside the border box. Defaults to `--gt-spacing-medium`.
 * @cssproperty --gt-campaign-dashboard-list-width - Width of the campaign list beside the details. Defaults to `16rem`.
 * @cssproperty --gt-campaign-dashboard-tile-background - Background of a number tile and a funnel bar's track. Defaults to `--gt-color-neutral-subtle`.
 * @cssproperty --gt-campaign-dashboard-selected-background - Background of the chosen campaign. Defaults to `--gt-color-neutral-subtle`.
 * @cssproperty --gt-campaign-dashboard-chart-height - Height of the daily chart. Defaults to `16rem`.
 * @cssproperty --gt-campaign-dashboard-color-sends - The sends line. Defaults to `#64748b`.
 * @cssproperty --gt-campaign-dashboard-color-deliveries - The deliveries line. Defaults to `#0891b2`.
 * @cssproperty --gt-campaign-dashboard-color-opens - The opens line. Defaults to `#7c3aed`.
 * @cssproperty --gt-campaign-dashboard-color-clicks - The clicks line. Defaults to `#2563eb`.
 * @cssproperty --gt-campaign-dashboard-color-conversions - The conversions line. Defaults to `#16a34a`.
 * @cssproperty --gt-campaign-dashboard-color-revenue - The revenue line (dashed, right axis). Defaults to `#d97706`.
 * @cssproperty --gt-color-primary - The chosen campaign's marker and the funnel bars. Defaults to `#1d4ed8` (light) / `#8ab4ff` (dark).
 * @cssproperty --gt-color-focus - Focus ring colour. Defaults to `#2563eb` (light) / `#7aa7ff` (dark).
 */
export class GtCampaignDashboard extends GreenTrackApiElement {
  static override styles = [
    ...GreenTrackApiElement.styles,
    controlStyles,
    problemStyles,
    visuallyHiddenStyles,
    unsafeCSS(chartStyles),
    campaignDashboardStyles,
  ];

  /**
   * The id of the campaign shown; empty shows the newest. Reflects the user's choice.
   * @default ''
   */
  @property({ reflect: true }) campaign = '';

  /**
   * The attribution model of conversions and revenue: `last_click`, `first_touch`, `linear`
   * or `time_decay`. Reflects the user's choice.
   * @default 'last_click'
   */
  @property({ reflect: true }) model: AttributionModel = 'last_click';

  /**
   * First day of the chart (`YYYY-MM-DD`, the organization's local day); empty: the day the
   * campaign was scheduled (or created). Reflects the user's choice.
   * @default ''
   */
  @property({ reflect: true }) from = '';

  /**
   * Last day of the chart (`YYYY-MM-DD`), at most 366 days after `from`; empty: 29 days
   * after `from`. Reflects the user's choice.
   * @default ''
   */
  @property({ reflect: true }) to = '';

  /**
   * ISO 4217 code revenue is shown in (amounts are integer cents of it).
   * @default 'USD'
   */
  @property() currency = 'USD';

  /** The campaign list item that holds the list's single tab stop (roving tabindex). */
  @state() private activeIndex = 0;

  @query('[part~="chart"]') private chartBox!: HTMLElement | null;

  #failure: GtErrorDetail | undefined;
  #chart: uPlot | undefined;
  /** The series the chart shows, so a re-render that changes nothing does not redraw it. */
  #charted: KpiSeries | undefined;
  #resizeObserver: ResizeObserver | undefined;

  /** Every campaign of the organization, newest first (one request, not paged by the API). */
  #campaigns = new Task(this, {
    args: () => [this.effectiveApiBase] as const,
    task: async ([apiBase], { signal }): Promise<Campaign[]> => {
      if (!apiBase) return [];
      const { items } = await this.#call(campaignsApi, (c) => c.list(), signal);
      return items;
    },
  });

  /** The chosen campaign's runs with their counters, newest first. */
  #runs = new Task(this, {
    args: () => [this.effectiveApiBase, this.#chosen()?.id] as const,
    task: async ([apiBase, id], { signal }): Promise<CampaignRun[]> => {
      if (!apiBase || !id) return [];
      const { items } = await this.#call(campaignsApi, (c) => c.runs(id), signal);
      return items;
    },
  });

  /** The chosen campaign's totals by the model. */
  #kpis = new Task(this, {
    args: () => [this.effectiveApiBase, this.#chosen()?.id, this.model] as const,
    task: async ([apiBase, id, model], { signal }): Promise<CampaignKpis | null> => {
      if (!apiBase || !id) return null;
      return this.#call(kpisApi, (k) => k.campaign(id, { model }), signal);
    },
  });

  /** The chosen campaign's funnel, its last step by the model. */
  #funnel = new Task(this, {
    args: () => [this.effectiveApiBase, this.#chosen()?.id, this.model] as const,
    task: async ([apiBase, id, model], { signal }): Promise<KpiFunnel | null> => {
      if (!apiBase || !id) return null;
      return this.#call(kpisApi, (k) => k.funnel(id, { model }), signal);
    },
  });

  /** The chosen campaign's days in the period. */
  #series = new Task(this, {
    args: () => [this.effectiveApiBase, this.#chosen()?.id, this.model, ...this.#period()] as const,
    task: async ([apiBase, id, model, from, to], { signal }): Promise<KpiSeries | null> => {
      if (!apiBase || !id || !this.#periodIsValid(from, to)) return null;
      return this.#call(kpisApi, (k) => k.series({ from, to, model, campaignId: id }), signal);
    },
  });

  /** Treated against held out, summed over the runs (`holdout: null` without a holdout). */
  #holdout = new Task(this, {
    args: () => [this.effectiveApiBase, this.#chosen()?.id] as const,
    task: async ([apiBase, id], { signal }): Promise<HoldoutComparison | null> => {
      if (!apiBase || !id) return null;
      return this.#call(campaignsApi, (c) => c.holdout(id), signal);
    },
  });

  /** Every load, for the retry button and a fresh token. */
  get #tasks() {
    return [this.#campaigns, this.#runs, this.#kpis, this.#funnel, this.#series, this.#holdout];
  }

  /** A call whose failure (not an abort) becomes one `gt-error` and the shown problem. */
  async #call<A, T>(
    api: (request: Request) => A,
    call: (group: A) => Promise<T>,
    signal: AbortSignal,
  ): Promise<T> {
    try {
      return await this.callApi(api, call, signal);
    } catch (error) {
      if (!signal.aborted) this.#failure = this.fail(error);
      throw error;
    }
  }

  /** Loads that failed for want of a (valid) token are tried again with the new one. */
  protected override tokenChanged(): void {
    this.#retry();
  }

  #retry(): void {
    // The campaigns first: the others follow once a campaign is chosen.
    const failed = this.#tasks.filter((task) => task.status === TaskStatus.ERROR);
    for (const task of failed.includes(this.#campaigns) ? [this.#campaigns] : failed) {
      void task.run();
    }
  }

  /** Its strings: `messages.campaignDashboard` and `.errors`. */
  protected override get text(): Pick<GtMessages, 'errors' | 'campaignDashboard'> {
    return this.resolveText({
      errors: errorMessages,
      campaignDashboard: campaignDashboardMessages,
    });
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.#resizeObserver = new ResizeObserver(() => this.#fitChart());
    // Moved in the page: disconnecting destroyed the chart, the next update draws it again.
    if (this.hasUpdated) this.requestUpdate();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#resizeObserver?.disconnect();
    this.#chart?.destroy();
    this.#chart = undefined;
    this.#charted = undefined;
  }

  protected override updated(changed: PropertyValues): void {
    super.updated(changed);
    void this.#drawChart();
  }

  #list(): Campaign[] {
    return this.#campaigns.status === TaskStatus.COMPLETE ? (this.#campaigns.value ?? []) : [];
  }

  /** The campaign named by `campaign`, else the newest one. */
  #chosen(): Campaign | undefined {
    const list = this.#list();
    return list.find((c) => c.id === this.campaign) ?? (this.campaign ? undefined : list[0]);
  }

  /** `from` and `to`, or the defaults: 30 days from the campaign's schedule (or creation). */
  #period(): [from: string, to: string] {
    const chosen = this.#chosen();
    const start = (chosen?.schedule_at ?? chosen?.created_at ?? '').slice(0, 10);
    const from = this.from || start;
    return [from, this.to || (from ? addDays(from, DEFAULT_DAYS - 1) : '')];
  }

  #periodIsValid(from: string, to: string): boolean {
    const days = (Date.parse(to) - Date.parse(from)) / 86_400_000 + 1;
    return days >= 1 && days <= MAX_DAYS;
  }

  /** The value of a task once it completed, else `undefined`. */
  #done<T>(task: Task<readonly unknown[], T>): T | undefined {
    return task.status === TaskStatus.COMPLETE ? task.value : undefined;
  }

  #select(campaign: Campaign, index: number): void {
    this.activeIndex = index;
    const proceed = this.dispatchEvent(
      new CustomEvent<Campaign>('gt-campaign-select', {
        detail: campaign,
        bubbles: true,
        composed: true,
        cancelable: true,
      }),
    );
    if (proceed) this.campaign = campaign.id;
  }

  /** Sets the model or a day of the period from a control, then tells the host. */
  #change(key: 'model' | 'from' | 'to', value: string): void {
    const [from, to] = this.#period();
    // The other end keeps its shown value, so changing one end does not move the other.
    this.from = from;
    this.to = to;
    if (key === 'model') this.model = value as AttributionModel;
    else this[key] = value;
    this.dispatchEvent(
      new CustomEvent<DashboardChangeDetail>('gt-dashboard-change', {
        detail: { model: this.model, from: this.from, to: this.to },
        bubbles: true,
        composed: true,
      }),
    );
  }

  async #focusCampaign(index: number): Promise<void> {
    const count = this.#list().length;
    if (count === 0) return;
    this.activeIndex = Math.min(count - 1, Math.max(0, index));
    await this.updateComplete;
    this.renderRoot
      .querySelector<HTMLElement>(`[part~="campaign"][data-index="${this.activeIndex}"]`)
      ?.focus();
  }

  #onListKeydown(event: KeyboardEvent): void {
    const moves: Record<string, number> = {
      ArrowDown: this.activeIndex + 1,
      ArrowUp: this.activeIndex - 1,
      Home: 0,
      End: this.#list().length - 1,
    };
    const target = moves[event.key];
    if (target === undefined) return;
    event.preventDefault();
    void this.#focusCampaign(target);
  }

  /** Draws the series into the chart box when it changed; colours come from the key. */
  async #drawChart(): Promise<void> {
    const series = this.#done(this.#series) ?? undefined;
    const box = this.chartBox;
    if (!box || !series || series === this.#charted) return;
    this.#charted = series;
    const swatches = [...this.renderRoot.querySelectorAll<HTMLElement>('.swatch')];
    const style = getComputedStyle(box);
    const t = this.text.campaignDashboard;
    const names = { ...t.series, revenueCents: t.series.revenue };
    const chart = await drawChart(box, {
      days: series.days.map((d) => formatDay(d.date, { month: 'short', day: 'numeric' })),
      lines: SERIES_KEYS.map((key, i) => ({
        label: names[key],
        color: swatches[i] ? getComputedStyle(swatches[i]).backgroundColor : style.color,
        values: series.days.map((d) => d[key]),
        scale: key === 'revenueCents' ? 'money' : 'count',
      })),
      text: style.color,
      grid: style.borderColor,
      font: `${style.fontSize} ${style.fontFamily}`,
      money: (cents) => formatMoney(cents, this.currency),
      width: box.clientWidth,
      height: box.clientHeight,
    });
    // A newer series may have been drawn while uPlot loaded: keep only the latest chart.
    if (this.#charted !== series) return chart.destroy();
    this.#chart?.destroy();
    this.#chart = chart;
    this.#resizeObserver?.disconnect();
    this.#resizeObserver?.observe(box);
  }

  #fitChart(): void {
    const box = this.chartBox;
    if (!box || !this.#chart) return;
    this.#chart.setSize({ width: box.clientWidth, height: box.clientHeight });
  }

  #renderCampaigns(list: Campaign[], chosen: Campaign | undefined) {
    const t = this.text.campaignDashboard;
    const active = Math.min(this.activeIndex, Math.max(0, list.length - 1));
    return html`<nav part="campaigns" class="campaigns" aria-label=${t.campaigns}>
      <ul part="campaign-list" class="campaign-list" @keydown=${this.#onListKeydown}>
        ${list.map(
          (campaign, index) =>
            html`<li>
              <button
                part="campaign"
                class="campaign"
                type="button"
                data-index=${index}
                tabindex=${index === active ? 0 : -1}
                aria-current=${campaign.id === chosen?.id ? 'true' : nothing}
                @click=${() => this.#select(campaign, index)}
                @focus=${() => {
                  this.activeIndex = index;
                }}
              >
                <span class="campaign-name">${campaign.name}</span>
                <span part="campaign-meta" class="campaign-meta"
                  >${t.channels[campaign.channel]} · ${t.statuses[campaign.status]}</span
                >
              </button>
            </li>`,
        )}
      </ul>
    </nav>`;
  }

  #renderControls(from: string, to: string) {
    const t = this.text.campaignDashboard;
    const date = (key: 'from' | 'to', value: string, label: string) =>
      html`<span class="field">
        <label for=${key}>${label}</label>
        <input
          id=${key}
          type="date"
          .value=${value}
          min=${key === 'to' ? from : nothing}
          max=${key === 'from' ? to : nothing}
          @change=${(e: Event) => this.#change(key, (e.target as HTMLInputElement).value)}
        />
      </span>`;
    return html`<fieldset part="controls" class="controls">
      <legend class="visually-hidden">${t.controls}</legend>
      <span class="field">
        <label for="model">${t.model}</label>
        <select
          id="model"
          @change=${(e: Event) => this.#change('model', (e.target as HTMLSelectElement).value)}
        >
          ${MODELS.map(
            (m) => html`<option value=${m} ?selected=${m === this.model}>${t.models[m]}</option>`,
          )}
        </select>
      </span>
      ${date('from', from, t.from)} ${date('to', to, t.to)}
    </fieldset>`;
  }

  /** True once the runs are loaded and there is one: a campaign never run has no results. */
  #hasRun(): boolean {
    return (this.#done(this.#runs)?.length ?? 0) > 0;
  }

  #renderResults(from: string, to: string) {
    return html`${this.#renderControls(from, to)} ${this.#renderKpis()}
    ${this.#renderSeries(from, to)} ${this.#renderFunnel()} ${this.#renderHoldout()}`;
  }

  #renderKpis() {
    const t = this.text.campaignDashboard;
    const kpis = this.#done(this.#kpis);
    if (!kpis) return nothing;
    return html`<section class="block" aria-labelledby="results-heading">
      <h3 id="results-heading">${t.results}</h3>
      ${kpiTiles(kpis, t, this.currency)}
      <p class="note">${kpis.asOf ? t.asOf(formatDateTime(kpis.asOf)) : t.notComputed}</p>
    </section>`;
  }

  #renderSeries(from: string, to: string) {
    const t = this.text.campaignDashboard;
    const series = this.#done(this.#series);
    const valid = this.#periodIsValid(from, to);
    const names = { ...t.series, revenueCents: t.series.revenue };
    return html`<section class="block" aria-labelledby="daily-heading">
      <h3 id="daily-heading">${t.daily}</h3>
      ${valid ? nothing : html`<p class="note">${t.badPeriod}</p>`}
      ${
        series
          ? html`<ul part="key" class="key" aria-hidden="true">
                ${SERIES_KEYS.map(
                  (key) =>
                    html`<li>
                      <span class="swatch" style="background-color: ${SERIES_COLORS[key]}"></span
                      >${names[key]}
                    </li>`,
                )}
              </ul>
              <div
                part="chart"
                class="chart"
                role="img"
                aria-label=${t.chartSummary(formatDay(from), formatDay(to), series.timeZone)}
              ></div>
              <details class="table-toggle">
                <summary>${t.showTable}</summary>
                ${seriesTable(series, t, this.currency)}
              </details>`
          : nothing
      }
    </section>`;
  }

  #renderFunnel() {
    const t = this.text.campaignDashboard;
    const data = this.#done(this.#funnel);
    if (!data) return nothing;
    return html`<section class="block" aria-labelledby="funnel-heading">
      <h3 id="funnel-heading">${t.funnel}</h3>
      ${funnel(data, t)}
    </section>`;
  }

  #renderHoldout() {
    const t = this.text.campaignDashboard;
    const data = this.#done(this.#holdout);
    if (!data?.holdout) return nothing;
    return html`<section class="block" aria-labelledby="holdout-heading">
      <h3 id="holdout-heading">${t.holdout}</h3>
      ${holdout(data, t, this.currency)}
    </section>`;
  }

  #renderRun(run: CampaignRun) {
    const t = this.text.campaignDashboard;
    const labels: Record<string, string> = t.runStats;
    const known = RUN_STATS.filter((key) => run.stats[key] !== undefined);
    const others = Object.keys(run.stats)
      .filter((key) => !(RUN_STATS as readonly string[]).includes(key))
      .sort();
    const audience = run.stats.audience;
    const kpis = this.#done(this.#kpis)?.runs.find((r) => r.campaignRunId === run.id);
    return html`<li part="run" class="run">
      <h4>${run.started_at ? t.run(formatDateTime(run.started_at)) : t.runNotStarted}</h4>
      <dl part="tiles counters" class="tiles">
        ${[...known, ...others].map((key) => {
          const value = run.stats[key] ?? 0;
          const note =
            key !== 'audience' && audience
              ? t.ofAudience(formatPercent(value / audience))
              : undefined;
          return tile(labels[key] ?? key, formatCount(value), note);
        })}
      </dl>
      ${kpis ? kpiTiles(kpis, t, this.currency, 'run-kpis') : nothing}
    </li>`;
  }

  #renderRuns() {
    const t = this.text.campaignDashboard;
    const runs = this.#done(this.#runs) ?? [];
    const note =
      this.#runs.status === TaskStatus.PENDING
        ? t.runsLoading
        : this.#runs.status === TaskStatus.COMPLETE && runs.length === 0
          ? t.noRuns
          : '';
    return html`<section class="block" aria-labelledby="runs-heading">
      <h3 id="runs-heading">${t.runs}</h3>
      ${note ? html`<p class="note">${note}</p>` : nothing}
      <ol part="runs" class="runs">
        ${runs.map((run) => this.#renderRun(run))}
      </ol>
    </section>`;
  }

  #statusText(list: Campaign[], chosen: Campaign | undefined): string {
    const t = this.text.campaignDashboard;
    if (!this.effectiveApiBase) return this.text.errors.notConfigured;
    if (this.#campaigns.status === TaskStatus.PENDING) return t.loading;
    if (this.#campaigns.status !== TaskStatus.COMPLETE) return '';
    if (list.length === 0) return t.empty;
    return chosen ? '' : t.noneChosen;
  }

  protected override render() {
    const t = this.text.campaignDashboard;
    const list = this.#list();
    const chosen = this.#chosen();
    const [from, to] = this.#period();
    const tasks = this.#tasks;
    const failed = tasks.some((task) => task.status === TaskStatus.ERROR);
    const busy = tasks.some((task) => task.status === TaskStatus.PENDING);
    return html`<div class="layout" aria-busy=${busy ? 'true' : 'false'}>
      ${list.length > 0 ? this.#renderCampaigns(list, chosen) : nothing}
      ${
        chosen
          ? html`<section part="detail" class="detail" aria-labelledby="campaign-heading">
              <h2 id="campaign-heading" part="heading">${t.campaignHeading(chosen.name)}</h2>
              ${this.#hasRun() ? this.#renderResults(from, to) : nothing} ${this.#renderRuns()}
            </section>`
          : nothing
      }
      <div part="status" class="status" role="status" aria-live="polite">
        ${this.#statusText(list, chosen)}
      </div>
      ${failed && this.#failure ? renderProblem(this.#failure, t.retry, () => this.#retry()) : nothing}
    </div>`;
  }
}
