import { Task, TaskStatus } from '@lit/task';
import { html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { GtErrorDetail } from '../base/events.js';
import { abortableDelay } from '../internal/abortable-delay.js';
import { GreenTrackApiElement } from '../internal/api-element.js';
import { controlStyles } from '../internal/greentrack-element.js';
import {
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

const conditionFields: readonly ConditionField[] = [
  'type',
  'tags',
  'country',
  'created_at',
  'consent',
  'never_paid',
  'overdue_amount',
];

/** How many sampled members the live region names. */
const SAMPLE_SIZE = 5;

/** What the preview task ends with: a count, or the server's issues with the draft. */
type PreviewOutcome =
  | { kind: 'empty' }
  | { kind: 'unconfigured' }
  | { kind: 'preview'; preview: SegmentPreview }
  | { kind: 'issues'; issues: ValidationIssue[] };

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

/**
 * @summary Compose a segment rule, see how many customers match while editing, and save it.
 *
 * Talks to the GreenTrack HTTP API at `api-base` with a widget `token` (its own attributes,
 * or those of the surrounding `<gt-provider>`). Every edit that yields a complete rule asks
 * the server for a preview after `debounceMs`, through a `@lit/task`: a newer edit aborts the
 * older request, so a stale answer is never shown. Validation is the server's: its issue
 * paths (e.g. `rule.all.0.days`) are listed next to the form. Other failures show a
 * plain-language message (from `messages.errors`) and dispatch one `gt-error`.
 *
 * @example
 * ```html
 * <gt-segment-builder api-base="/api/greentrack" token="…"></gt-segment-builder>
 * <script type="module">
 *   import '@greentrack/widgets/segment-builder';
 *   const builder = document.querySelector('gt-segment-builder');
 *   builder.addEventListener('gt-segment-saved', (e) => console.log(e.detail.id));
 *   builder.addEventListener('gt-token-expired', async () => {
 *     builder.token = await fetchWidgetToken();
 *   });
 * </script>
 * ```
 *
 * @customElement gt-segment-builder
 *
 * @event {SegmentSavedEvent} gt-segment-saved - A segment was created; `detail` is the `Segment`. Bubbles, composed.
 * @event {GtTokenExpiredEvent} gt-token-expired - The token was refused (401); set a fresh `token` on the element or its provider and the call is retried once. Bubbles, composed.
 * @event {GtErrorEvent} gt-error - A call failed (network, auth, permission, server); `detail` is `{ code, message, status }`. Not dispatched for validation issues, which are shown inline. Bubbles, composed.
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
 * @csspart error - Any other error (network, auth, server), in plain language.
 * @csspart save-button - The Save button.
 *
 * @cssproperty --gt-segment-builder-gap - Space between controls. Defaults to `--gt-spacing-small`.
 * @cssproperty --gt-segment-builder-padding - Space inside the border box. Defaults to `--gt-spacing-medium`.
 * @cssproperty --gt-segment-builder-error-color - Issue and error text. Defaults to `--gt-color-danger`.
 * @cssproperty --gt-segment-builder-error-background - Issue and error background. Defaults to `--gt-color-danger-subtle`.
 * @cssproperty --gt-font-family - Font of the text and every control. Defaults to `system-ui, …`.
 * @cssproperty --gt-control-height - Block size of inputs, selects and buttons. Defaults to `2.25rem`.
 * @cssproperty --gt-color-focus - Focus ring colour. Defaults to `#2563eb` (light) / `#7aa7ff` (dark).
 * @cssproperty --gt-color-text - Text colour. Defaults to `#1f2933` (light) / `#e6e9ed` (dark).
 * @cssproperty --gt-color-surface - Background. Defaults to `#ffffff` (light) / `#1b1f24` (dark).
 * @cssproperty --gt-color-border - Control borders. Defaults to `#6b7280` (light) / `#8b95a3` (dark).
 * @cssproperty --gt-color-primary - The Save button. Defaults to `#1d4ed8` (light) / `#8ab4ff` (dark).
 */
export class GtSegmentBuilder extends GreenTrackApiElement {
  static override styles = [...GreenTrackApiElement.styles, controlStyles, segmentBuilderStyles];

  /**
   * Quiet time after the last edit before a preview is requested, in milliseconds.
   * @default 300
   */
  @property({ type: Number, attribute: 'debounce-ms' }) debounceMs = 300;

  @state() private name = '';
  @state() private mode: MatchMode = 'all';
  @state() private rows: ConditionRow[] = [];
  @state() private saving = false;
  /** Issues and error of the last save (the preview's live in its task). */
  @state() private saveIssues: ValidationIssue[] = [];
  @state() private saveError: GtErrorDetail | undefined = undefined;

  #nextKey = 0;
  /** What the last preview that failed (and was not aborted) dispatched as `gt-error`. */
  #previewFailure: GtErrorDetail | undefined;

  /**
   * The live preview. Its arguments are the API base and the rule as JSON: when either
   * changes, Task aborts the running call (its `signal` reaches `fetch`) and ignores its
   * answer, then starts the new one.
   */
  #preview = new Task(this, {
    args: () => [this.effectiveApiBase, JSON.stringify(this.rule)] as const,
    task: async ([apiBase, ruleJson], { signal }): Promise<PreviewOutcome> => {
      const rule = JSON.parse(ruleJson) as SegmentRule | null;
      if (rule === null) return { kind: 'empty' };
      // No event here: a provider defined after this element connects a moment later.
      if (!apiBase) return { kind: 'unconfigured' };
      await abortableDelay(this.debounceMs, signal);
      try {
        const preview = await this.callApi(
          (client) => client.segments.previewDraft({ rule, sampleSize: SAMPLE_SIZE }),
          signal,
        );
        return { kind: 'preview', preview };
      } catch (error) {
        const issues = validationIssues(error);
        if (issues.length) return { kind: 'issues', issues };
        if (!signal.aborted) this.#previewFailure = this.fail(error);
        throw error;
      }
    },
  });

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

  /** A preview that failed for want of a (valid) token is tried again with the new one. */
  protected override tokenChanged(): void {
    if (this.#preview.status === TaskStatus.ERROR) void this.#preview.run();
  }

  #notConfigured(): GtErrorDetail {
    const detail: GtErrorDetail = {
      code: 'NOT_CONFIGURED',
      message: this.text.errors.notConfigured,
      status: 0,
    };
    this.dispatchEvent(
      new CustomEvent<GtErrorDetail>('gt-error', { detail, bubbles: true, composed: true }),
    );
    return detail;
  }

  #newRow(field: ConditionField): ConditionRow {
    return { key: this.#nextKey++, field, customerType: 'lead', channel: 'email', text: '' };
  }

  async #save(event: Event): Promise<void> {
    event.preventDefault();
    if (this.saving) return;
    this.saving = true;
    this.saveIssues = [];
    this.saveError = undefined;
    try {
      if (!this.effectiveApiBase) {
        this.saveError = this.#notConfigured();
        return;
      }
      const rule = this.rule;
      const segment = await this.callApi((client) =>
        client.segments.create({ name: this.name, ...(rule === null ? {} : { rule }) }),
      );
      this.dispatchEvent(
        new CustomEvent<Segment>('gt-segment-saved', {
          detail: segment,
          bubbles: true,
          composed: true,
        }),
      );
    } catch (error) {
      const issues = validationIssues(error);
      if (issues.length) this.saveIssues = issues;
      else this.saveError = this.fail(error);
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
    options: Record<ConditionRow[K], string>,
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
      ${Object.entries<string>(options).map(
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
    const t = this.text.segmentBuilder;
    switch (row.field) {
      case 'type':
        return this.#choice(row, label, 'customerType', t.customerTypes);
      case 'consent':
        return this.#choice(row, label, 'channel', t.channels);
      case 'tags':
        return this.#textInput(row, label, 'text', t.tagsPlaceholder);
      case 'country':
        return this.#textInput(row, label, 'text', t.countryPlaceholder);
      case 'created_at':
      case 'overdue_amount':
        return this.#textInput(row, label, 'number');
      case 'never_paid':
        return nothing;
    }
  }

  #renderRow(row: ConditionRow, index: number) {
    const t = this.text.segmentBuilder;
    const n = index + 1;
    return html`<li part="condition" class="condition">
      <select
        part="field-select"
        aria-label=${t.conditionField(n)}
        .value=${row.field}
        @change=${(e: Event) =>
          this.#updateRow(row.key, {
            field: (e.target as HTMLSelectElement).value as ConditionField,
            text: '',
          })}
      >
        ${conditionFields.map(
          (field) =>
            html`<option value=${field} ?selected=${field === row.field}>${t.fields[field]}</option>`,
        )}
      </select>
      ${this.#renderValue(row, t.conditionValue(n))}
      <button
        part="remove-button"
        type="button"
        aria-label=${t.removeCondition(n)}
        @click=${() => {
          this.rows = this.rows.filter((r) => r.key !== row.key);
        }}
      >
        ${t.remove}
      </button>
    </li>`;
  }

  #renderPreview(preview: SegmentPreview) {
    const { count, sample } = preview;
    return html`<span class="count">${this.text.segmentBuilder.matchCount(count)}</span>
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

  #renderIssues(issues: ValidationIssue[]) {
    const t = this.text.segmentBuilder;
    return html`<ul part="issues" class="problem" aria-label=${t.problems}>
      ${issues.map(
        (issue) => html`<li><code>${issue.path || t.wholeRequest}</code>: ${issue.message}</li>`,
      )}
    </ul>`;
  }

  protected override render() {
    const t = this.text.segmentBuilder;
    const outcome = this.#preview.value;
    const pending = this.#preview.status === TaskStatus.PENDING;
    const previewIssues = !pending && outcome?.kind === 'issues' ? outcome.issues : [];
    const issues = this.saveIssues.length ? this.saveIssues : previewIssues;
    const error =
      this.saveError ??
      (this.#preview.status === TaskStatus.ERROR ? this.#previewFailure : undefined);
    return html`<form part="form" class="form" @submit=${this.#save}>
      <div class="field">
        <label for="name">${t.name}</label>
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
        <label for="mode">${t.match}</label>
        <select
          id="mode"
          part="mode-select"
          .value=${this.mode}
          @change=${(e: Event) => {
            this.mode = (e.target as HTMLSelectElement).value as MatchMode;
          }}
        >
          <option value="all" ?selected=${this.mode === 'all'}>${t.matchAll}</option>
          <option value="any" ?selected=${this.mode === 'any'}>${t.matchAny}</option>
        </select>
      </div>
      <ul part="conditions" class="conditions" aria-label=${t.conditions}>
        ${this.rows.map((row, index) => this.#renderRow(row, index))}
      </ul>
      <button
        part="add-button"
        type="button"
        @click=${() => {
          this.rows = [...this.rows, this.#newRow('type')];
        }}
      >
        ${t.addCondition}
      </button>
      <div part="summary" class="summary" role="status" aria-live="polite" aria-busy=${pending}>
        ${
          this.rule === null
            ? t.emptyRule
            : pending
              ? t.counting
              : outcome?.kind === 'unconfigured'
                ? this.text.errors.notConfigured
                : outcome?.kind === 'preview' && this.#preview.status === TaskStatus.COMPLETE
                  ? this.#renderPreview(outcome.preview)
                  : nothing
        }
      </div>
      ${issues.length ? this.#renderIssues(issues) : nothing}
      ${error ? html`<p part="error" class="problem" role="alert">${error.message}</p>` : nothing}
      <button part="save-button" data-variant="primary" type="submit" ?disabled=${this.saving}>
        ${this.saving ? t.saving : t.save}
      </button>
    </form>`;
  }
}
