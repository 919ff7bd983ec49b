import { Task, TaskStatus } from '@lit/task';
import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { live } from 'lit/directives/live.js';
import { repeat } from 'lit/directives/repeat.js';
import type { GtErrorDetail } from '../base/events.js';
import { errorMessages, type GtMessages } from '../base/messages.js';
import { abortableDelay } from '../internal/abortable-delay.js';
import { GreenTrackApiElement } from '../internal/api-element.js';
import { segmentsApi, tagsApi } from '../internal/client.js';
import { controlStyles } from '../internal/greentrack-element.js';
import {
  type Segment,
  type SegmentPredicate,
  type SegmentPreview,
  type SegmentRule,
  type SegmentVector,
  type ValidationIssue,
  validationIssues,
} from '../internal/segments-api.js';
import { type ConditionFieldName, segmentBuilderMessages } from './segment-builder.messages.js';
import { segmentBuilderStyles } from './segment-builder.styles.js';

export type {
  Segment,
  SegmentPredicate,
  SegmentPreview,
  SegmentRule,
  SegmentVector,
  ValidationIssue,
} from '../internal/segments-api.js';

/** A condition row's field: one predicate kind of the server's rule language. */
export type ConditionField = ConditionFieldName;

/**
 * How a group combines its conditions: every one (`all`), at least one (`any`), none of them
 * (`none`, written `{ not: { any } }`) or not every one (`not_all`, `{ not: { all } }`).
 */
export type MatchMode = 'all' | 'any' | 'none' | 'not_all';

/** The `detail` of `gt-segment-saved`: the segment as the server stored it. */
export type SegmentSavedEvent = CustomEvent<Segment>;

/** What a row's value needs, as a key of `messages.segmentBuilder.problemText`. */
export type ProblemKind =
  | 'days'
  | 'daysMax'
  | 'values'
  | 'tooLong'
  | 'amount'
  | 'count'
  | 'text'
  | 'date'
  | 'country'
  | 'similarity'
  | 'other';

/** The controls a row's value cell is made of; other tokens are words between them. */
type InputToken = 'choice' | 'text' | 'list' | 'money' | 'count' | 'days' | 'from' | 'to';

/**
 * Each input, once for every field that uses it: the predicate key it writes (a field may
 * name another in `FIELDS`, e.g. `text:name`), what it needs when empty or wrong, and when
 * too big (an issue path the server reports "too big"), and the least whole number it takes.
 */
const INPUTS: Record<
  InputToken,
  readonly [key: string, problem: ProblemKind, tooBig?: ProblemKind, min?: number]
> = {
  choice: ['value', 'other'],
  text: ['value', 'text', 'tooLong'],
  list: ['values', 'values', 'tooLong'],
  money: ['value', 'amount'],
  count: ['value', 'count', 'count', 0],
  days: ['days', 'days', 'daysMax', 1],
  from: ['from', 'date'],
  to: ['to', 'date'],
};
const isInput = (token: string): token is InputToken => Object.hasOwn(INPUTS, token);

/** One condition (a leaf of the rule); `input` holds each control's raw text by token. */
interface ConditionRow {
  kind: 'row';
  key: number;
  field: ConditionField;
  /** The rule's `op` ('' for `never_paid`); a leading `!` wraps the predicate in `not`. */
  op: string;
  input: Partial<Record<InputToken, string>>;
  /** The chips of a list input (tags, countries as ISO codes, cities…). */
  values: string[];
  /** Keys of a loaded predicate the builder has no control for (`campaign_id`, `property`). */
  extra: Record<string, unknown>;
}

/** A group of conditions and groups; the root is one too. */
interface ConditionGroup {
  kind: 'group';
  key: number;
  mode: MatchMode;
  children: ConditionNode[];
}

type ConditionNode = ConditionRow | ConditionGroup;

/**
 * Each field's operators (space-separated; `!op` is the negation) and the tokens of its value
 * cell: inputs and, between them, words from `messages.segmentBuilder.joins`. The row reads
 * as a sentence ("Paid more than [12.50] USD in the last [30] days"), and the sample's
 * explanation is the same sentence with the values filled in.
 */
const FIELDS: Record<ConditionField, readonly [ops: string, tokens: string]> = {
  type: ['eq !eq', 'choice'],
  tags: ['has_any has_all has_none', 'list'],
  country: ['in !in', 'list'],
  city: ['in !in', 'list'],
  state: ['in !in', 'list'],
  postal_code: ['in !in', 'list'],
  name: ['contains !contains', 'text'],
  notes: ['contains !contains', 'text'],
  email_domain: ['eq !eq', 'text'],
  created_at: ['within_days !within_days between', 'days daysUnit'],
  updated_at: ['within_days !within_days between', 'days daysUnit'],
  consent: ['subscribed unsubscribed', 'choice:channel'],
  engagement: ['received opened clicked not_messaged', 'inLast days daysUnit'],
  event: ['at_least', 'text:name atLeast count timesInLast days daysUnit'],
  invoice_status: ['has !has', 'thatIs choice'],
  invoice_count: ['gt lt', 'count inLast days daysUnit'],
  invoice_total: ['gt lt', 'money inLast days daysUnit'],
  overdue_amount: ['gt !gt', 'money'],
  paid_total: ['gt lt', 'money inLast days daysUnit'],
  last_paid: ['older_than', 'days daysAgo'],
  never_paid: ['', ''],
};
const conditionFields = Object.keys(FIELDS) as ConditionField[];

const opsOf = (field: ConditionField) => FIELDS[field][0].split(' ');
/** A row's value cell: `[token, key]`, the key an input writes in the predicate ('' for a word). */
const cellOf = (row: ConditionRow): Array<[token: string, key: string]> =>
  (row.op === 'between' ? 'from and to' : FIELDS[row.field][1])
    .split(' ')
    .filter(Boolean)
    .map((spec) => {
      const [token = '', key] = spec.split(':');
      return [token, isInput(token) ? (key ?? INPUTS[token][0]) : ''];
    });
const tokensOf = (row: ConditionRow) => cellOf(row).map(([token]) => token);

