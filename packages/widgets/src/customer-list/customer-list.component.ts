import { Task, TaskStatus } from '@lit/task';
import { html, nothing, type PropertyValues } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { GtErrorDetail } from '../base/events.js';
import { errorMessages, type GtMessages } from '../base/messages.js';
import { consentBadgeMessages } from '../consent-badge/consent-badge.messages.js';
import { abortableDelay } from '../internal/abortable-delay.js';
import { GreenTrackApiElement } from '../internal/api-element.js';
import {
  type CustomerListItem,
  type CustomerPage,
  customersApi,
  type TimelinePage,
} from '../internal/client.js';
import { controlStyles } from '../internal/greentrack-element.js';
import { problemStyles, renderProblem } from '../internal/problem.js';
import { visuallyHiddenStyles } from '../internal/visually-hidden.js';
import { visibleRange } from '../internal/window.js';
import { customerListMessages } from './customer-list.messages.js';
import { customerListStyles } from './customer-list.styles.js';

export type { Customer, CustomerListItem } from '../internal/client.js';

/**
 * The `detail` of `gt-customer-select`: the customer as the list received it, with its stored
 * consent per channel. Cancelable: `preventDefault()` keeps the timeline panel closed.
 */
export type CustomerSelectEvent = CustomEvent<CustomerListItem>;

/** A column the list can sort by. */
export type CustomerListSort = 'name' | 'country' | 'created_at';

/** An optional column, as named in the `columns` attribute. */
export type CustomerListColumn = 'type' | 'country' | 'tags' | 'created' | 'consent';

/** A value of the consent filter: a channel and a stored status, `none` for no status. */
export type CustomerConsentFilter =
  `${'email' | 'sms'}:${'subscribed' | 'unsubscribed' | 'bounced' | 'complained' | 'none'}`;

const optionalColumns: readonly CustomerListColumn[] = [
  'type',
  'country',
  'tags',
  'created',
  'consent',
];
const sortOf: Partial<Record<CustomerListColumn | 'name', CustomerListSort>> = {
  name: 'name',
  country: 'country',
  created: 'created_at',
};
const consentStatuses = ['subscribed', 'unsubscribed', 'bounced', 'complained', 'none'] as const;

/** Rows rendered beyond each edge of the viewport, so fast scrolling shows no blank band. */
const OVERSCAN = 8;

/**
 * @summary Search, filter and sort the organization's customers; pick one to see its timeline.
 *
 * Lists customers through `GET /customers` in keyset pages of `page-size`. Only the rows in
 * view (plus a few) are in the DOM, so the list scrolls smoothly through 100,000 customers;
 * the next page is fetched, with the previous page's cursor, as the user nears the end of
 * what is loaded. Typing in the search box or a text filter asks the server after
 * `debounce-ms`; a newer request aborts the older one. Choosing a row (click, Enter or Space)
 * dispatches `gt-customer-select` and opens a panel with the customer's timeline; Escape
 * closes it and returns focus to the row. Keyboard: Tab reaches the search box, the filters,
 * the sort buttons and then the list (one tab stop); Arrow keys, Page Up/Down, Home and End
 * move between rows. On a narrow container (below 36rem) the type, tags and created columns
 * hide, and below 26rem the country column too.
 *
 * @example
 * ```html
 * <gt-provider api-base="/api/greentrack" token="…">
 *   <gt-customer-list page-size="100" columns="type country consent" sort="name"></gt-customer-list>
 * </gt-provider>
 * <script type="module">
 *   import '@greentrack/widgets/customer-list';
 *   document.addEventListener('gt-customer-select', (e) => console.log(e.detail.id));
 * </script>
 * ```
 *
 * @customElement gt-customer-list
 *
 * @event {CustomerSelectEvent} gt-customer-select - A customer was chosen; `detail` is the `CustomerListItem` (with `consent`). Bubbles, composed, cancelable: `preventDefault()` keeps the timeline panel closed.
 * @event {GtTokenExpiredEvent} gt-token-expired - The token was refused (401); set a fresh `token` and the call is retried once. Bubbles, composed.
 * @event {GtErrorEvent} gt-error - A call failed; `detail` is `{ code, message, status }`. Bubbles, composed.
 *
 * @slot detail - Extra content for the timeline panel, shown above the timeline (e.g. actions for the selected customer).
 *
 * @csspart search - The label and search box.
 * @csspart search-input - The search box.
 * @csspart filters - The filter controls (type, tags, country, consent).
 * @csspart header - The column headings with their sort buttons.
 * @csspart sort-button - A column's sort button; the active one has `data-order` (`asc` or `desc`).
 * @csspart body - The scrolling viewport of the rows.
 * @csspart list - The list of customers (only the rows in view are rendered).
 * @csspart row - One customer's button.
 * @csspart name - A customer's name.
 * @csspart meta - A customer's email (or phone).
 * @csspart cell - An optional column's cell in a row.
 * @csspart status - The live region: loading, empty, no matches, rows loaded.
 * @csspart error - A failed call, in plain language, with a retry button.
 * @csspart retry - The retry button.
 * @csspart panel - The timeline panel.
 * @csspart panel-heading - The panel's heading (focused when it opens).
 * @csspart close - The panel's close button.
 * @csspart timeline - The list of timeline items.
 *
 * @cssproperty --gt-customer-list-padding - Space inside the border box. Defaults to `--gt-spacing-medium`.
 * @cssproperty --gt-customer-list-max-height - Height after which the rows scroll. Defaults to `24rem`.
 * @cssproperty --gt-customer-list-row-height - Height of every row (rows are fixed-height so that only the visible ones are rendered). Defaults to `3.5rem`.
 * @cssproperty --gt-customer-list-selected-background - Background of the selected row. Defaults to `--gt-color-neutral-subtle`.
 */
