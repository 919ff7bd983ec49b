import { Task, TaskStatus } from '@lit/task';
import { html, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
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

/** What a row's value needs, as a key of `messages.segmentBuilder.problemText`. */
export type ProblemKind = 'days' | 'daysMax' | 'values' | 'tooLong' | 'amount' | 'other';

const conditionFields: readonly ConditionField[] = [
  'type',
  'tags',
  'country',
  'created_at',
  'consent',
  'never_paid',
  'overdue_amount',
];

/** How many sampled members the preview lists. */
const SAMPLE_SIZE = 5;
/** The server's bound on a relative window (rule-schema.ts). */
const MAX_DAYS = 36_500;

/** What the preview task ends with: a count, or the server's issues with the draft. */
type PreviewOutcome =
  | { kind: 'empty' }
  | { kind: 'unconfigured' }
  | { kind: 'invalid' }
  | { kind: 'preview'; preview: SegmentPreview }
  | { kind: 'issues'; issues: ValidationIssue[] };

/** A row read: its predicate, nothing yet (an empty value), or what is wrong with it. */
type RowReading =
  | { kind: 'ok'; predicate: SegmentPredicate }
  | { kind: 'empty'; needs: ProblemKind }
  | { kind: 'bad'; problem: ProblemKind };

function splitList(text: string): string[] {
  return text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
}

/** Cents from an amount typed in currency units ("12.50" → 1250), or `null` if it is not one. */
function toCents(text: string): number | null {
  const trimmed = text.trim();
  if (!/^\d+(\.\d{1,2})?$/.test(trimmed)) return null;
  const cents = Math.round(Number(trimmed) * 100);
  return Number.isSafeInteger(cents) ? cents : null;
}

/** Currency units for an input from cents (1250 → "12.50", 1200 → "12"). */
function fromCents(cents: number): string {
  return cents % 100 === 0 ? String(cents / 100) : (cents / 100).toFixed(2);
}

/**
 * Reads a row. The client checks what it can (whole days in range, an amount in currency
 * units) so the common mistakes never reach the server; the rest is the server's, and its
 * issue paths are mapped back onto the row (`problemOf`).
 */
function readRow(row: ConditionRow): RowReading {
  const text = row.text.trim();
  switch (row.field) {
    case 'type':
      return { kind: 'ok', predicate: { field: 'type', op: 'eq', value: row.customerType } };
    case 'consent':
      return {
        kind: 'ok',
        predicate: { field: 'consent', op: 'subscribed', channel: row.channel },
      };
    case 'never_paid':
      return { kind: 'ok', predicate: { field: 'never_paid' } };
    case 'tags':
    case 'country': {
      const values = splitList(text);
      if (!values.length) return { kind: 'empty', needs: 'values' };
      return {
        kind: 'ok',
        predicate:
          row.field === 'tags'
            ? { field: 'tags', op: 'has_any', values }
            : { field: 'country', op: 'in', values },
      };
    }
    case 'created_at': {
      if (text === '') return { kind: 'empty', needs: 'days' };
      const days = Number(text);
      if (!/^\d+$/.test(text) || days < 1) return { kind: 'bad', problem: 'days' };
      if (days > MAX_DAYS) return { kind: 'bad', problem: 'daysMax' };
      return { kind: 'ok', predicate: { field: 'created_at', op: 'within_days', days } };
    }
    case 'overdue_amount': {
      if (text === '') return { kind: 'empty', needs: 'amount' };
      const value = toCents(text);
      return value === null
        ? { kind: 'bad', problem: 'amount' }
        : { kind: 'ok', predicate: { field: 'overdue_amount', op: 'gt', value } };
    }
  }
}

/** The row a stored predicate stands for, or `null` when the builder cannot show it. */
function rowOf(predicate: unknown, key: number): ConditionRow | null {
  const base: ConditionRow = {
    key,
    field: 'type',
    customerType: 'lead',
    channel: 'email',
    text: '',
  };
  const p = predicate as Record<string, unknown>;
  const list = (values: unknown) => (Array.isArray(values) ? values.join(', ') : '');
  if (p.field === 'type' && p.op === 'eq' && (p.value === 'customer' || p.value === 'lead'))
    return { ...base, customerType: p.value };
  if (p.field === 'tags' && p.op === 'has_any')
    return { ...base, field: 'tags', text: list(p.values) };
  if (p.field === 'country' && p.op === 'in')
    return { ...base, field: 'country', text: list(p.values) };
  if (p.field === 'created_at' && p.op === 'within_days')
    return { ...base, field: 'created_at', text: String(p.days) };
  if (
    p.field === 'consent' &&
    p.op === 'subscribed' &&
    (p.channel === 'email' || p.channel === 'sms')
  )
    return { ...base, field: 'consent', channel: p.channel };
  if (p.field === 'never_paid') return { ...base, field: 'never_paid' };
  if (p.field === 'overdue_amount' && p.op === 'gt' && typeof p.value === 'number')
    return { ...base, field: 'overdue_amount', text: fromCents(p.value) };
  return null;
}

/**
 * Maps one server issue on a condition to what the row needs: `rule.all.3.days` ("Too
 * small…") → `days`. The server's wording is never shown; only its path and whether the
 * value was too big are read.
 */
function problemOf(field: string | undefined, message: string): ProblemKind {
  const tooBig = /too big|<=/i.test(message);
  if (field === 'days') return tooBig ? 'daysMax' : 'days';
  if (field === 'values') return tooBig ? 'tooLong' : 'values';
  if (field === 'value') return 'amount';
  return 'other';
}

/**
 * @summary Compose a segment rule, see how many customers match while editing, and save it.
 *
 * Talks to the GreenTrack HTTP API at `api-base` with a widget `token` (its own attributes,
 * or those of the surrounding `<gt-provider>`). Every edit that yields a complete rule asks
 * the server for a preview after `debounceMs`, through a `@lit/task`: a newer edit aborts the
 * older request, so a stale answer is never shown; while it runs the last count stays, dimmed
 * and `aria-busy`. Problems are shown in plain language on the row they belong to
 * ("Condition 4: enter 1 or more days"): the client checks what it can before sending, and
 * the server's issue paths (`rule.all.3.days`) are mapped back onto their row. Other failures
 * show a message from `messages.errors` in the footer and dispatch one `gt-error`.
 *
 * Rows sit in aligned columns (field, value, remove) and stack as labelled cards when the
 * builder is narrower than 30rem. Save stays in a footer with the count; after a save it
 * reads "Saved ✓", and the next save updates the same segment. Set `segment-id` to edit an
 * existing segment.
 *
 * @example
 * ```html
 * <gt-segment-builder api-base="/api/greentrack" token="…" currency="EUR"></gt-segment-builder>
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
 * @event {SegmentSavedEvent} gt-segment-saved - A segment was created or updated; `detail` is the `Segment` as stored. Bubbles, composed.
 * @event {GtTokenExpiredEvent} gt-token-expired - The token was refused (401); set a fresh `token` on the element or its provider and the call is retried once. Bubbles, composed.
 * @event {GtErrorEvent} gt-error - A call failed (network, auth, permission, server); `detail` is `{ code, message, status }`. Not dispatched for validation problems, which are shown on their row. Bubbles, composed.
 *
 * @csspart form - The form around every control.
 * @csspart name-input - The segment name input.
 * @csspart name-error - The problem with the name, under it.
 * @csspart mode-select - The all / any select.
 * @csspart conditions - The list of condition rows (a grid: field, value, remove).
 * @csspart condition - One condition row (a card on narrow screens).
 * @csspart condition-heading - A row's "Condition n" heading, shown on narrow screens.
 * @csspart cell-label - A cell's label ("Field", "Value"), shown on narrow screens.
 * @csspart field-select - A row's field select.
 * @csspart value-input - A row's value input or select.
 * @csspart remove-button - A row's remove button.
 * @csspart condition-error - A row's problem in plain language.
 * @csspart add-button - The "Add condition" button.
 * @csspart footer - The footer with the count, the sample and Save (sticky at the bottom).
 * @csspart summary - The live region: the match count only.
 * @csspart busy - The "Counting…" sign while the count is stale.
 * @csspart sample - The list of sampled members, explained in words.
 * @csspart error - Any other problem (network, auth, server), in plain language.
 * @csspart save-button - The Save button.
 *
 * @cssproperty --gt-segment-builder-gap - Space between controls. Defaults to `--gt-spacing-small`.
 * @cssproperty --gt-segment-builder-padding - Space inside the border box. Defaults to `--gt-spacing-medium`.
 * @cssproperty --gt-segment-builder-field-width - Width of the field column. Defaults to `14rem`.
 * @cssproperty --gt-segment-builder-error-color - Problem text. Defaults to `--gt-color-danger`.
 * @cssproperty --gt-segment-builder-error-background - Problem background. Defaults to `--gt-color-danger-subtle`.
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

  /**
   * The id of a stored segment to edit: it is loaded into the form, and Save updates it.
   * @default undefined
   */
  @property({ attribute: 'segment-id' }) segmentId: string | undefined = undefined;

  /**
   * ISO 4217 code of the amounts: they are typed and shown in its units (12.50), and sent in
   * cents.
   * @default 'USD'
   */
  @property() currency = 'USD';

  @state() private name = '';
  @state() private mode: MatchMode = 'all';
  @state() private rows: ConditionRow[] = [];
  @state() private saving = false;
  /** True from a successful save until the next edit: Save reads "Saved ✓" and does nothing. */
  @state() private saved = false;
  /** After a save attempt, incomplete rows and the name are flagged too, not only bad ones. */
  @state() private submitted = false;
  /** The id Save updates: the loaded segment's, or the one the first save created. */
  @state() private savedId: string | undefined = undefined;
  /** Problems of the last save by row key (mapped from the server's paths). */
  @state() private saveProblems = new Map<number | 'name' | 'form', ProblemKind | string>();
  @state() private saveError: GtErrorDetail | undefined = undefined;

  #nextKey = 0;
  /** What the last preview that failed (and was not aborted) dispatched as `gt-error`. */
  #previewFailure: GtErrorDetail | undefined;
  /** The last count shown: kept, dimmed, while a newer one is counted. */
  #shown: SegmentPreview | undefined;

  /**
   * The live preview. Its arguments are the API base and the rule as JSON: when either
   * changes, Task aborts the running call (its `signal` reaches `fetch`) and ignores its
   * answer, then starts the new one. A row the client knows is wrong sends nothing.
   */
  #preview = new Task(this, {
    args: () => [this.effectiveApiBase, JSON.stringify(this.rule), this.#hasBadRow()] as const,
    task: async ([apiBase, ruleJson, bad], { signal }): Promise<PreviewOutcome> => {
      if (bad) return { kind: 'invalid' };
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

  /** Loads `segment-id` into the form (edit mode). */
  #load = new Task(this, {
    args: () => [this.effectiveApiBase, this.segmentId] as const,
    task: async ([apiBase, id], { signal }) => {
      if (!apiBase || !id) return;
      try {
        const segment = await this.callApi((client) => client.segments.get(id), signal);
        this.#fill(segment);
      } catch (error) {
        this.saveError = this.fail(error);
      }
    },
  });

  constructor() {
    super();
    this.rows = [this.#newRow('type')];
  }

  /**
   * The rule the form currently describes, as sent to the API; `null` while no condition is
   * complete. Incomplete and invalid rows are left out.
   */
  get rule(): SegmentRule | null {
    const predicates = this.#predicates().map(([, predicate]) => predicate);
    if (predicates.length === 0) return null;
    return this.mode === 'all' ? { all: predicates } : { any: predicates };
  }

  /** Every complete row with its predicate, in order (the rule's index → the row). */
  #predicates(): Array<[ConditionRow, SegmentPredicate]> {
    return this.rows.flatMap((row) => {
      const reading = readRow(row);
      return reading.kind === 'ok'
        ? [[row, reading.predicate] as [ConditionRow, SegmentPredicate]]
        : [];
    });
  }

  #hasBadRow(): boolean {
    return this.rows.some((row) => readRow(row).kind === 'bad');
  }

  /** A preview that failed for want of a (valid) token is tried again with the new one. */
  protected override tokenChanged(): void {
    if (this.#preview.status === TaskStatus.ERROR) void this.#preview.run();
  }

  protected override willUpdate(changed: PropertyValues): void {
    super.willUpdate(changed);
    const outcome = this.#preview.value;
    if (this.#preview.status === TaskStatus.COMPLETE)
      this.#shown = outcome?.kind === 'preview' ? outcome.preview : undefined;
    if (changed.has('segmentId')) this.savedId = this.segmentId;
  }

  #fill(segment: Segment): void {
    const rule = segment.rule as Record<string, unknown> | null;
    const mode: MatchMode = rule && 'any' in rule ? 'any' : 'all';
    const list = rule?.[mode];
    const rows = Array.isArray(list) ? list.map((p) => rowOf(p, this.#nextKey++)) : [];
    this.name = segment.name;
    this.mode = mode;
    this.savedId = segment.id;
    if (rows.length && rows.every((row) => row !== null)) {
      this.rows = rows as ConditionRow[];
      this.saved = true;
    } else {
      this.rows = [];
      this.saveProblems = new Map([['form', this.text.segmentBuilder.unsupportedRule]]);
    }
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

  /** Marks the form edited: "Saved ✓" goes back to "Save", the last save's problems go. */
  #edited(): void {
    this.saved = false;
    this.saveProblems = new Map();
    this.saveError = undefined;
  }

  /** What is wrong with a row now, worded, or `undefined`. */
  #rowProblem(row: ConditionRow): string | undefined {
    const t = this.text.segmentBuilder;
    const fromServer = this.saveProblems.get(row.key) ?? this.#previewProblems().get(row.key);
    const reading = readRow(row);
    const kind: ProblemKind | undefined =
      reading.kind === 'bad'
        ? reading.problem
        : reading.kind === 'empty' && this.submitted
          ? reading.needs
          : (fromServer as ProblemKind | undefined);
    return kind ? t.problemText[kind] : undefined;
  }

  /** The server's issues with the draft being previewed, by row key. */
  #previewProblems(): Map<number | 'name' | 'form', ProblemKind | string> {
    const outcome = this.#preview.value;
    if (this.#preview.status !== TaskStatus.COMPLETE || outcome?.kind !== 'issues')
      return new Map();
    return this.#mapIssues(outcome.issues);
  }

  /** Server issue paths onto rows: `rule.all.3.days` → the row of the rule's 4th predicate. */
  #mapIssues(issues: ValidationIssue[]): Map<number | 'name' | 'form', ProblemKind | string> {
    const t = this.text.segmentBuilder;
    const predicates = this.#predicates();
    const problems = new Map<number | 'name' | 'form', ProblemKind | string>();
    for (const { path, message } of issues) {
      const [top, , index, field] = path.split('.');
      const row =
        top === 'rule' && index !== undefined ? predicates[Number(index)]?.[0] : undefined;
      if (row) problems.set(row.key, problemOf(field, message));
      else if (top === 'name') problems.set('name', t.needName);
      else problems.set('form', t.needCondition);
    }
    return problems;
  }

  /** Focuses the first control flagged `aria-invalid`. */
  async #focusFirstProblem(): Promise<void> {
    await this.updateComplete;
    this.shadowRoot?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }

  async #save(event: Event): Promise<void> {
    event.preventDefault();
    if (this.saving || this.saved) return;
    const t = this.text.segmentBuilder;
    this.submitted = true;
    this.saveError = undefined;
    const problems = new Map<number | 'name' | 'form', ProblemKind | string>();
    if (!this.name.trim()) problems.set('name', t.needName);
    const rule = this.rule;
    if (rule === null && !this.rows.length) problems.set('form', t.needCondition);
    this.saveProblems = problems;
    if (problems.size || this.rows.some((row) => readRow(row).kind !== 'ok')) {
      await this.#focusFirstProblem();
      return;
    }
    if (!this.effectiveApiBase) {
      this.saveError = this.#notConfigured();
      return;
    }
    this.saving = true;
    try {
      const id = this.savedId;
      const body = { name: this.name, ...(rule === null ? {} : { rule }) };
      const segment = await this.callApi((client) =>
        id ? client.segments.update(id, body) : client.segments.create(body),
      );
      this.savedId = segment.id;
      this.saved = true;
      this.submitted = false;
      this.dispatchEvent(
        new CustomEvent<Segment>('gt-segment-saved', {
          detail: segment,
          bubbles: true,
          composed: true,
        }),
      );
    } catch (error) {
      const issues = validationIssues(error);
      if (issues.length) {
        this.saveProblems = this.#mapIssues(issues);
        await this.#focusFirstProblem();
      } else this.saveError = this.fail(error);
    } finally {
      this.saving = false;
    }
  }

  #updateRow(key: number, patch: Partial<ConditionRow>): void {
    this.#edited();
    this.rows = this.rows.map((row) => (row.key === key ? { ...row, ...patch } : row));
  }

  #fieldSelect(key: number): HTMLElement | null | undefined {
    return this.shadowRoot?.querySelector<HTMLElement>(
      `[data-key="${key}"] [part~="field-select"]`,
    );
  }

  /** Adds a row and focuses its field select (whose label names the new row). */
  async #add(): Promise<void> {
    this.#edited();
    const row = this.#newRow('type');
    this.rows = [...this.rows, row];
    await this.updateComplete;
    this.#fieldSelect(row.key)?.focus();
  }

  /** Removes a row; focus goes to the next row's field, else the Add button. */
  async #remove(key: number): Promise<void> {
    this.#edited();
    const index = this.rows.findIndex((r) => r.key === key);
    this.rows = this.rows.filter((r) => r.key !== key);
    await this.updateComplete;
    const next = this.rows[index];
    const target = next
      ? this.#fieldSelect(next.key)
      : this.shadowRoot?.querySelector<HTMLElement>('[part~="add-button"]');
    target?.focus();
  }

  /** Enter in a condition's input would submit the form; it never should. */
  #blockEnter(event: KeyboardEvent): void {
    if (event.key === 'Enter' && event.target instanceof HTMLInputElement) event.preventDefault();
  }

  /** Attributes that tie a control to its row's problem. */
  #invalid(problem: string | undefined, id: string) {
    return { invalid: problem ? 'true' : nothing, describedBy: problem ? id : nothing };
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
  #textInput(
    row: ConditionRow,
    label: string,
    inputmode: 'text' | 'numeric' | 'decimal',
    problem: string | undefined,
    placeholder = '',
  ) {
    const a = this.#invalid(problem, `problem-${row.key}`);
    return html`<input
      part="value-input"
      type="text"
      inputmode=${inputmode}
      aria-label=${label}
      aria-invalid=${a.invalid}
      aria-describedby=${a.describedBy}
      placeholder=${placeholder}
      .value=${row.text}
      @input=${(e: Event) =>
        this.#updateRow(row.key, { text: (e.target as HTMLInputElement).value })}
    />`;
  }

  #renderValue(row: ConditionRow, label: string, problem: string | undefined) {
    const t = this.text.segmentBuilder;
    switch (row.field) {
      case 'type':
        return this.#choice(row, label, 'customerType', t.customerTypes);
      case 'consent':
        return this.#choice(row, label, 'channel', t.channels);
      case 'tags':
        return this.#textInput(row, label, 'text', problem, t.tagsPlaceholder);
      case 'country':
        return this.#textInput(row, label, 'text', problem, t.countryPlaceholder);
      case 'created_at':
        return this.#textInput(row, label, 'numeric', problem, '30');
      case 'overdue_amount':
        return html`<span class="amount">${this.#textInput(row, label, 'decimal', problem, '12.50')}<span
            class="unit"
            >${this.currency}</span
          ></span>`;
      case 'never_paid':
        return nothing;
    }
  }

  #renderRow(row: ConditionRow, index: number) {
    const t = this.text.segmentBuilder;
    const n = index + 1;
    const problem = this.#rowProblem(row);
    return html`<li part="condition" class="condition" data-key=${row.key}>
      <span part="condition-heading" class="heading">${t.conditionHeading(n)}</span>
      <label class="cell">
        <span part="cell-label" class="cell-label">${t.fieldLabel}</span>
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
      </label>
      ${
        row.field === 'never_paid'
          ? html`<span class="cell"></span>`
          : html`<label class="cell">
            <span part="cell-label" class="cell-label">${t.valueLabel}</span>
            ${this.#renderValue(row, t.conditionValue(n), problem)}
          </label>`
      }
      <button
        part="remove-button"
        class="remove"
        type="button"
        aria-label=${t.removeCondition(n)}
        @click=${() => this.#remove(row.key)}
      >
        ${t.remove}
      </button>
      ${
        problem
          ? html`<p part="condition-error" class="problem row-problem" id="problem-${row.key}">
            ${t.conditionProblem(n, problem)}
          </p>`
          : nothing
      }
    </li>`;
  }

  /** A sampled member's reasons in words, from the rows (the server's labels are query text). */
  #explain(matched: number): string {
    const t = this.text.segmentBuilder;
    const predicates = this.#predicates().map(([, p]) => p);
    if (matched < predicates.length) return t.matchesSome(matched, predicates.length);
    const region = new Intl.DisplayNames([document.documentElement.lang || 'en'], {
      type: 'region',
    });
    const money = new Intl.NumberFormat(document.documentElement.lang || 'en', {
      style: 'currency',
      currency: this.currency,
    });
    const country = (code: string) => {
      try {
        return region.of(code.toUpperCase()) ?? code;
      } catch {
        return code;
      }
    };
    return predicates
      .map((p) => {
        switch (p.field) {
          case 'type':
            return t.customerTypes[p.value];
          case 'tags':
            return t.words.tags(p.values);
          case 'country':
            return t.words.country(p.values.map(country));
          case 'created_at':
            return t.words.created_at(p.days);
          case 'consent':
            return t.words.consent(t.channels[p.channel]);
          case 'never_paid':
            return t.words.never_paid;
          default:
            return t.words.overdue_amount(money.format(p.value / 100));
        }
      })
      .join(' · ');
  }

  #renderSample(preview: SegmentPreview | undefined) {
    if (!preview?.sample.length) return nothing;
    return html`<ul part="sample" class="sample">
      ${preview.sample.map(
        (member) =>
          html`<li>${member.customer.name}
            <span class="matched">· ${this.#explain(member.matched.length)}</span></li>`,
      )}
    </ul>`;
  }

  protected override render() {
    const t = this.text.segmentBuilder;
    const outcome = this.#preview.value;
    const pending = this.#preview.status === TaskStatus.PENDING;
    const shown = this.#shown;
    const nameProblem = (this.saveProblems.get('name') ??
      (this.submitted && !this.name.trim() ? t.needName : undefined)) as string | undefined;
    const formProblem = this.saveProblems.get('form') as string | undefined;
    const error =
      this.saveError ??
      (this.#preview.status === TaskStatus.ERROR ? this.#previewFailure : undefined);
    const summary =
      this.rule === null && !pending
        ? t.emptyRule
        : outcome?.kind === 'unconfigured' && !pending
          ? this.text.errors.notConfigured
          : shown
            ? t.matchCount(shown.count)
            : '';
    const nameA = this.#invalid(nameProblem, 'name-problem');
    return html`<form part="form" class="form" @submit=${this.#save}>
      <div class="field">
        <label for="name">${t.name}</label>
        <input
          id="name"
          part="name-input"
          type="text"
          name="name"
          aria-invalid=${nameA.invalid}
          aria-describedby=${nameA.describedBy}
          .value=${this.name}
          @input=${(e: Event) => {
            this.#edited();
            this.name = (e.target as HTMLInputElement).value;
          }}
        />
      </div>
      ${
        nameProblem
          ? html`<p part="name-error" class="problem" id="name-problem">${nameProblem}</p>`
          : nothing
      }
      <div class="field">
        <label for="mode">${t.match}</label>
        <select
          id="mode"
          part="mode-select"
          .value=${this.mode}
          @change=${(e: Event) => {
            this.#edited();
            this.mode = (e.target as HTMLSelectElement).value as MatchMode;
          }}
        >
          <option value="all" ?selected=${this.mode === 'all'}>${t.matchAll}</option>
          <option value="any" ?selected=${this.mode === 'any'}>${t.matchAny}</option>
        </select>
      </div>
      <ul part="conditions" class="conditions" aria-label=${t.conditions} @keydown=${this.#blockEnter}>
        ${repeat(
          this.rows,
          (row) => row.key,
          (row, index) => this.#renderRow(row, index),
        )}
      </ul>
      <button part="add-button" type="button" @click=${this.#add}>${t.addCondition}</button>
      <div part="footer" class="footer ${pending ? 'stale' : ''}">
        <div class="footer-text">
          <span class="line">
            <span part="summary" class="summary" role="status" aria-live="polite" aria-busy=${pending}
              >${summary}</span
            >
            ${pending ? html`<span part="busy" class="busy">${t.counting}</span>` : nothing}
          </span>
          ${this.#renderSample(shown)}
          ${formProblem ? html`<p part="error" class="problem" role="alert">${formProblem}</p>` : nothing}
          ${error ? html`<p part="error" class="problem" role="alert">${error.message}</p>` : nothing}
        </div>
        <button part="save-button" data-variant="primary" type="submit"
          ?disabled=${this.saving || this.#load.status === TaskStatus.PENDING}
        >
          ${this.saving ? t.saving : this.saved ? t.saved : t.save}
        </button>
      </div>
    </form>`;
  }
}