/** How many sampled members the preview lists. */
const SAMPLE_SIZE = 5;
/** The server's bound on a relative window (rule-schema.ts). */
const MAX_DAYS = 36_500;
/** The server's bound on a count (rule-schema.ts). */
const MAX_COUNT = 1_000_000_000;
/** Deepest group nesting offered (the root is 1); with `not` wrappers the server allows 8. */
const MAX_GROUP_DEPTH = 3;
const DAY_MS = 86_400_000;
/** Codes `Intl.DisplayNames` names that are not ISO 3166-1 countries. */
const NOT_COUNTRIES = /^(EU|EZ|QO|UN|X[A-Z]|ZZ)$/;

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

type ProblemKey = number | 'name' | 'form' | 'vector';

/** `aria-invalid` and `aria-describedby` of a control, or nothing. */
interface Invalid {
  invalid: 'true' | typeof nothing;
  describedBy: string | typeof nothing;
}

function splitList(text: string): string[] {
  return text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
}

/** Cents from an amount typed in currency units ("12.50" → 1250), or `null` if it is not one. */
function toCents(text: string): number | null {
  if (!/^\d+(\.\d{1,2})?$/.test(text)) return null;
  const cents = Math.round(Number(text) * 100);
  return Number.isSafeInteger(cents) ? cents : null;
}

/** Currency units for an input from cents (1250 → "12.50", 1200 → "12"). */
function fromCents(cents: number): string {
  return cents % 100 === 0 ? String(cents / 100) : (cents / 100).toFixed(2);
}

/** The page's language, for country names, money and dates. */
const lang = () => document.documentElement.lang || 'en';

const countryCache = new Map<string, Map<string, string>>();
/**
 * ISO 3166-1 code → name in `locale`, sorted by name: every two-letter code
 * `Intl.DisplayNames` can name (no data file), without the groupings it also names.
 */
function countries(locale: string): Map<string, string> {
  let list = countryCache.get(locale);
  if (!list) {
    const names = new Intl.DisplayNames([locale], { type: 'region', fallback: 'none' });
    const pairs: Array<[string, string]> = [];
    for (let i = 0; i < 676; i++) {
      const code = String.fromCharCode(65 + Math.floor(i / 26), 65 + (i % 26));
      const name = names.of(code);
      // Deprecated codes (DD, YU…) canonicalize to another: only current ones are offered.
      const current = Intl.getCanonicalLocales(`und-${code}`)[0] === `und-${code}`;
      if (name && current && !NOT_COUNTRIES.test(code)) pairs.push([code, name]);
    }
    list = new Map(pairs.sort((a, b) => a[1].localeCompare(b[1], locale)));
    countryCache.set(locale, list);
  }
  return list;
}

/** A typed country, by code ("de") or name ("germany"), as its code; `null` if none matches. */
function countryCode(text: string): string | null {
  const list = countries(lang());
  const upper = text.toUpperCase();
  if (list.has(upper)) return upper;
  const lower = text.toLocaleLowerCase();
  for (const [code, name] of list) if (name.toLocaleLowerCase() === lower) return code;
  return null;
}

/** A `YYYY-MM-DD` date input's value for an ISO bound; `to` is exclusive, shown as the day before. */
function dateOf(iso: string | undefined, exclusive = false): string {
  if (!iso) return '';
  const ms = Date.parse(iso) - (exclusive ? DAY_MS : 0);
  return Number.isNaN(ms) ? '' : new Date(ms).toISOString().slice(0, 10);
}

/** The ISO bound for a picked day (UTC midnight); an end date is inclusive, so `to` is the next day. */
function isoOf(date: string, exclusive = false): string {
  if (!date) return '';
  return new Date(Date.parse(date) + (exclusive ? DAY_MS : 0)).toISOString();
}

/** JSON with object keys sorted: equal for equal trees whatever the key order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
}

function newRow(key: number, field: ConditionField): ConditionRow {
  return {
    kind: 'row',
    key,
    field,
    op: opsOf(field)[0] ?? '',
    input: {
      choice: field === 'type' ? 'lead' : field === 'consent' ? 'email' : 'overdue',
      days: '30',
      count: '1',
    },
    values: [],
    extra: {},
  };
}

/** The values of a list input: its chips, then what is still typed (countries resolved). */
function listValues(row: ConditionRow): { values: string[]; unknown: boolean } {
  const typed = splitList(row.input.list ?? '');
  if (row.field !== 'country') return { values: [...row.values, ...typed], unknown: false };
  const codes = typed.map(countryCode);
  return {
    values: [...row.values, ...codes.filter((c): c is string => c !== null)],
    unknown: codes.includes(null),
  };
}

/** One input of a row: its value for the predicate, what it needs, or nothing (an open date range end). */
function readInput(
  row: ConditionRow,
  token: InputToken,
): { value: unknown } | { empty: ProblemKind } | { bad: ProblemKind } | undefined {
  const [, problem, tooBig = problem, least] = INPUTS[token];
  const text = (row.input[token] ?? '').trim();
  let value: unknown = text;
  if (token === 'choice') value = row.input.choice;
  else if (token === 'list') {
    const { values, unknown } = listValues(row);
    if (unknown) return { bad: 'country' };
    value = values.length ? values : '';
  } else if (token === 'from' || token === 'to') {
    // A range needs one end; the other may stay open.
    if (!text && (token === 'to' || row.input.to)) return undefined;
  } else if (text && token !== 'text') {
    const n = token === 'money' ? toCents(text) : /^\d+$/.test(text) ? Number(text) : null;
    const min = row.field === 'event' ? 1 : (least ?? 0);
    const max = token === 'days' ? MAX_DAYS : token === 'count' ? MAX_COUNT : Infinity;
    if (n === null || n < min) return { bad: problem };
    if (n > max) return { bad: tooBig };
    value = n;
  }
  return value === '' ? { empty: problem } : { value };
}

/**
 * Reads a row. The client checks what it can (whole days in range, an amount in currency
 * units, a known country) so the common mistakes never reach the server; the rest is the
 * server's, and its issue paths are mapped back onto the row (`#mapIssues`).
 */
function readRow(row: ConditionRow): RowReading {
  const base = row.op.replace('!', '');
  const predicate: Record<string, unknown> = { field: row.field, ...row.extra };
  if (base) predicate.op = base;
  let needs: ProblemKind | undefined;
  for (const [token, key] of cellOf(row)) {
    if (!isInput(token)) continue;
    const read = readInput(row, token);
    if (read && 'bad' in read) return { kind: 'bad', problem: read.bad };
    if (read && 'empty' in read) needs ??= read.empty;
    else if (read) {
      const { value } = read;
      // A single value keeps `eq` (as loaded); a list is `in`.
      if (Array.isArray(value) && row.op === 'eq' && value.length === 1) predicate.value = value[0];
      else {
        predicate[key] = value;
        if (token === 'list' && base === 'eq') predicate.op = 'in';
      }
    }
  }
  return needs
    ? { kind: 'empty', needs }
    : { kind: 'ok', predicate: predicate as SegmentPredicate };
}

