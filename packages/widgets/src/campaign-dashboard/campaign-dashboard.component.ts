import { Task, TaskStatus } from '@lit/task';
import { html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { GtErrorDetail } from '../base/events.js';
import { errorMessages, type GtMessages } from '../base/messages.js';
import { GreenTrackApiElement } from '../internal/api-element.js';
import { type Campaign, type CampaignRun, campaignsApi } from '../internal/client.js';
import { controlStyles } from '../internal/greentrack-element.js';
import { problemStyles, renderProblem } from '../internal/problem.js';
import { campaignDashboardMessages } from './campaign-dashboard.messages.js';
import { campaignDashboardStyles } from './campaign-dashboard.styles.js';
import { formatCount, formatDateTime, formatPercent } from './format.js';

export type { Campaign, CampaignRun } from '../internal/client.js';

/**
 * The `detail` of `gt-campaign-select`: the campaign as the list received it. Cancelable:
 * `preventDefault()` keeps the current campaign on screen.
 */
export type CampaignSelectEvent = CustomEvent<Campaign>;

/** Run counters in the order they are shown; any other key follows, as the server names it. */
const RUN_STATS = ['audience', 'sent', 'failed', 'skipped', 'unknown'] as const;

/**
 * @summary How the organization's campaigns did: pick one to see its runs and their numbers.
 *
 * Lists the campaigns (`GET /campaigns`, newest first) and shows the chosen one: each run
 * (`GET /campaigns/{id}/runs`, newest first) with its counters — audience, sent, failed,
 * skipped, outcome unknown — as tiles, each with its share of the audience. Without a
 * `campaign` attribute the newest campaign is shown. Choosing a campaign (click, Enter or
 * Space) dispatches `gt-campaign-select` and shows it. Keyboard: the campaign list is one tab
 * stop; Arrow keys, Home and End move between campaigns. Numbers are formatted for the
 * user's locale with `Intl.NumberFormat`; below 40rem the list stacks above the details.
 *
 * @example
 * ```html
 * <gt-provider api-base="/api/greentrack" token="…">
 *   <gt-campaign-dashboard></gt-campaign-dashboard>
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
 * @event {GtTokenExpiredEvent} gt-token-expired - The token was refused (401); set a fresh `token` and the call is retried once. Bubbles, composed.
 * @event {GtErrorEvent} gt-error - A call failed; `detail` is `{ code, message, status }`. Bubbles, composed.
 *
 * @csspart campaigns - The navigation landmark around the campaign list.
 * @csspart campaign-list - The list of campaigns.
 * @csspart campaign - One campaign's button; the chosen one has `aria-current="true"`.
 * @csspart campaign-meta - A campaign's channel and status.
 * @csspart detail - The chosen campaign's section.
 * @csspart heading - The chosen campaign's name.
 * @csspart runs - The list of runs.
 * @csspart run - One run: its heading and tiles.
 * @csspart tiles - A group of number tiles.
 * @csspart tile - One number with its label (and share, if any).
 * @csspart tile-value - A tile's number.
 * @csspart status - The live region: loading, empty.
 * @csspart error - A failed call, in plain language, with a retry button.
 * @csspart retry - The retry button.
 *
 * @cssproperty --gt-campaign-dashboard-padding - Space inside the border box. Defaults to `--gt-spacing-medium`.
 * @cssproperty --gt-campaign-dashboard-list-width - Width of the campaign list beside the details. Defaults to `16rem`.
 * @cssproperty --gt-campaign-dashboard-tile-background - Background of a number tile. Defaults to `--gt-color-neutral-subtle`.
 * @cssproperty --gt-campaign-dashboard-selected-background - Background of the chosen campaign. Defaults to `--gt-color-neutral-subtle`.
 * @cssproperty --gt-color-primary - The chosen campaign's marker. Defaults to `#1d4ed8` (light) / `#8ab4ff` (dark).
 * @cssproperty --gt-color-focus - Focus ring colour. Defaults to `#2563eb` (light) / `#7aa7ff` (dark).
 */
export class GtCampaignDashboard extends GreenTrackApiElement {
  static override styles = [
    ...GreenTrackApiElement.styles,
    controlStyles,
    problemStyles,
    campaignDashboardStyles,
  ];

  /**
   * The id of the campaign shown; empty shows the newest. Reflects the user's choice.
   * @default ''
   */
  @property({ reflect: true }) campaign = '';

  /** The campaign list item that holds the list's single tab stop (roving tabindex). */
  @state() private activeIndex = 0;

  #failure: GtErrorDetail | undefined;

  /** Every campaign of the organization, newest first (one request, not paged by the API). */
  #campaigns = new Task(this, {
    args: () => [this.effectiveApiBase] as const,
    task: async ([apiBase], { signal }): Promise<Campaign[]> => {
      if (!apiBase) return [];
      const { items } = await this.#call((c) => c.list(), signal);
      return items;
    },
  });

  /** The chosen campaign's runs with their counters, newest first. */
  #runs = new Task(this, {
    args: () => [this.effectiveApiBase, this.#chosen()?.id] as const,
    task: async ([apiBase, id], { signal }): Promise<CampaignRun[]> => {
      if (!apiBase || !id) return [];
      const { items } = await this.#call((c) => c.runs(id), signal);
      return items;
    },
  });

  /** A campaigns call whose failure (not an abort) becomes one `gt-error` and the shown problem. */
  async #call<T>(
    call: (campaigns: ReturnType<typeof campaignsApi>) => Promise<T>,
    signal: AbortSignal,
  ): Promise<T> {
    try {
      return await this.callApi(campaignsApi, call, signal);
    } catch (error) {
      if (!signal.aborted) this.#failure = this.fail(error);
      throw error;
    }
  }

  /** A load that failed for want of a (valid) token is tried again with the new one. */
  protected override tokenChanged(): void {
    if (this.#campaigns.status === TaskStatus.ERROR) void this.#campaigns.run();
    else if (this.#runs.status === TaskStatus.ERROR) void this.#runs.run();
  }

  /** Its strings: `messages.campaignDashboard` and `.errors`. */
  protected override get text(): Pick<GtMessages, 'errors' | 'campaignDashboard'> {
    return this.resolveText({
      errors: errorMessages,
      campaignDashboard: campaignDashboardMessages,
    });
  }

  #list(): Campaign[] {
    return this.#campaigns.status === TaskStatus.COMPLETE ? (this.#campaigns.value ?? []) : [];
  }

  /** The campaign named by `campaign`, else the newest one. */
  #chosen(): Campaign | undefined {
    const list = this.#list();
    return list.find((c) => c.id === this.campaign) ?? (this.campaign ? undefined : list[0]);
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

  #renderCampaigns(list: Campaign[], chosen: Campaign | undefined) {
    const t = this.text.campaignDashboard;
    // The tab stop follows the chosen campaign until the user moves it with the arrows.
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

  /** One tile: a label, a number and, when given, the number's share of `of`. */
  #tile(label: string, value: number, of?: number) {
    const t = this.text.campaignDashboard;
    const share = of ? formatPercent(value / of) : undefined;
    return html`<div part="tile" class="tile">
      <dt>${label}</dt>
      <dd>
        <span part="tile-value" class="tile-value">${formatCount(value)}</span>
        ${share === undefined ? nothing : html`<span class="tile-note">${t.ofAudience(share)}</span>`}
      </dd>
    </div>`;
  }

  #renderRun(run: CampaignRun) {
    const t = this.text.campaignDashboard;
    const labels: Record<string, string> = t.runStats;
    const known = RUN_STATS.filter((key) => run.stats[key] !== undefined);
    const others = Object.keys(run.stats)
      .filter((key) => !(RUN_STATS as readonly string[]).includes(key))
      .sort();
    const audience = run.stats.audience;
    return html`<li part="run" class="run">
      <h4>${run.started_at ? t.run(formatDateTime(run.started_at)) : t.runNotStarted}</h4>
      <dl part="tiles" class="tiles">
        ${[...known, ...others].map((key) =>
          this.#tile(
            labels[key] ?? key,
            run.stats[key] ?? 0,
            key === 'audience' ? undefined : audience,
          ),
        )}
      </dl>
    </li>`;
  }

  #renderRuns() {
    const t = this.text.campaignDashboard;
    const runs = this.#runs.status === TaskStatus.COMPLETE ? (this.#runs.value ?? []) : [];
    const note =
      this.#runs.status === TaskStatus.PENDING
        ? t.runsLoading
        : this.#runs.status === TaskStatus.COMPLETE && runs.length === 0
          ? t.noRuns
          : '';
    return html`<section class="runs-section" aria-labelledby="runs-heading">
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
    const failed =
      this.#campaigns.status === TaskStatus.ERROR || this.#runs.status === TaskStatus.ERROR;
    const busy =
      this.#campaigns.status === TaskStatus.PENDING || this.#runs.status === TaskStatus.PENDING;
    return html`<div class="layout" aria-busy=${busy ? 'true' : 'false'}>
      ${list.length > 0 ? this.#renderCampaigns(list, chosen) : nothing}
      ${
        chosen
          ? html`<section part="detail" class="detail" aria-labelledby="campaign-heading">
              <h2 id="campaign-heading" part="heading">${t.campaignHeading(chosen.name)}</h2>
              ${this.#renderRuns()}
            </section>`
          : nothing
      }
      <div part="status" class="status" role="status" aria-live="polite">
        ${this.#statusText(list, chosen)}
      </div>
      ${
        failed && this.#failure
          ? renderProblem(this.#failure, t.retry, () =>
              this.#campaigns.status === TaskStatus.ERROR
                ? this.#campaigns.run()
                : this.#runs.run(),
            )
          : nothing
      }
    </div>`;
  }
}
