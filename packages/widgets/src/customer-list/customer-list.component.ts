import { Task, TaskStatus } from '@lit/task';
import { html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { GtErrorDetail } from '../base/events.js';
import { abortableDelay } from '../internal/abortable-delay.js';
import { GreenTrackApiElement } from '../internal/api-element.js';
import type { Customer, CustomerPage } from '../internal/client.js';
import { controlStyles } from '../internal/greentrack-element.js';
import { customerListStyles } from './customer-list.styles.js';

export type { Customer } from '../internal/client.js';

/** The `detail` of `gt-customer-select`: the customer as the list received it. */
export type CustomerSelectEvent = CustomEvent<Customer>;

/** The pages loaded for one search, first to last. */
interface Loaded {
  items: Customer[];
  nextCursor: string | null;
}

/**
 * @summary Search the organization's customers and pick one; pages load on demand.
 *
 * Lists customers by name through `GET /customers` (keyset pages of `page-size`). Typing in
 * the search box asks the server after `debounce-ms`; a newer search aborts the older
 * request, and "Load more" fetches the next page with the previous page's cursor. Choosing a
 * customer dispatches `gt-customer-select`.
 *
 * @example
 * ```html
 * <gt-provider api-base="/api/greentrack" token="…">
 *   <gt-customer-list page-size="50"></gt-customer-list>
 * </gt-provider>
 * <script type="module">
 *   import '@greentrack/widgets/customer-list';
 *   document.addEventListener('gt-customer-select', (e) => openCustomer(e.detail.id));
 * </script>
 * ```
 *
 * @customElement gt-customer-list
 *
 * @event {CustomerSelectEvent} gt-customer-select - A customer was chosen; `detail` is the `Customer`. Bubbles, composed.
 * @event {GtTokenExpiredEvent} gt-token-expired - The token was refused (401); set a fresh `token` and the call is retried once. Bubbles, composed.
 * @event {GtErrorEvent} gt-error - A call failed; `detail` is `{ code, message, status }`. Bubbles, composed.
 *
 * @csspart search - The label and search box.
 * @csspart search-input - The search box.
 * @csspart list - The list of customers.
 * @csspart row - One customer's button.
 * @csspart name - A customer's name.
 * @csspart meta - A customer's email (or phone) and type.
 * @csspart status - The live region: loading, empty, no matches.
 * @csspart error - A failed call, in plain language.
 * @csspart load-more - The "Load more" button.
 *
 * @cssproperty --gt-customer-list-padding - Space inside the border box. Defaults to `--gt-spacing-medium`.
 * @cssproperty --gt-customer-list-max-height - Height after which the list scrolls. Defaults to `none`.
 */
export class GtCustomerList extends GreenTrackApiElement {
  static override styles = [...GreenTrackApiElement.styles, controlStyles, customerListStyles];

  /**
   * Customers per page, 1–200.
   * @default 25
   */
  @property({ type: Number, attribute: 'page-size' }) pageSize = 25;

  /**
   * Quiet time after the last keystroke before a search is sent, in milliseconds.
   * @default 300
   */
  @property({ type: Number, attribute: 'debounce-ms' }) debounceMs = 300;

  /**
   * The search text (name, email or phone); reflects what the user typed.
   * @default ''
   */
  @property() query = '';

  /** Pages after the first, for the current search. */
  @state() private more: Loaded | undefined = undefined;
  #failure: GtErrorDetail | undefined;

  /** The first page of the current search; a new search aborts the running one. */
  #firstPage = new Task(this, {
    args: () => [this.effectiveApiBase, this.query.trim(), this.pageSize] as const,
    task: async ([apiBase, q, limit], { signal }): Promise<Loaded | null> => {
      this.#nextPage.abort();
      this.more = undefined;
      if (!apiBase) return null;
      if (q) await abortableDelay(this.debounceMs, signal);
      return this.#load({ q, limit }, signal);
    },
  });

  /** "Load more": the page after the last one loaded, by its cursor. */
  #nextPage = new Task(this, {
    autoRun: false,
    args: () => [this.#cursor()] as const,
    task: async ([cursor], { signal }): Promise<void> => {
      if (!cursor) return;
      const page = await this.#load({ q: this.query.trim(), limit: this.pageSize, cursor }, signal);
      const before = this.more?.items ?? [];
      this.more = { items: [...before, ...page.items], nextCursor: page.nextCursor };
    },
  });

  /** The cursor of the last page loaded, or `null` when there is no further page. */
  #cursor(): string | null {
    return this.more ? this.more.nextCursor : (this.#firstPage.value?.nextCursor ?? null);
  }

  async #load(
    query: { q: string; limit: number; cursor?: string },
    signal: AbortSignal,
  ): Promise<CustomerPage> {
    try {
      return await this.callApi(
        (client) =>
          client.customers.list({
            sort: 'name',
            order: 'asc',
            limit: query.limit,
            ...(query.q ? { q: query.q } : {}),
            ...(query.cursor ? { cursor: query.cursor } : {}),
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

  #select(customer: Customer): void {
    this.dispatchEvent(
      new CustomEvent<Customer>('gt-customer-select', {
        detail: customer,
        bubbles: true,
        composed: true,
      }),
    );
  }

  #renderRow(customer: Customer) {
    const t = this.text.customerList;
    const contact = customer.email ?? customer.phone ?? '';
    return html`<li>
      <button part="row" class="row" type="button" @click=${() => this.#select(customer)}>
        <span part="name" class="name">${customer.name}</span>
        <span part="meta" class="meta">${contact}${contact ? ' · ' : ''}${t.types[customer.type]}</span>
      </button>
    </li>`;
  }

  #statusText(items: Customer[]): string {
    const t = this.text.customerList;
    if (!this.effectiveApiBase) return this.text.errors.notConfigured;
    if (this.#firstPage.status === TaskStatus.PENDING) return t.loading;
    if (this.#firstPage.status !== TaskStatus.COMPLETE || items.length > 0) return '';
    const q = this.query.trim();
    return q ? t.noMatches(q) : t.empty;
  }

  protected override render() {
    const t = this.text.customerList;
    const first = this.#firstPage.status === TaskStatus.COMPLETE ? this.#firstPage.value : null;
    const items = [...(first?.items ?? []), ...(this.more?.items ?? [])];
    const failed =
      this.#firstPage.status === TaskStatus.ERROR || this.#nextPage.status === TaskStatus.ERROR;
    const canLoadMore = first !== null && this.#cursor() !== null;
    const loadingMore = this.#nextPage.status === TaskStatus.PENDING;
    return html`<div part="search" class="search">
        <label for="search">${t.search}</label>
        <input
          id="search"
          part="search-input"
          type="search"
          placeholder=${t.searchPlaceholder}
          .value=${this.query}
          @input=${(e: Event) => {
            this.query = (e.target as HTMLInputElement).value;
          }}
        />
      </div>
      <ul part="list" class="list" aria-label=${t.customers}>
        ${items.map((customer) => this.#renderRow(customer))}
      </ul>
      <div
        part="status"
        class="status"
        role="status"
        aria-live="polite"
        aria-busy=${this.#firstPage.status === TaskStatus.PENDING || loadingMore}
      >
        ${this.#statusText(items)}
      </div>
      ${failed && this.#failure ? html`<p part="error" class="problem" role="alert">${this.#failure.message}</p>` : nothing}
      ${
        canLoadMore
          ? html`<button
            part="load-more"
            type="button"
            ?disabled=${loadingMore}
            @click=${() => void this.#nextPage.run()}
          >
            ${t.loadMore}
          </button>`
          : nothing
      }`;
  }
}