/** The input a problem belongs to: it gets `aria-invalid` (else the row's first input does). */
const problemToken: Partial<Record<ProblemKind, InputToken>> = {
  days: 'days',
  daysMax: 'days',
  amount: 'money',
  count: 'count',
  date: 'from',
  values: 'list',
  country: 'list',
  text: 'text',
};

/**
 * The row a stored predicate stands for, or `null` when the builder cannot show it exactly:
 * the row is read back and must give the very same predicate.
 */
function rowOf(
  predicate: Record<string, unknown>,
  key: number,
  negated: boolean,
): ConditionRow | null {
  const field = predicate.field as ConditionField;
  if (!Object.hasOwn(FIELDS, field)) return null;
  const row = newRow(key, field);
  const op = typeof predicate.op === 'string' ? predicate.op : '';
  row.op = `${negated ? '!' : ''}${op}`;
  const cell = cellOf(row);
  for (const [name, value] of Object.entries(predicate)) {
    if (name === 'field' || name === 'op') continue;
    const s = String(value);
    // A list loaded as a single `value` (`eq`) is one chip.
    const [token] =
      cell.find(([t, key]) => key === name || (t === 'list' && name === 'value')) ?? [];
    if (token === 'list') row.values = Array.isArray(value) ? value.map(String) : [s];
    else if (token === 'money' && typeof value === 'number') row.input.money = fromCents(value);
    else if (token && isInput(token)) row.input[token] = s;
    else row.extra[name] = value;
  }
  const reading = readRow(row);
  return reading.kind === 'ok' && canonical(reading.predicate) === canonical(predicate)
    ? row
    : null;
}

/** Every row of a tree, depth first. */
function* rowsOf(node: ConditionNode): Generator<ConditionRow> {
  if (node.kind === 'row') yield node;
  else for (const child of node.children) yield* rowsOf(child);
}

/** A group's mode as the rule writes it: the list key, and whether `not` wraps it. */
const groupKeys = {
  all: ['all', false],
  any: ['any', false],
  none: ['any', true],
  not_all: ['all', true],
} as const;

/**
 * A node's rule (`null` while nothing in it is complete: incomplete rows and empty groups
 * are left out), registering where each row's predicate sits, e.g. `rule.all.1.not` (the
 * server's issue paths start there).
 */
function build(
  node: ConditionNode,
  path: string,
  paths: Map<string, ConditionRow>,
): SegmentRule | null {
  if (node.kind === 'row') {
    const reading = readRow(node);
    if (reading.kind !== 'ok') return null;
    const negated = node.op.startsWith('!');
    paths.set(negated ? `${path}.not` : path, node);
    return negated ? { not: reading.predicate } : reading.predicate;
  }
  const [key, negated] = groupKeys[node.mode];
  const inner = `${path}${negated ? '.not' : ''}.${key}`;
  const children: SegmentRule[] = [];
  for (const child of node.children) {
    const rule = build(child, `${inner}.${children.length}`, paths);
    if (rule) children.push(rule);
  }
  if (!children.length) return null;
  const group = (key === 'all' ? { all: children } : { any: children }) as SegmentRule;
  return negated ? { not: group } : group;
}

