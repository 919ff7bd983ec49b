import { html, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { GreenTrackElement } from '../internal/greentrack-element.js';
import {
  createSegmentsApi,
  type Segment,
  type SegmentPredicate,
  type SegmentPreview,
  type SegmentRule,
  type ValidationIssue,
  validationIssues,
} from '../internal/segments-api.js';
import { segmentBuilderStyles } from './segment-builder.styles.js';

export type {
  Segment,
  SegmentPredicate,
  SegmentPreview,
  SegmentRule,
  ValidationIssue,
} from '../internal/segments-api.js';

/** A condition row's field; each maps to one predicate shape of the rule schema. */
export type ConditionField =
  | 'type'
  | 'tags'
  | 'country'
  | 'created_at'
  | 'consent'
  | 'never_paid'
  | 'overdue_amount';

/** Whether every condition (`all`) or at least one (`any`) must hold. */
export type MatchMode = 'all' | 'any';

/** The `detail` of `gt-segment-saved`: the segment as the server stored it. */
export type SegmentSavedEvent = CustomEvent<Segment>;

/** What one row holds while being edited; `text` is the raw input of the field's value. */
interface ConditionRow {
  key: number;
  field: ConditionField;
  customerType: 'customer' | 'lead';
  channel: 'email' | 'sms';
  text: string;
}

const fieldLabels: Record<ConditionField, string> = {
  type: 'Type is',
  tags: 'Tags include any of',
  country: 'Country is one of',
  created_at: 'Created within the last (days)',
  consent: 'Subscribed on',
  never_paid: 'Never paid',
  overdue_amount: 'Overdue amount greater than (cents)',
};

/** How many sampled members the live region names. */
const SAMPLE_SIZE = 5;

function splitList(text: string): string[] {
  return text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
}

/**
 * The predicate a row stands for, or `null` while it is incomplete (an empty list or number).
 * Numbers are passed on unchecked (`0`, `-3`, `1.5`): the server owns validation and the
 * builder shows its issue paths, so the two can never disagree.
 */
function toPredicate(row: ConditionRow): SegmentPredicate | null {
  switch (row.field) {
    case 'type':
      return { field: 'type', op: 'eq', value: row.customerType };
    case 'tags': {
      const values = splitList(row.text);
      return values.length ? { field: 'tags', op: 'has_any', values } : null;
    }
    case 'country': {
      const values = splitList(row.text);
      return values.length ? { field: 'country', op: 'in', values } : null;
    }
    case 'created_at': {
      const days = Number(row.text);
      return row.text.trim() !== '' && Number.isFinite(days)
        ? { field: 'created_at', op: 'within_days', days }
        : null;
    }
    case 'consent':
      return { field: 'consent', op: 'subscribed', channel: row.channel };
    case 'never_paid':
      return { field: 'never_paid' };
    case 'overdue_amount': {
      const value = Number(row.text);
      return row.text.trim() !== '' && Number.isFinite(value)
        ? { field: 'overdue_amount', op: 'gt', value }
        : null;
    }
  }
}

/** Turns anything thrown into one readable line (no stack traces in the UI). */
function errorText(error: unknown): string {
  if (error instanceof Error && error.message) return error.message;
  return 'Something went wrong.';
}

/**
 * @summary Compose a segment rule, see how many customers match while editing, and save it.
 *
 * Talks to the GreenTrack HTTP API at `base-url` with a widget `token`. Every edit that
 * yields a complete rule asks the server for a preview after `debounceMs`; an answer to an
 * older edit never replaces a newer one. Validation is the server's: its issue paths (e.g.
 * `rule.all.0.days`) are listed next to the form.
 *
 * @example
 * ```html
 * <gt-segment-builder base-url="/api/greentrack"></gt-segment-builder>
 * <script type="module">
 *   import '@greentrack/widgets/segment-builder';
 *   const builder = document.querySelector('gt-segment-builder');
 *   builder.token = await fetchWidgetToken();
 *   builder.addEventListener('gt-segment-saved', (e) => console.log(e.detail.id));
 * </script>
 * ```
 *
 * @event gt-segment-saved - A segment was created; `detail` is the `Segment`. Bubbles, composed.
 *
 * @csspart form - The form around every control.
 * @csspart name-input - The segment name input.
 * @csspart mode-select - The all / any select.
 * @csspart conditions - The list of condition rows.
 * @csspart condition - One condition row.
 * @csspart field-select - A row's field select.
 * @csspart value-input - A row's value input or select.
 * @csspart remove-button - A row's remove button.
 * @csspart add-button - The "Add condition" button.
 * @csspart summary - The live region with the match count and sample.
 * @csspart sample - The list of sampled members.
 * @csspart issues - The server's validation issues.
 * @csspart error - Any other error (network, auth, server).
 * @csspart save-button - The Save button.
 *
 * @cssproperty --gt-segment-builder-gap - Space between controls. Defaults to `--gt-spacing-small`.
 * @cssproperty --gt-segment-builder-error-color - Issue and error text. Defaults to `--gt-color-danger`.
 * @cssproperty --gt-segment-builder-error-background - Issue and error background. Defaults to `--gt-color-danger-subtle`.
 */
export class GtSegmentBuilder extends GreenTrackElement {
  static override styles = [...GreenTrackElement.styles, segmentBuilderStyles];

  /**
   * Where the GreenTrack API is mounted, e.g. `https://shop.example/api/greentrack`.
   * @default ''
   */
  @property({ attribute: 'base-url' }) baseUrl = '';

  /**
   * A widget token (`gt.tokens.issue(...)` on the host's server). Property only: tokens do
   * not belong in attributes.
   * @default undefined
   */
  @property({ attribute: false }) token: string | undefined = undefined;

  /**
   * Quiet time after the last edit before a preview is requested, in milliseconds.
   * @default 300
   */
  @property({ type: Number, attribute: 'debounce-ms' }) debounceMs = 300;

  @state() private name = '';
  @state() private mode: MatchMode = 'all';
  @state() private rows: ConditionRow[] = [];
  @state() private preview: SegmentPreview | null = null;
  @state() private loading = false;
  @state() private saving = false;
  @state() private issues: ValidationIssue[] = [];
  @state() private error = '';

  #nextKey = 0;
  /** Bumped per preview request; an answer whose number is not the latest is dropped. */
  #sequence = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** The rule last sent (as JSON), so re-renders that change nothing do not re-request. */
  #lastRuleJson = 'null';

  constructor() {
    super();
    this.rows = [this.#newRow('type')];
  }

  /**
   * The rule the form currently describes, as sent to the API; `null` while no condition is
   * complete. Incomplete rows are left out.
   */
  get rule(): SegmentRule | null {
    const predicates = this.rows.map(toPredicate).filter((p) => p !== null);
    if (predicates.length === 0) return null;
    return this.mode === 'all' ? { all: predicates } : { any: predicates };
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.#timer);
    this.#sequence++; // an answer arriving after removal is dropped
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.#lastRuleJson = 'null';
    this.requestUpdate();
  }

  // willUpdate, not updated: state set here joins the current render instead of
  // scheduling a second one.
  protected override willUpdate(changed: PropertyValues): void {
    const ruleJson = JSON.stringify(this.rule);
    const connectionChanged = changed.has('baseUrl') || changed.has('token');
    if (ruleJson === this.#lastRuleJson && !connectionChanged) return;
    this.#lastRuleJson = ruleJson;
    this.#schedulePreview();
  }

  #newRow(field: ConditionField): ConditionRow {
    return { key: this.#nextKey++, field, customerType: 'lead', channel: 'email', text: '' };
  }

  #api() {
    return createSegmentsApi({ baseUrl: this.baseUrl, token: this.token });
  }

  #schedulePreview(): void {
    clearTimeout(this.#timer);
    const sequence = ++this.#sequence;
    const rule = this.rule;
    if (rule === null || !this.baseUrl) {
      this.preview = null;
      this.loading = false;
      return;
    }
    this.loading = true;
    this.#timer = setTimeout(() => void this.#runPreview(sequence, rule), this.debounceMs);
  }

  async #runPreview(sequence: number, rule: SegmentRule): Promise<void> {
    try {
      const preview = await this.#api().previewDraft({ rule, sampleSize: SAMPLE_SIZE });
      if (sequence !== this.#sequence) return;
      this.preview = preview;
      this.issues = [];
      this.error = '';
    } catch (error) {
      if (sequence !== this.#sequence) return;
      this.preview = null;
      this.#showError(error);
    } finally {
      if (sequence === this.#sequence) this.loading = false;
    }
  }

  #showError(error: unknown): void {
    const issues = validationIssues(error);
    this.issues = issues;
    this.error = issues.length ? '' : errorText(error);
  }

  async #save(event: Event): Promise<void> {
    event.preventDefault();
    if (this.saving) return;
    this.saving = true;
    this.issues = [];
    this.error = '';
    try {
      const rule = this.rule;
      const segment = await this.#api().create({
        name: this.name,
        ...(rule === null ? {} : { rule }),
      });
      this.dispatchEvent(
        new CustomEvent<Segment>('gt-segment-saved', {
          detail: segment,
          bubbles: true,
          composed: true,
        }),
      );
    } catch (error) {
      this.#showError(error);
    } finally {
      this.saving = false;
    }
  }

  #updateRow(key: number, patch: Partial<ConditionRow>): void {
    this.rows = this.rows.map((row) => (row.key === key ? { ...row, ...patch } : row));
  }

  /** A select bound to one enumerated field of the row. */
  #choice<K extends 'customerType' | 'channel'>(
    row: ConditionRow,
    label: string,
    key: K,
    options: ReadonlyArray<readonly [ConditionRow[K], string]>,
  ) {
    return html`<select
      part="value-input"
      aria-label=${label}
      .value=${row[key]}
      @change=${(e: Event) =>
        this.#updateRow(row.key, {
          [key]: (e.target as HTMLSelectElement).value,
        } as Partial<ConditionRow>)}
    >
      ${options.map(
        ([value, text]) =>
          html`<option value=${value} ?selected=${row[key] === value}>${text}</option>`,
      )}
    </select>`;
  }

  /** An input bound to the row's free text (a list, a number of days, an amount). */
  #textInput(row: ConditionRow, label: string, type: 'text' | 'number', placeholder = '') {
    return html`<input
      part="value-input"
      type=${type}
      aria-label=${label}
      placeholder=${placeholder}
      .value=${row.text}
      @input=${(e: Event) =>
        this.#updateRow(row.key, { text: (e.target as HTMLInputElement).value })}
    />`;
  }

  #renderValue(row: ConditionRow, label: string) {
    switch (row.field) {
      case 'type':
        return this.#choice(row, label, 'customerType', [
          ['customer', 'Customer'],
          ['lead', 'Lead'],
        ]);
      case 'consent':
        return this.#choice(row, label, 'channel', [
          ['email', 'Email'],
          ['sms', 'SMS'],
        ]);
      case 'tags':
      case 'country':
        return this.#textInput(
          row,
          label,
          'text',
          row.field === 'tags' ? 'vip, wholesale' : 'US, CA',
        );
      case 'created_at':
      case 'overdue_amount':
        return this.#textInput(row, label, 'number');
      case 'never_paid':
        return nothing;
    }
  }

  #renderRow(row: ConditionRow, index: number) {
    const n = index + 1;
    return html`<li part="condition" class="condition">
      <select
        part="field-select"
        aria-label=${`Condition ${n} field`}
        .value=${row.field}
        @change=${(e: Event) =>
          this.#updateRow(row.key, {
            field: (e.target as HTMLSelectElement).value as ConditionField,
            text: '',
          })}
      >
        ${Object.entries(fieldLabels).map(
          ([field, label]) =>
            html`<option value=${field} ?selected=${field === row.field}>${label}</option>`,
        )}
      </select>
      ${this.#renderValue(row, `Condition ${n} value`)}
      <button
        part="remove-button"
        type="button"
        aria-label=${`Remove condition ${n}`}
        @click=${() => {
          this.rows = this.rows.filter((r) => r.key !== row.key);
        }}
      >
        Remove
      </button>
    </li>`;
  }

  #renderSummary() {
    if (this.rule === null) return html`Add a condition to see who matches.`;
    if (this.preview === null) return this.loading ? html`Counting…` : nothing;
    const { count, sample } = this.preview;
    return html`<span class="count">${count} ${count === 1 ? 'customer matches' : 'customers match'}</span>
      ${
        sample.length
          ? html`<ul part="sample" class="sample">
            ${sample.map(
              (member) =>
                html`<li>${member.customer.name}${
                  member.matched.length
                    ? html` <span class="matched">(${member.matched.join('; ')})</span>`
                    : nothing
                }</li>`,
            )}
          </ul>`
          : nothing
      }`;
  }

  protected override render() {
    return html`<form part="form" class="form" @submit=${this.#save}>
      <div class="field">
        <label for="name">Name</label>
        <input
          id="name"
          part="name-input"
          type="text"
          name="name"
          .value=${this.name}
          @input=${(e: Event) => {
            this.name = (e.target as HTMLInputElement).value;
          }}
        />
      </div>
      <div class="field">
        <label for="mode">Match</label>
        <select
          id="mode"
          part="mode-select"
          .value=${this.mode}
          @change=${(e: Event) => {
            this.mode = (e.target as HTMLSelectElement).value as MatchMode;
          }}
        >
          <option value="all" ?selected=${this.mode === 'all'}>All conditions</option>
          <option value="any" ?selected=${this.mode === 'any'}>Any condition</option>
        </select>
      </div>
      <ul part="conditions" class="conditions" aria-label="Conditions">
        ${this.rows.map((row, index) => this.#renderRow(row, index))}
      </ul>
      <button
        part="add-button"
        type="button"
        @click=${() => {
          this.rows = [...this.rows, this.#newRow('type')];
        }}
      >
        Add condition
      </button>
      <div part="summary" class="summary" role="status" aria-live="polite" aria-busy=${this.loading}>
        ${this.#renderSummary()}
      </div>
      ${
        this.issues.length
          ? html`<ul part="issues" class="problem" aria-label="Problems">
            ${this.issues.map(
              (issue) => html`<li><code>${issue.path || '(request)'}</code>: ${issue.message}</li>`,
            )}
          </ul>`
          : nothing
      }
      ${this.error ? html`<p part="error" class="problem" role="alert">${this.error}</p>` : nothing}
      <button part="save-button" type="submit" ?disabled=${this.saving}>
        ${this.saving ? 'Saving…' : 'Save'}
      </button>
    </form>`;
  }
}