export class GtCustomerList extends GreenTrackApiElement {
  static override styles = [
    ...GreenTrackApiElement.styles,
    controlStyles,
    problemStyles,
    visuallyHiddenStyles,
    customerListStyles,
  ];

  /**
   * Customers per page (one request), 1–200.
   * @default 50
   */
  @property({ type: Number, attribute: 'page-size' }) pageSize = 50;

  /**
   * Quiet time after the last keystroke in the search box or a text filter before a request
   * is sent, in milliseconds.
   * @default 300
   */
  @property({ type: Number, attribute: 'debounce-ms' }) debounceMs = 300;

  /**
   * The search text (name, email or phone); reflects what the user typed.
   * @default ''
   */
  @property() query = '';

  /**
   * Only customers (`customer`) or only leads (`lead`); empty for both.
   * @default ''
   */
  @property({ attribute: 'filter-type' }) filterType: '' | 'customer' | 'lead' = '';

  /**
   * Only customers carrying all of these tags, comma-separated (`vip, wholesale`).
   * @default ''
   */
  @property({ attribute: 'filter-tags' }) filterTags = '';

  /**
   * Only customers in this country (ISO 3166-1 alpha-2, e.g. `US`); ignored until two letters.
   * @default ''
   */
  @property({ attribute: 'filter-country' }) filterCountry = '';

  /**
   * Only customers with this stored consent, as `channel:status` (`email:subscribed`,
   * `sms:none` for no status recorded); empty for all.
   * @default ''
   */
  @property({ attribute: 'filter-consent' }) filterConsent: '' | CustomerConsentFilter = '';

  /**
   * The column the rows are sorted by: `name`, `country` or `created_at`.
   * @default 'name'
   */
  @property({ reflect: true }) sort: CustomerListSort = 'name';

  /**
   * `asc` or `desc`. Choosing the sorted column's button again flips it.
   * @default 'asc'
   */
  @property({ reflect: true }) order: 'asc' | 'desc' = 'asc';

  /**
   * The optional columns shown after the name, space-separated, in this order:
   * `type`, `country`, `tags`, `created`, `consent` (two consent badges: email and SMS).
   * @default 'type country consent'
   */
  @property() columns = 'type country consent';

  /**
   * Do not open the timeline panel when a customer is chosen (the event still fires).
   * @default false
   */
  @property({ type: Boolean, attribute: 'no-timeline' }) noTimeline = false;

  /** Every row loaded for the current query, first page first, and the next page's cursor. */
  @state() private loaded: { items: CustomerListItem[]; nextCursor: string | null } = {
    items: [],
    nextCursor: null,
  };
  /** The row that holds the list's single tab stop (roving tabindex). */
  @state() private activeIndex = 0;
  @state() private selectedId: string | undefined = undefined;
  /** The customer whose timeline the panel shows, if open. */
  @state() private panelCustomer: CustomerListItem | undefined = undefined;
  /** The scroll offset and height of the viewport, and the measured row height, in px. */
  @state() private viewport = { top: 0, height: 0, rowHeight: 56 };

  @query('.body') private body!: HTMLElement | null;