/** The node a stored rule stands for, or `null` when the builder cannot show it. */
function nodeOf(rule: unknown, next: () => number, negated = false): ConditionNode | null {
  if (!rule || typeof rule !== 'object') return null;
  const r = rule as Record<string, unknown>;
  const list = r.all ?? r.any;
  if (Array.isArray(list)) {
    const children = list.map((child) => nodeOf(child, next));
    if (children.includes(null)) return null;
    const any = 'any' in r;
    const mode = negated ? (any ? 'none' : 'not_all') : any ? 'any' : 'all';
    return { kind: 'group', key: next(), mode, children: children as ConditionNode[] };
  }
  if ('not' in r) return negated ? null : nodeOf(r.not, next, true);
  return rowOf(r, next(), negated);
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
 * the server's issue paths (`rule.any.1.not.all.0.days`) are mapped back onto their row.
 * Other failures show a message from `messages.errors` in the footer and dispatch one
 * `gt-error`.
 *
 * Every predicate kind of the server's rule language has a row: field, operator (negations
 * such as "is not" are written as `{ not: … }`) and a value cell that reads as a sentence
 * ("Paid more than [12.50] USD in the last [30] days"). Groups nest (all / any / none / not
 * all of their conditions), indented, with the columns still aligned. Tags and countries
 * are chips in an ARIA combobox with suggestions (the organization's tags from `GET /tags`;
 * country names from `Intl.DisplayNames`, ISO codes stored). "Similar to" adds a vector
 * criterion (free text embedded by the server, and a minimum similarity).
 *
 * Rows sit in aligned columns (field, operator, value, remove) and stack as labelled cards
 * when the builder is narrower than 30rem. Save stays in a footer with the count; after a
 * save it reads "Saved ✓", and the next save updates the same segment. Set `segment-id` to
 * edit an existing segment.
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
 * @event {GtErrorEvent} gt-error - A call failed (network, auth, permission, server); `detail` is `{ code, message, status }`. Not dispatched for validation problems, which are shown on their row, nor when tag suggestions cannot load. Bubbles, composed.
 *
 * @csspart form - The form around every control.
 * @csspart name-input - The segment name input.
 * @csspart name-error - The problem with the name, under it.
 * @csspart mode-select - The root group's all / any / none / not-all select.
 * @csspart conditions - A list of condition rows and groups (a grid: field, operator, value, remove).
 * @csspart condition - One condition row (a card on narrow screens).
 * @csspart condition-heading - A row's "Condition n" heading, shown on narrow screens.
 * @csspart cell-label - A cell's label ("Field", "Operator", "Value"), shown on narrow screens.
 * @csspart field-select - A row's field select.
 * @csspart op-select - A row's operator select.
 * @csspart value-input - A row's value inputs and selects.
 * @csspart chips - A list input: its chips, text input and suggestions.
 * @csspart chip - One chosen tag, country or value.
 * @csspart suggestions - The listbox of suggestions under a chip input.
 * @csspart remove-button - A row's or group's remove button.
 * @csspart condition-error - A row's problem in plain language.
 * @csspart group - A nested group (indented; its rows keep the columns).
 * @csspart group-mode - A nested group's all / any / none / not-all select.
 * @csspart add-button - The "Add condition" buttons (the root's and each group's).
 * @csspart add-group-button - The "Add group" buttons.
 * @csspart similar-input - The "Similar to" text.
 * @csspart threshold-input - The minimum similarity, in percent.
 * @csspart footer - The footer with the count, the sample and Save (sticky at the bottom).
 * @csspart summary - The live region: the match count only.
 * @csspart busy - The "Counting…" sign while the count is stale.
 * @csspart sample - The list of sampled members, explained in words.
 * @csspart error - Any other problem (network, auth, server), in plain language.
 * @csspart save-button - The Save button.
 *
 * @cssproperty --gt-segment-builder-gap - Space between controls. Defaults to `--gt-spacing-small`.
 * @cssproperty --gt-segment-builder-padding - Space inside the border box. Defaults to `--gt-spacing-medium`.
 * @cssproperty --gt-segment-builder-field-width - Width of the field column. Defaults to `12rem`.
 * @cssproperty --gt-segment-builder-op-width - Width of the operator column. Defaults to `11rem`.
 * @cssproperty --gt-segment-builder-indent - Indentation of a nested group. Defaults to `--gt-spacing-medium`.
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
  /** The root group; rows and groups are edited in place, then `#edited` re-renders. */
  @state() private root: ConditionGroup = { kind: 'group', key: -1, mode: 'all', children: [] };
  /** The "similar to" text and minimum similarity in percent (the vector criterion). */
  @state() private similar = '';
  @state() private threshold = '50';
  @state() private saving = false;
  /** True from a successful save until the next edit: Save reads "Saved ✓" and does nothing. */
  @state() private saved = false;
  /** After a save attempt, incomplete rows and the name are flagged too, not only bad ones. */
  @state() private submitted = false;
  /** The id Save updates: the loaded segment's, or the one the first save created. */
  @state() private savedId: string | undefined = undefined;
  /** Problems of the last save by row key (mapped from the server's paths). */
  @state() private saveProblems = new Map<ProblemKey, ProblemKind | string>();
  @state() private saveError: GtErrorDetail | undefined = undefined;
  /** The open chip combobox: its row and the highlighted suggestion (-1: none). */
  @state() private combo: { key: number; active: number } | undefined = undefined;

  #nextKey = 0;
  /** A loaded rule that was a bare predicate: saved bare again while it is the only one. */
  #bare = false;
  /** What the last preview that failed (and was not aborted) dispatched as `gt-error`. */
  #previewFailure: GtErrorDetail | undefined;
  /** The last count shown: kept, dimmed, while a newer one is counted. */
  #shown: SegmentPreview | undefined;

  /**
   * The live preview. Its arguments are the API base and the draft as JSON: when either
   * changes, Task aborts the running call (its `signal` reaches `fetch`) and ignores its
   * answer, then starts the new one. A row the client knows is wrong sends nothing.
   */
  #preview = new Task(this, {
    args: () => [this.effectiveApiBase, JSON.stringify(this.#draft()), this.#hasBad()] as const,
    task: async ([apiBase, draftJson, bad], { signal }): Promise<PreviewOutcome> => {
      if (bad) return { kind: 'invalid' };
      const draft = JSON.parse(draftJson) as { rule?: SegmentRule; vector?: SegmentVector };
      if (!draft.rule && !draft.vector) return { kind: 'empty' };
      // No event here: a provider defined after this element connects a moment later.
      if (!apiBase) return { kind: 'unconfigured' };
      await abortableDelay(this.debounceMs, signal);
      try {
        const preview = await this.callApi(
          segmentsApi,
          (segments) => segments.previewDraft({ ...draft, sampleSize: SAMPLE_SIZE }),
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

  /**
   * The organization's tags, for suggestions: loaded once a tags row exists. Suggestions
   * are a help, not the task: a failure (e.g. a token without `tag.read`) leaves them empty
   * and dispatches nothing.
   */
  #tags = new Task(this, {
    args: () =>
      [this.effectiveApiBase, [...rowsOf(this.root)].some((r) => r.field === 'tags')] as const,
    task: async ([apiBase, wanted], { signal }): Promise<string[]> => {
      if (!apiBase || !wanted) return [];
      try {
        const { items } = await this.callApi(tagsApi, (tags) => tags.list(), signal);
        return items.map((tag) => tag.name);
      } catch {
        return [];
      }
    },
  });

  /** Loads `segment-id` into the form (edit mode). */
  #load = new Task(this, {
    args: () => [this.effectiveApiBase, this.segmentId] as const,
    task: async ([apiBase, id], { signal }) => {
      if (!apiBase || !id) return;
      try {
        const segment = await this.callApi(segmentsApi, (segments) => segments.get(id), signal);
        this.#fill(segment);
      } catch (error) {
        this.saveError = this.fail(error);
      }
    },
  });

  constructor() {
    super();
    this.root = this.#group([newRow(this.#nextKey++, 'type')]);
  }

  /** Its strings: `messages.segmentBuilder` and `messages.errors`. */
  protected override get text(): Pick<GtMessages, 'errors' | 'segmentBuilder'> {
    return this.resolveText({ errors: errorMessages, segmentBuilder: segmentBuilderMessages });
  }

  /**
   * The rule the form currently describes, as sent to the API; `null` while no condition is
   * complete. Incomplete rows and empty groups are left out.
   */
  get rule(): SegmentRule | null {
    return this.#build().rule;
  }

  /** The rule and where each row's predicate sits in it (`rule.any.1.not` → the row). */
  #build(): { rule: SegmentRule | null; paths: Map<string, ConditionRow> } {
    const paths = new Map<string, ConditionRow>();
    const only = this.root.children[0];
    const bare = this.#bare && this.root.mode === 'all' && this.root.children.length === 1;
    const rule = bare && only ? build(only, 'rule', paths) : build(this.root, 'rule', paths);
    return { rule, paths };
  }

  /** The vector criterion, `null` without text, `undefined` when the similarity is not a number. */
  #vector(): SegmentVector | null | undefined {
    const text = this.similar.trim();
    if (!text) return null;
    const percent = this.threshold.trim();
    const n = Number(percent);
    return /^-?\d+(\.\d+)?$/.test(percent) && n >= -100 && n <= 100
      ? { text, threshold: n / 100 }
      : undefined;
  }

  /** What a preview or save sends besides the name. */
  #draft(): { rule?: SegmentRule; vector?: SegmentVector } {
    const rule = this.rule;
    const vector = this.#vector();
    return { ...(rule ? { rule } : {}), ...(vector ? { vector } : {}) };
  }

  #hasBad(): boolean {
    return (
      this.#vector() === undefined || [...rowsOf(this.root)].some((r) => readRow(r).kind === 'bad')
    );
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

  #group(children: ConditionNode[] = [], mode: MatchMode = 'all'): ConditionGroup {
    return { kind: 'group', key: this.#nextKey++, mode, children };
  }

  #fill(segment: Segment): void {
    this.name = segment.name;
    this.savedId = segment.id;
    this.similar = segment.vector?.text ?? '';
    this.threshold = segment.vector ? String(+(segment.vector.threshold * 100).toFixed(4)) : '50';
    const node = segment.rule ? nodeOf(segment.rule, () => this.#nextKey++) : null;
    this.#bare = node?.kind === 'row';
    const readable = (segment.rule === null || node) && segment.vector?.text !== null;
    this.root = node?.kind === 'group' ? node : this.#group(node ? [node] : []);
    if (readable) this.saved = true;
    else {
      this.root = this.#group();
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

  /** Marks the form edited and re-renders: "Saved ✓" goes back to "Save", the last save's problems go. */
  #edited(): void {
    this.saved = false;
    this.saveProblems = new Map();
    this.saveError = undefined;
    this.requestUpdate();
  }

  /** What is wrong with a row now, as a kind, or `undefined`. */
  #rowProblem(row: ConditionRow): ProblemKind | undefined {
    const fromServer = this.saveProblems.get(row.key) ?? this.#previewProblems().get(row.key);
    const reading = readRow(row);
    return reading.kind === 'bad'
      ? reading.problem
      : reading.kind === 'empty' && this.submitted
        ? reading.needs
        : (fromServer as ProblemKind | undefined);
  }

  /** The server's issues with the draft being previewed, by row key. */
  #previewProblems(): Map<ProblemKey, ProblemKind | string> {
    const outcome = this.#preview.value;
    if (this.#preview.status !== TaskStatus.COMPLETE || outcome?.kind !== 'issues')
      return new Map();
    return this.#mapIssues(outcome.issues);
  }

  /**
   * Server issue paths onto rows: `rule.any.1.not.days` → the row whose predicate sits at
   * `rule.any.1.not`, as `days`. The server's wording is never shown; only its path and
   * whether the value was too big are read.
   */
  #mapIssues(issues: ValidationIssue[]): Map<ProblemKey, ProblemKind | string> {
    const t = this.text.segmentBuilder;
    const { paths } = this.#build();
    const problems = new Map<ProblemKey, ProblemKind | string>();
    for (const { path, message } of issues) {
      const tooBig = /too big|<=/i.test(message);
      let at = path;
      while (at && !paths.has(at)) at = at.slice(0, Math.max(0, at.lastIndexOf('.')));
      const row = paths.get(at);
      const key = path.slice(at.length + 1).split('.')[0];
      if (row) {
        const token = cellOf(row).find(([, k]) => k === key)?.[0];
        const [, problem = 'other', tooBigProblem = problem] =
          token && isInput(token) ? INPUTS[token] : [];
        problems.set(row.key, tooBig ? tooBigProblem : problem);
      } else if (path.startsWith('vector')) problems.set('vector', t.problemText.similarity);
      else if (path.startsWith('name')) problems.set('name', t.needName);
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
    const problems = new Map<ProblemKey, ProblemKind | string>();
    if (!this.name.trim()) problems.set('name', t.needName);
    const { rule, vector } = this.#draft();
    const rows = [...rowsOf(this.root)];
    if (!rule && !vector && !rows.length) problems.set('form', t.needCondition);
    this.saveProblems = problems;
    if (problems.size || this.#hasBad() || rows.some((row) => readRow(row).kind !== 'ok')) {
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
      const segment = await this.callApi(segmentsApi, (segments) =>
        id
          ? segments.update(id, {
              name: this.name,
              rule: rule ?? null,
              vector: vector ?? null,
            })
          : segments.create({ name: this.name, ...this.#draft() }),
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

  /** The group holding `key` and its index there. */
  #parentOf(key: number, group = this.root): [ConditionGroup, number] | undefined {
    for (const [i, child] of group.children.entries()) {
      if (child.key === key) return [group, i];
      const found = child.kind === 'group' ? this.#parentOf(key, child) : undefined;
      if (found) return found;
    }
    return undefined;
  }

  /** The first control of a node (a row's field select, a group's mode select). */
  #firstControl(key: number): HTMLElement | null | undefined {
    return this.shadowRoot?.querySelector<HTMLElement>(`[data-key="${key}"] select`);
  }

  /** Adds a row or a group to `group` and focuses its first control (its label names it). */
  async #add(group: ConditionGroup, kind: 'row' | 'group'): Promise<void> {
    const node =
      kind === 'row'
        ? newRow(this.#nextKey++, 'type')
        : this.#group([newRow(this.#nextKey++, 'type')]);
    group.children.push(node);
    this.#edited();
    await this.updateComplete;
    this.#firstControl(node.key)?.focus();
  }

  /** Removes a row or group; focus goes to the next one's first control, else its group's Add. */
  async #remove(key: number): Promise<void> {
    const [group, index] = this.#parentOf(key) ?? [this.root, -1];
    group.children.splice(index, 1);
    this.#edited();
    await this.updateComplete;
    const next = group.children[index];
    const target = next
      ? this.#firstControl(next.key)
      : this.shadowRoot?.querySelector<HTMLElement>(
          group === this.root
            ? '.adds-root [part~="add-button"]'
            : `[data-key="${group.key}"] > .box > .adds [part~="add-button"]`,
        );
    target?.focus();
  }

  /** Enter in a condition's input would submit the form; it never should. */
  #blockEnter(event: KeyboardEvent): void {
    if (event.key === 'Enter' && event.target instanceof HTMLInputElement) event.preventDefault();
  }

  /** Attributes that tie a control to its row's problem. */
  #invalid(problem: unknown, id: string): Invalid {
    return { invalid: problem ? 'true' : nothing, describedBy: problem ? id : nothing };
  }

  #set(row: ConditionRow, patch: Partial<ConditionRow['input']>): void {
    Object.assign(row.input, patch);
    this.#edited();
  }

  /** The options of a row's choice select. */
  #choices(row: ConditionRow): Record<string, string> {
    const t = this.text.segmentBuilder;
    return row.field === 'type'
      ? t.customerTypes
      : row.field === 'consent'
        ? t.channels
        : t.invoiceStatuses;
  }

  /** Suggestions for a chip input: `[value, label]`, matching what is typed, not yet chosen. */
  #suggestions(row: ConditionRow): Array<[string, string]> {
    const typed = (row.input.list ?? '').split(',').pop()?.trim().toLocaleLowerCase() ?? '';
    const all: Array<[string, string]> =
      row.field === 'country'
        ? [...countries(lang())]
        : row.field === 'tags'
          ? (this.#tags.value ?? []).map((tag) => [tag, tag])
          : [];
    return all
      .filter(
        ([value, label]) =>
          !row.values.includes(value) &&
          (label.toLocaleLowerCase().includes(typed) || value.toLocaleLowerCase() === typed),
      )
      .slice(0, 8);
  }

  /**
   * Turns what is typed into chips: every comma-separated part (all of them when `all`, else
   * all but the last, still being typed). A country must be known by code or name; one that
   * is not stays typed, and the row says so.
   */
  #commit(row: ConditionRow, text: string, all: boolean): void {
    const parts = text.split(',');
    const rest = all ? [] : [parts.pop() ?? ''];
    const left: string[] = [];
    for (const part of parts.map((p) => p.trim()).filter(Boolean)) {
      const value = row.field === 'country' ? countryCode(part) : part;
      if (value === null) left.push(part);
      else if (!row.values.some((v) => v.toLowerCase() === value.toLowerCase()))
        row.values.push(value);
    }
    this.#set(row, { list: [...left, ...rest].join(', ') });
  }

  #pick(row: ConditionRow, value: string): void {
    row.values.push(value);
    this.combo = undefined;
    this.#set(row, { list: '' });
  }

  /** Keys of a chip input: arrows move through suggestions, Enter picks, Backspace removes. */
  #chipKey(event: KeyboardEvent, row: ConditionRow, options: Array<[string, string]>): void {
    const input = event.target as HTMLInputElement;
    const active = this.combo?.key === row.key ? this.combo.active : -1;
    const move = (to: number) => {
      event.preventDefault();
      this.combo = { key: row.key, active: Math.max(-1, Math.min(options.length - 1, to)) };
    };
    if (event.key === 'ArrowDown') move(active + 1);
    else if (event.key === 'ArrowUp') move(active - 1);
    else if (event.key === 'Escape' && this.combo) {
      event.stopPropagation();
      this.combo = undefined;
    } else if (event.key === 'Enter') {
      const option = options[active];
      if (option) this.#pick(row, option[0]);
      else this.#commit(row, input.value, true);
    } else if (event.key === 'Backspace' && input.value === '' && row.values.length) {
      row.values.pop();
      this.#edited();
    }
  }

  /** Tags, countries and places: chips, then a text input (a combobox when there are suggestions). */
  #renderChips(row: ConditionRow, label: string, a: Invalid) {
    const t = this.text.segmentBuilder;
    const names = row.field === 'country' ? countries(lang()) : undefined;
    const options = this.#suggestions(row);
    const combobox = row.field === 'country' || row.field === 'tags';
    const open = combobox && this.combo?.key === row.key && options.length > 0;
    const active = open ? (this.combo?.active ?? -1) : -1;
    const listId = `list-${row.key}`;
    return html`<span part="chips" class="chips">
      ${row.values.map((value, i) => {
        const shown = names?.get(value) ?? value;
        return html`<span part="chip" class="chip"
          >${shown}<button
            type="button"
            class="chip-remove"
            aria-label=${t.removeChip(shown)}
            @click=${async () => {
              row.values.splice(i, 1);
              this.#edited();
              await this.updateComplete;
              this.shadowRoot
                ?.querySelector<HTMLElement>(`[data-key="${row.key}"] [part~="chips"] input`)
                ?.focus();
            }}
          >
            ×
          </button></span
        >`;
      })}
      <input
        part="value-input"
        type="text"
        role=${combobox ? 'combobox' : nothing}
        aria-autocomplete=${combobox ? 'list' : nothing}
        aria-expanded=${combobox ? String(open) : nothing}
        aria-controls=${combobox ? listId : nothing}
        aria-activedescendant=${active >= 0 ? `${listId}-${active}` : nothing}
        aria-label=${label}
        aria-invalid=${a.invalid}
        aria-describedby=${a.describedBy}
        placeholder=${row.values.length ? '' : row.field === 'tags' ? t.tagsPlaceholder : row.field === 'country' ? t.countryPlaceholder : ''}
        .value=${live(row.input.list ?? '')}
        @input=${(e: Event) => {
          this.#commit(row, (e.target as HTMLInputElement).value, false);
          // Suggestions open while something is typed (or on ArrowDown), never on focus alone.
          this.combo = row.input.list?.trim() ? { key: row.key, active: -1 } : undefined;
        }}
        @blur=${() => {
          this.combo = undefined;
          if (row.input.list?.trim()) this.#commit(row, row.input.list, true);
        }}
        @keydown=${(e: KeyboardEvent) => this.#chipKey(e, row, options)}
      />
      ${
        combobox
          ? html`<ul part="suggestions" class="suggestions" role="listbox" id=${listId} aria-label=${t.suggestions} ?hidden=${!open}>
            ${options.map(
              ([value, text], i) =>
                html`<li
                  role="option"
                  id="${listId}-${i}"
                  aria-selected=${String(i === active)}
                  @pointerdown=${(e: Event) => e.preventDefault()}
                  @click=${() => this.#pick(row, value)}
                >
                  ${text}
                </li>`,
            )}
          </ul>`
          : nothing
      }
    </span>`;
  }

  /** One token of a row's value cell: an input, or the words between inputs. */
  #renderToken(
    row: ConditionRow,
    token: string,
    n: string,
    first: boolean,
    problem: ProblemKind | undefined,
  ) {
    const t = this.text.segmentBuilder;
    if (!isInput(token))
      return html`<span class="join">${t.joins[token as keyof typeof t.joins]}</span>`;
    const input = token;
    const label = first ? t.conditionValue(n) : t.conditionInput(n, t.inputs[input]);
    const tokens = tokensOf(row);
    const target = problemToken[problem as ProblemKind];
    const flagged =
      problem && (input === target || (first && !(target && tokens.includes(target))));
    const a = this.#invalid(flagged, `problem-${row.key}`);
    if (input === 'list') return this.#renderChips(row, label, a);
    if (input === 'choice')
      return html`<select
        part="value-input"
        aria-label=${label}
        @change=${(e: Event) => this.#set(row, { choice: (e.target as HTMLSelectElement).value })}
      >
        ${Object.entries(this.#choices(row)).map(
          ([value, text]) =>
            html`<option value=${value} ?selected=${row.input.choice === value}>${text}</option>`,
        )}
      </select>`;
    const date = input === 'from' || input === 'to';
    const field = html`<input
      part="value-input"
      class=${input === 'days' || input === 'count' ? 'num' : ''}
      type=${date ? 'date' : 'text'}
      inputmode=${input === 'money' ? 'decimal' : input === 'text' || date ? nothing : 'numeric'}
      aria-label=${label}
      aria-invalid=${a.invalid}
      aria-describedby=${a.describedBy}
      placeholder=${input === 'money' ? '12.50' : ''}
      .value=${date ? dateOf(row.input[input], input === 'to') : (row.input[input] ?? '')}
      @input=${(e: Event) => {
        const value = (e.target as HTMLInputElement).value;
        this.#set(row, { [input]: date ? isoOf(value, input === 'to') : value });
      }}
    />`;
    return input === 'money'
      ? html`<span class="amount">${field}<span class="unit">${this.currency}</span></span>`
      : field;
  }

  #renderRow(row: ConditionRow, n: string) {
    const t = this.text.segmentBuilder;
    const kind = this.#rowProblem(row);
    const ops = opsOf(row.field);
    if (row.op && !ops.includes(row.op)) ops.push(row.op);
    const tokens = tokensOf(row);
    let first = true;
    return html`<li part="condition" class="condition" data-key=${row.key}>
      <span part="condition-heading" class="heading">${t.conditionHeading(n)}</span>
      <label class="cell">
        <span part="cell-label" class="cell-label">${t.fieldLabel}</span>
        <select
          part="field-select"
          aria-label=${t.conditionField(n)}
          @change=${(e: Event) => {
            const [group, index] = this.#parentOf(row.key) ?? [this.root, 0];
            group.children[index] = newRow(
              row.key,
              (e.target as HTMLSelectElement).value as ConditionField,
            );
            this.#edited();
          }}
        >
          ${conditionFields.map(
            (field) =>
              html`<option value=${field} ?selected=${field === row.field}>${t.fields[field]}</option>`,
          )}
        </select>
      </label>
      ${
        ops.length > 1
          ? html`<label class="cell">
            <span part="cell-label" class="cell-label">${t.opLabel}</span>
            <select
              part="op-select"
              aria-label=${t.conditionOp(n)}
              @change=${(e: Event) => {
                row.op = (e.target as HTMLSelectElement).value;
                this.#edited();
              }}
            >
              ${ops.map(
                (op) =>
                  html`<option value=${op} ?selected=${op === row.op}>${t.ops[op] ?? `not ${t.ops[op.slice(1)]}`}</option>`,
              )}
            </select>
          </label>`
          : html`<span class="cell op-text">${t.ops[row.op] ?? ''}</span>`
      }
      <div class="cell">
        ${tokens.length ? html`<span part="cell-label" class="cell-label">${t.valueLabel}</span>` : nothing}
        <span class="inputs">
          ${tokens.map((token) => {
            const out = this.#renderToken(row, token, n, first && isInput(token), kind);
            if (isInput(token)) first = false;
            return out;
          })}
        </span>
      </div>
      ${this.#removeButton(row.key, t.removeCondition(n))}
      ${
        kind
          ? html`<p part="condition-error" class="problem row-problem" id="problem-${row.key}">
            ${t.conditionProblem(n, t.problemText[kind])}
          </p>`
          : nothing
      }
    </li>`;
  }

  /**
   * The name, "similar to" and similarity inputs: a labelled text input bound to the form's
   * property of the same name (its part is `<key>-input`); `decimal` for a number.
   */
  #textField(
    key: 'name' | 'similar' | 'threshold',
    label: string,
    a: Invalid = this.#invalid(undefined, ''),
    decimal = false,
  ) {
    return html`<label for=${key}>${label}</label>
      <input
        id=${key}
        part="${key}-input"
        class=${decimal ? 'num' : nothing}
        type="text"
        name=${key}
        inputmode=${decimal ? 'decimal' : nothing}
        aria-invalid=${a.invalid}
        aria-describedby=${a.describedBy}
        .value=${this[key]}
        @input=${(e: Event) => {
          this[key] = (e.target as HTMLInputElement).value;
          this.#edited();
        }}
      />`;
  }

  /** A row's or group's Remove button; its name says which ("Remove condition 2.1"). */
  #removeButton(key: number, label: string) {
    return html`<button part="remove-button" class="remove" type="button" aria-label=${label} @click=${() => this.#remove(key)}>
      ${this.text.segmentBuilder.remove}
    </button>`;
  }

  #renderModes(group: ConditionGroup) {
    const t = this.text.segmentBuilder;
    return (Object.keys(t.modes) as MatchMode[]).map(
      (mode) =>
        html`<option value=${mode} ?selected=${group.mode === mode}>${t.modes[mode]}</option>`,
    );
  }

  #setMode(group: ConditionGroup, e: Event): void {
    group.mode = (e.target as HTMLSelectElement).value as MatchMode;
    this.#edited();
  }

  /** The children of a group; `prefix` numbers them ("2." → "Condition 2.1"). */
  #renderList(group: ConditionGroup, prefix: string, depth: number): TemplateResult {
    return html`<ul part="conditions" class="conditions" aria-label=${this.text.segmentBuilder.conditions}>
      ${repeat(
        group.children,
        (node) => node.key,
        (node, i): TemplateResult =>
          node.kind === 'row'
            ? this.#renderRow(node, `${prefix}${i + 1}`)
            : this.#renderGroup(node, `${prefix}${i + 1}`, depth + 1),
      )}
    </ul>`;
  }

  /** Add condition / Add group; nested groups name theirs ("Add condition to group 2"). */
  #renderAdds(group: ConditionGroup, n: string, depth: number) {
    const t = this.text.segmentBuilder;
    const root = group === this.root;
    return html`<div class="adds ${root ? 'adds-root' : ''}">
      <button part="add-button" type="button" aria-label=${root ? nothing : t.addConditionTo(n)} @click=${() => this.#add(group, 'row')}>
        ${t.addCondition}
      </button>
      ${
        depth < MAX_GROUP_DEPTH
          ? html`<button part="add-group-button" type="button" aria-label=${root ? nothing : t.addGroupTo(n)} @click=${() => this.#add(group, 'group')}>
            ${t.addGroup}
          </button>`
          : nothing
      }
    </div>`;
  }

  #renderGroup(group: ConditionGroup, n: string, depth: number): TemplateResult {
    const t = this.text.segmentBuilder;
    return html`<li part="group" class="group" data-key=${group.key}>
      <div class="box" role="group" aria-labelledby="group-${group.key}">
        <div class="group-head">
          <span class="group-title">
            <span class="group-heading" id="group-${group.key}">${t.groupHeading(n)}</span>
            <select part="group-mode" aria-label=${t.groupMode(n)} @change=${(e: Event) => this.#setMode(group, e)}>
              ${this.#renderModes(group)}
            </select>
          </span>
          ${this.#removeButton(group.key, t.removeGroup(n))}
        </div>
        ${this.#renderList(group, `${n}.`, depth)}
        ${this.#renderAdds(group, n, depth)}
      </div>
    </li>`;
  }

  /** A row's sentence with its values ("Paid more than $12.50 in the last 30 days"). */
  #sentence(row: ConditionRow): string {
    const t = this.text.segmentBuilder;
    const money = new Intl.NumberFormat(lang(), { style: 'currency', currency: this.currency });
    const day = new Intl.DateTimeFormat(lang(), { dateStyle: 'medium', timeZone: 'UTC' });
    const names = countries(lang());
    const words = tokensOf(row).map((token) => {
      const raw = row.input[token as InputToken] ?? '';
      switch (token) {
        case 'choice':
          return this.#choices(row)[raw] ?? raw;
        case 'text':
          return `“${raw.trim()}”`;
        case 'list':
          return listValues(row)
            .values.map((v) => names.get(v) ?? v)
            .join(', ');
        case 'money':
          return money.format(Number(raw));
        case 'from':
        case 'to':
          return raw ? day.format(new Date(dateOf(raw, token === 'to'))) : '…';
        case 'count':
        case 'days':
          return raw.trim();
        default:
          return t.joins[token as keyof typeof t.joins];
      }
    });
    return [t.fields[row.field], t.ops[row.op] ?? '', ...words].filter(Boolean).join(' ');
  }

  /** A node in words; groups in parentheses after their mode ("Any condition: (…; …)"). */
  #words(node: ConditionNode): string {
    if (node.kind === 'row') return this.#sentence(node);
    const parts = node.children.filter((c) => build(c, '', new Map())).map((c) => this.#words(c));
    return `${this.text.segmentBuilder.modes[node.mode]}: (${parts.join('; ')})`;
  }

  /** A sampled member's reasons in words, from the rows (the server's labels are query text). */
  #explain(matched: number, similarity: number | null): string {
    const t = this.text.segmentBuilder;
    const { rule } = this.#build();
    const root = this.root;
    // The preview reports the rule's top-level children a member meets (a `not` root is one).
    const top =
      !rule || 'not' in rule
        ? rule
          ? [root]
          : []
        : 'all' in rule || 'any' in rule
          ? root.children.filter((c) => build(c, '', new Map()))
          : root.children;
    const words =
      matched < top.length ? [t.matchesSome(matched, top.length)] : top.map((n) => this.#words(n));
    if (similarity !== null) words.push(t.similarity(Math.round(similarity * 100)));
    return words.join(' · ');
  }

  #renderSample(preview: SegmentPreview | undefined) {
    if (!preview?.sample.length) return nothing;
    return html`<ul part="sample" class="sample">
      ${preview.sample.map(
        (member) =>
          // The space sits inside the span: the build drops whitespace between tags.
          html`<li>${member.customer.name}<span class="matched"> · ${this.#explain(member.matched.length, member.similarity)}</span></li>`,
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
    const vectorProblem =
      this.#vector() === undefined ? t.problemText.similarity : this.saveProblems.get('vector');
    const error =
      this.saveError ??
      (this.#preview.status === TaskStatus.ERROR ? this.#previewFailure : undefined);
    const draft = this.#draft();
    const summary =
      !draft.rule && !draft.vector && !pending
        ? t.emptyRule
        : outcome?.kind === 'unconfigured' && !pending
          ? this.text.errors.notConfigured
          : shown
            ? t.matchCount(shown.count)
            : '';
    return html`<form part="form" class="form" @submit=${this.#save}>
      <div class="field">${this.#textField('name', t.name, this.#invalid(nameProblem, 'name-problem'))}</div>
      ${
        nameProblem
          ? html`<p part="name-error" class="problem" id="name-problem">${nameProblem}</p>`
          : nothing
      }
      <div class="field">
        <label for="mode">${t.match}</label>
        <select id="mode" part="mode-select" @change=${(e: Event) => this.#setMode(this.root, e)}>
          ${this.#renderModes(this.root)}
        </select>
      </div>
      <div class="tree" @keydown=${this.#blockEnter}>
        ${this.#renderList(this.root, '', 1)}
        ${this.#renderAdds(this.root, '', 1)}
      </div>
      <div class="field similar" @keydown=${this.#blockEnter}>
        ${this.#textField('similar', t.similarTo)}
        ${this.#textField('threshold', t.similarityAtLeast, this.#invalid(vectorProblem, 'vector-problem'), true)}
      </div>
      ${vectorProblem ? html`<p class="problem" id="vector-problem">${vectorProblem}</p>` : nothing}
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