  #failure: GtErrorDetail | undefined;
  /** Set by text inputs: the next query waits `debounceMs` (selects and sorts do not). */
  #debounceNext = false;
  #resizeObserver: ResizeObserver | undefined;

  /** The first page of the current query; a new query aborts the running one. */
  #firstPage = new Task(this, {
    args: () =>
      [
        this.effectiveApiBase,
        this.query.trim(),
        this.filterType,
        this.filterTags,
        this.#country(),
        this.filterConsent,
        this.sort,
        this.order,
        this.#limit(),
      ] as const,
    task: async ([apiBase], { signal }): Promise<void> => {
      this.#nextPage.abort();
      if (!apiBase) return;
      if (this.#debounceNext) await abortableDelay(this.debounceMs, signal);
      this.#debounceNext = false;
      const page = await this.#load(undefined, signal);
      this.loaded = { items: page.items, nextCursor: page.nextCursor };
      this.activeIndex = 0;
      if (this.body) this.body.scrollTop = 0;
    },
  });

  /** The page after the last one loaded, by its cursor; run as the user scrolls near the end. */
  #nextPage = new Task(this, {
    autoRun: false,
    args: () => [this.loaded.nextCursor] as const,
    task: async ([cursor], { signal }): Promise<void> => {
      if (!cursor) return;
      const page = await this.#load(cursor, signal);
      this.loaded = {
        items: [...this.loaded.items, ...page.items],
        nextCursor: page.nextCursor,
      };
    },
  });

  /** The selected customer's timeline, newest first (one page). */
  #timeline = new Task(this, {
    args: () => [this.effectiveApiBase, this.panelCustomer?.id] as const,
    task: async ([apiBase, id], { signal }): Promise<TimelinePage | null> => {
      if (!apiBase || !id) return null;
      try {
        return await this.callApi(
          customersApi,
          (customers) => customers.timeline(id, { limit: 20 }),
          signal,
        );
      } catch (error) {
        if (!signal.aborted) this.#failure = this.fail(error);
        throw error;
      }
    },
  });

  #limit(): number {
    return Math.min(200, Math.max(1, Math.trunc(this.pageSize) || 50));
  }

  /** The country filter once it is two letters (a partial code is not sent). */
  #country(): string {
    const code = this.filterCountry.trim();
    return /^[a-z]{2}$/i.test(code) ? code.toUpperCase() : '';
  }

  async #load(cursor: string | undefined, signal: AbortSignal): Promise<CustomerPage> {
    const q = this.query.trim();
    const tags = this.filterTags
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean);
    const country = this.#country();
    try {
      return await this.callApi(
        customersApi,
        (customers) =>
          customers.list({
            sort: this.sort,
            order: this.order,
            limit: this.#limit(),
            ...(q ? { q } : {}),
            ...(this.filterType ? { type: this.filterType } : {}),
            ...(tags.length ? { tags: tags.join(',') } : {}),
            ...(country ? { country } : {}),
            ...(this.filterConsent ? { consent: this.filterConsent } : {}),
            ...(cursor ? { cursor } : {}),
          }),
        signal,
      );
    } catch (error) {
      if (!signal.aborted) this.#failure = this.fail(error);
      throw error;
    }
  }

  /** A load that failed for want of a (valid) token is tried again with the new one. */
  protected override tokenChanged(): void {
    if (this.#firstPage.status === TaskStatus.ERROR) void this.#firstPage.run();
  }

  /** Its strings: `messages.customerList`, `.consentBadge` (consent filter) and `.errors`. */
  protected override get text(): Pick<GtMessages, 'errors' | 'customerList' | 'consentBadge'> {
    return this.resolveText({
      errors: errorMessages,
      customerList: customerListMessages,
      consentBadge: consentBadgeMessages,
    });
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.#resizeObserver = new ResizeObserver(() => this.#measure());
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#resizeObserver?.disconnect();
  }

  protected override firstUpdated(): void {
    if (this.body) this.#resizeObserver?.observe(this.body);
  }

  protected override updated(changed: PropertyValues): void {
    super.updated(changed);
    this.#measure();
    this.#maybeLoadMore();
  }

  /** Reads the viewport and the row height (rows are fixed-height, set in CSS). */
  #measure(): void {
    const body = this.body;
    if (!body) return;
    const row = body.querySelector<HTMLElement>('.row');
    const next = {
      top: body.scrollTop,
      height: body.clientHeight,
      rowHeight: row?.offsetHeight || this.viewport.rowHeight,
    };
    const { top, height, rowHeight } = this.viewport;
    if (next.top !== top || next.height !== height || next.rowHeight !== rowHeight) {
      this.viewport = next;
    }
  }

  /** Fetches the next page once fewer than two viewports of loaded rows remain below. */
  #maybeLoadMore(): void {
    const { top, height, rowHeight } = this.viewport;
    if (!this.loaded.nextCursor || this.#nextPage.status === TaskStatus.PENDING) return;
    if (this.#firstPage.status !== TaskStatus.COMPLETE) return;
    if (this.#nextPage.status === TaskStatus.ERROR) return; // until "Try again"
    const remainingPx = this.loaded.items.length * rowHeight - (top + height);
    if (remainingPx < 2 * Math.max(height, rowHeight)) void this.#nextPage.run();
  }

  #shownColumns(): CustomerListColumn[] {
    const asked = new Set(this.columns.split(/[\s,]+/));
    return optionalColumns.filter((c) => asked.has(c));
  }

  #select(customer: CustomerListItem, index: number): void {
    this.activeIndex = index;
    this.selectedId = customer.id;
    const proceed = this.dispatchEvent(
      new CustomEvent<CustomerListItem>('gt-customer-select', {
        detail: customer,
        bubbles: true,
        composed: true,
        cancelable: true,
      }),
    );
    if (proceed && !this.noTimeline) void this.#openPanel(customer);
  }

  async #openPanel(customer: CustomerListItem): Promise<void> {
    this.panelCustomer = customer;
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('[part~="panel-heading"]')?.focus();
  }

  async #closePanel(): Promise<void> {
    this.panelCustomer = undefined;
    await this.#focusRow(this.activeIndex);
  }

  /** Moves the tab stop to row `index`, scrolls it into view and focuses it. */
  async #focusRow(index: number): Promise<void> {
    const count = this.loaded.items.length;
    if (count === 0) return;
    const target = Math.min(count - 1, Math.max(0, index));
    this.activeIndex = target;
    const body = this.body;
    const { rowHeight, height, top } = this.viewport;
    if (body) {
      const rowTop = target * rowHeight;
      if (rowTop < top) body.scrollTop = rowTop;
      else if (rowTop + rowHeight > top + height) body.scrollTop = rowTop + rowHeight - height;
      this.#measure();
    }
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>(`.row[data-index="${target}"]`)?.focus();
  }

  #onListKeydown(event: KeyboardEvent): void {
    const perPage = Math.max(1, Math.floor(this.viewport.height / this.viewport.rowHeight) - 1);
    const moves: Record<string, number> = {
      ArrowDown: this.activeIndex + 1,
      ArrowUp: this.activeIndex - 1,
      PageDown: this.activeIndex + perPage,
      PageUp: this.activeIndex - perPage,
      Home: 0,
      End: this.loaded.items.length - 1,
    };
    const target = moves[event.key];
    if (target === undefined) return;
    event.preventDefault();
    void this.#focusRow(target);
  }

  #onKeydown(event: KeyboardEvent): void {
    if (event.key === 'Escape' && this.panelCustomer) {
      event.stopPropagation();
      void this.#closePanel();
    }
  }

  #sortBy(sort: CustomerListSort): void {
    if (this.sort === sort) this.order = this.order === 'asc' ? 'desc' : 'asc';
    else {
      this.sort = sort;
      this.order = sort === 'created_at' ? 'desc' : 'asc';
    }
  }

  /** A text input: remember to debounce, then set the property. */
  #typed<K extends 'query' | 'filterTags' | 'filterCountry'>(key: K) {
    return (event: Event) => {
      this.#debounceNext = true;
      this[key] = (event.target as HTMLInputElement).value;
    };
  }

  /** A labelled text filter (`filterTags`, `filterCountry`), debounced like the search. */
  #textFilter(
    key: 'filterTags' | 'filterCountry',
    label: string,
    placeholder: string,
    maxLength?: number,
  ) {
    const id = key === 'filterTags' ? 'filter-tags' : 'filter-country';
    return html`<span class="field">
      <label for=${id}>${label}</label>
      <input
        id=${id}
        type="text"
        maxlength=${maxLength ?? nothing}
        placeholder=${placeholder}
        .value=${this[key]}
        @input=${this.#typed(key)}
      />
    </span>`;
  }

  #renderFilters() {
    const t = this.text.customerList;
    const badge = this.text.consentBadge;
    return html`<fieldset part="filters" class="filters">
      <legend class="visually-hidden">${t.filters}</legend>
      <span class="field">
        <label for="filter-type">${t.filterType}</label>
        <select
          id="filter-type"
          .value=${this.filterType}
          @change=${(e: Event) => {
            this.filterType = (e.target as HTMLSelectElement).value as '' | 'customer' | 'lead';
          }}
        >
          <option value="">${t.any}</option>
          <option value="customer">${t.types.customer}</option>
          <option value="lead">${t.types.lead}</option>
        </select>
      </span>
      ${this.#textFilter('filterTags', t.filterTags, t.filterTagsPlaceholder)}
      ${this.#textFilter('filterCountry', t.filterCountry, t.filterCountryPlaceholder, 2)}
      <span class="field">
        <label for="filter-consent">${t.filterConsent}</label>
        <select
          id="filter-consent"
          .value=${this.filterConsent}
          @change=${(e: Event) => {
            this.filterConsent = (e.target as HTMLSelectElement).value as CustomerConsentFilter;
          }}
        >
          <option value="">${t.any}</option>
          ${(['email', 'sms'] as const).map((channel) =>
            consentStatuses.map(
              (status) =>
                html`<option value="${channel}:${status}">
                  ${t.consentOption(badge.channels[channel], badge.statuses[status])}
                </option>`,
            ),
          )}
        </select>
      </span>
    </fieldset>`;
  }

  #renderHeader(columns: CustomerListColumn[]) {
    const t = this.text.customerList;
    const heading = (column: CustomerListColumn | 'name') => {
      const sort = sortOf[column];
      const label = t.columns[column];
      if (!sort) return html`<span class="cell ${column}">${label}</span>`;
      const active = this.sort === sort;
      return html`<span class="cell ${column}"
        ><button
          part="sort-button"
          class="sort"
          type="button"
          data-order=${active ? this.order : nothing}
          @click=${() => this.#sortBy(sort)}
        >
          ${label}<span aria-hidden="true" class="arrow"
            >${active ? (this.order === 'asc' ? '↑' : '↓') : ''}</span
          >${
            active
              ? html`<span class="visually-hidden"
                  >, ${this.order === 'asc' ? t.sortedAscending : t.sortedDescending}</span
                >`
              : nothing
          }
        </button></span
      >`;
    };
    return html`<div part="header" class="header">
      ${heading('name')} ${columns.map((c) => heading(c))}
    </div>`;
  }

  #renderCell(customer: CustomerListItem, column: CustomerListColumn) {
    const t = this.text.customerList;
    const content =
      column === 'type'
        ? t.types[customer.type]
        : column === 'country'
          ? (customer.country ?? '')
          : column === 'tags'
            ? customer.tags.join(', ')
            : column === 'created'
              ? new Date(customer.created_at).toLocaleDateString()
              : html`<gt-consent-badge
                    channel="email"
                    status=${customer.consent.email ?? nothing}
                    theme=${this.theme ?? nothing}
                    .messages=${this.messages}
                  ></gt-consent-badge
                  ><gt-consent-badge
                    channel="sms"
                    status=${customer.consent.sms ?? nothing}
                    theme=${this.theme ?? nothing}
                    .messages=${this.messages}
                  ></gt-consent-badge>`;
    return html`<span part="cell" class="cell ${column}">${content}</span>`;
  }

  #renderRow(customer: CustomerListItem, index: number, columns: CustomerListColumn[]) {
    const contact = customer.email ?? customer.phone ?? '';
    return html`<li class="item" style="transform: translateY(${index * this.viewport.rowHeight}px)">
      <button
        part="row"
        class="row"
        type="button"
        data-index=${index}
        tabindex=${index === this.activeIndex ? 0 : -1}
        aria-current=${customer.id === this.selectedId ? 'true' : nothing}
        @click=${() => this.#select(customer, index)}
        @focus=${() => {
          this.activeIndex = index;
        }}
      >
        <span class="cell name-cell"
          ><span part="name" class="name">${customer.name}</span
          ><span part="meta" class="meta">${contact}</span></span
        >
        ${columns.map((column) => this.#renderCell(customer, column))}
      </button>
    </li>`;
  }

  /** Only the rows in (or near) view, plus the row holding the tab stop wherever it is. */
  #renderRows(columns: CustomerListColumn[]) {
    const { items } = this.loaded;
    const { top, height, rowHeight } = this.viewport;
    const [first, last] = visibleRange({ top, height, rowHeight, count: items.length }, OVERSCAN);
    const indices: number[] = [];
    for (let i = first; i < last; i++) indices.push(i);
    if (this.activeIndex < first || this.activeIndex >= last) {
      if (this.activeIndex < items.length) indices.push(this.activeIndex);
    }
    return repeat(
      indices,
      (i) => items[i]?.id ?? i,
      (i) => {
        const customer = items[i];
        return customer ? this.#renderRow(customer, i, columns) : nothing;
      },
    );
  }

  #statusText(): string {
    const t = this.text.customerList;
    if (!this.effectiveApiBase) return this.text.errors.notConfigured;
    if (this.#firstPage.status === TaskStatus.PENDING) return t.loading;
    if (this.#firstPage.status !== TaskStatus.COMPLETE) return '';
    const { items, nextCursor } = this.loaded;
    if (items.length > 0) {
      if (this.#nextPage.status === TaskStatus.PENDING) return t.loadingMore;
      return t.loaded(items.length, nextCursor !== null);
    }
    const q = this.query.trim();
    if (q) return t.noMatches(q);
    const filtered =
      this.filterType || this.filterTags.trim() || this.#country() || this.filterConsent;
    return filtered ? t.noFilterMatches : t.empty;
  }

  #renderPanel() {
    const customer = this.panelCustomer;
    if (!customer) return nothing;
    const t = this.text.customerList;
    const page = this.#timeline.status === TaskStatus.COMPLETE ? this.#timeline.value : null;
    const items = page?.items ?? [];
    return html`<section part="panel" class="panel" aria-labelledby="panel-heading">
      <div class="panel-top">
        <h2 id="panel-heading" part="panel-heading" tabindex="-1">${t.timeline(customer.name)}</h2>
        <button part="close" type="button" @click=${() => void this.#closePanel()}>
          ${t.close}
        </button>
      </div>
      <slot name="detail"></slot>
      ${
        this.#timeline.status === TaskStatus.PENDING
          ? html`<p class="note">${t.timelineLoading}</p>`
          : page && items.length === 0
            ? html`<p class="note">${t.timelineEmpty}</p>`
            : nothing
      }
      ${
        this.#timeline.status === TaskStatus.ERROR && this.#failure
          ? html`<p class="problem" role="alert">${this.#failure.message}</p>`
          : nothing
      }
      <ol part="timeline" class="timeline">
        ${items.map(
          (item) =>
            html`<li>
              <time datetime=${item.occurred_at}
                >${new Date(item.occurred_at).toLocaleString()}</time
              >
              <span>${item.summary}</span>
            </li>`,
        )}
      </ol>
    </section>`;
  }

  protected override render() {
    const t = this.text.customerList;
    const columns = this.#shownColumns();
    const failed =
      this.#firstPage.status === TaskStatus.ERROR || this.#nextPage.status === TaskStatus.ERROR;
    const busy =
      this.#firstPage.status === TaskStatus.PENDING || this.#nextPage.status === TaskStatus.PENDING;
    const { items } = this.loaded;
    const showRows = this.#firstPage.status === TaskStatus.COMPLETE && items.length > 0;
    return html`<div class="layout" ?data-panel=${this.panelCustomer !== undefined} @keydown=${this.#onKeydown}>
      <div class="main">
        <div part="search" class="search">
          <label for="search">${t.search}</label>
          <input
            id="search"
            part="search-input"
            type="search"
            placeholder=${t.searchPlaceholder}
            .value=${this.query}
            @input=${this.#typed('query')}
          />
        </div>
        ${this.#renderFilters()}
        <div class="table" aria-busy=${busy ? 'true' : 'false'}>
          ${this.#renderHeader(columns)}
          <div
            part="body"
            class="body"
            @scroll=${() => this.#measure()}
          >
            <ul
              part="list"
              class="list"
              aria-label=${t.customers}
              style="block-size: ${showRows ? items.length * this.viewport.rowHeight : 0}px"
              @keydown=${this.#onListKeydown}
            >
              ${showRows ? this.#renderRows(columns) : nothing}
            </ul>
          </div>
        </div>
        <div part="status" class="status" role="status" aria-live="polite">
          ${this.#statusText()}
        </div>
        ${
          failed && this.#failure
            ? renderProblem(this.#failure, t.retry, () =>
                this.#firstPage.status === TaskStatus.ERROR
                  ? this.#firstPage.run()
                  : this.#nextPage.run(),
              )
            : nothing
        }
      </div>
      ${this.#renderPanel()}
    </div>`;
  }
}
