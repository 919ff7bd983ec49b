/**
 * The customer timeline: one customer's messages, message events, events, invoices,
 * payments and attributions, merged newest first and keyset-paginated.
 *
 * It is ONE SQL statement. Each kind of item is a branch that selects
 * `(type, id, occurred_at, data)` for the customer — filtered by `organization_id`, past the
 * cursor, ordered and limited to one page by itself (an index range scan, migration 0007) —
 * and the branches are merged with `UNION ALL`, ordered and limited again:
 *
 * ```sql
 * SELECT type, id, occurred_at, data, to_char(occurred_at AT TIME ZONE 'UTC', '…US…') AS cursor_at
 * FROM (
 *   SELECT * FROM (SELECT 'message'::text AS type, m.id, COALESCE(m.sent_at, m.created_at) AS occurred_at,
 *                         json_build_object('channel', m.channel, …) AS data
 *                  FROM messages m
 *                  WHERE m.organization_id = $1 AND m.customer_id = $2
 *                    AND (COALESCE(m.sent_at, m.created_at), m.id) < ($3::timestamptz, $4::uuid)
 *                  ORDER BY occurred_at DESC, id DESC LIMIT $5) AS b
 *   UNION ALL SELECT * FROM (… message_events JOIN messages …) AS b
 *   UNION ALL …                                   -- events, invoices, payments, attributions
 * ) AS t
 * ORDER BY occurred_at DESC, type COLLATE "C" DESC, id DESC
 * LIMIT $n
 * ```
 *
 * The sort key is `(occurred_at, type, id)`: `(type, id)` is unique, so the order is total
 * and a cursor never repeats or skips an item, even among items at the same instant. The
 * cursor carries `occurred_at` with the database's microseconds (a JS `Date` would round
 * them away and then skip or repeat rows).
 *
 * Where each kind is placed in time (`occurred_at`):
 * - message: `sent_at`, or `created_at` while it is not sent;
 * - message_event: `occurred_at`; event: `occurred_at`;
 * - invoice: `created_at` of the cached invoice — not `updated_at`, which moves on every
 *   sync and would make items jump between pages while someone pages (the latest change is
 *   in `data.updated_at`);
 * - payment: `processed_at`, else `created_at`; payments reach the customer through the
 *   invoice they pay (`external_invoice_id` within the organization);
 * - attribution: `created_at`.
 */
import { type Expression, type RawBuilder, type SelectQueryBuilder, sql } from 'kysely';
import { jsonBuildObject } from 'kysely/helpers/postgres';
import { z } from 'zod';
import {
  type CustomerDataRegistry,
  type CustomerRef,
  customerRef,
  type TableName,
} from '../customer-data.js';
import { getCustomer } from '../customers/index.js';
import type {
  AttributionModel,
  Channel,
  Database,
  InvoiceStatus,
  JsonDocument,
  MessageEventType,
  MessageStatus,
  PaymentStatus,
} from '../db/types.js';
import { decodeCursor } from '../pagination/cursor.js';
import { keysetAfter, keysetFetchSize, keysetPage } from '../pagination/keyset.js';
import type { Scope } from '../scope.js';
import { parseInput } from '../validation.js';
import {
  TIMELINE_TYPES,
  type TimelineQuery,
  type TimelineType,
  timelineQuerySchema,
} from './schema.js';

/** `data` of a `message` item. The body is left out: it can be long (see `exportCustomer`). */
export interface MessageItemData {
  channel: Channel;
  status: MessageStatus;
  to_address: string;
  subject: string | null;
  provider: string | null;
  campaign_run_id: string | null;
  template_id: string | null;
  sent_at: Date | null;
}

/** `data` of a `message_event` item: the event and what it happened to. */
export interface MessageEventItemData {
  message_id: string;
  event_type: MessageEventType;
  channel: Channel;
  subject: string | null;
  metadata: JsonDocument;
}

/** `data` of an `event` item (a product/behavioural event). */
export interface EventItemData {
  name: string;
  source: string | null;
  session_id: string | null;
  ga_client_id: string | null;
  utm_source: string | null;
  utm_medium: string | null;
  utm_campaign: string | null;
  referrer: string | null;
  properties: JsonDocument;
}

/** `data` of an `invoice` item (from the ZeroInvoice cache; the raw snapshot is left out). */
export interface InvoiceItemData {
  external_invoice_id: string;
  status: InvoiceStatus | null;
  currency: string | null;
  total_cents: number | null;
  amount_due_cents: number | null;
  /** 'YYYY-MM-DD'. */
  due_date: string | null;
  /** Last change of the cached invoice (the item is placed at its `created_at`). */
  updated_at: Date;
}

/** `data` of a `payment` item (the raw provider payload is left out). */
export interface PaymentItemData {
  /** The cached invoice the payment is for, which links it to the customer. */
  invoice_id: string;
  external_invoice_id: string;
  external_payment_id: string;
  amount_cents: number;
  currency: string | null;
  status: PaymentStatus;
  method: string | null;
  processed_at: Date | null;
}

/** `data` of an `attribution` item: a conversion credited to a message / campaign run. */
export interface AttributionItemData {
  conversion_name: string;
  revenue_cents: number;
  attributed_model: AttributionModel;
  message_id: string | null;
  campaign_run_id: string | null;
  event_id: string;
}

interface ItemOf<T extends TimelineType, D> {
  type: T;
  /** The row's id in its own table. */
  id: string;
  occurred_at: Date;
  /** One line for people, e.g. `Email sent: Spring sale`. */
  summary: string;
  data: D;
}

/** One entry of the timeline; `type` says which table it comes from and what `data` holds. */
export type TimelineItem =
  | ItemOf<'message', MessageItemData>
  | ItemOf<'message_event', MessageEventItemData>
  | ItemOf<'event', EventItemData>
  | ItemOf<'invoice', InvoiceItemData>
  | ItemOf<'payment', PaymentItemData>
  | ItemOf<'attribution', AttributionItemData>;

/** One page of the timeline, newest first. */
export interface TimelinePage {
  items: TimelineItem[];
  /** Pass back as `cursor` for the next page; `null` on the last page. */
  nextCursor: string | null;
}

/** Where a page ends: the sort key of its last item. */
export interface TimelineCursor {
  /** `occurred_at` in UTC with microseconds, e.g. `2026-03-01T10:00:00.000001Z`. */
  at: string;
  type: TimelineType;
  id: string;
}

const cursorTimePattern = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

/** Sort key of the timeline: (occurred_at to the microsecond, type, id). */
const timelineCursorSchema = z.object({
  at: z
    .string()
    .regex(cursorTimePattern)
    .refine((at) => !Number.isNaN(Date.parse(at))),
  type: z.enum(TIMELINE_TYPES),
  id: z.uuid(),
});
const LIST = 'this timeline';

/**
 * The keyset condition "sorts after the cursor" (newest first) for one branch, whose `type`
 * is a constant. `(at, type, id) < (c.at, c.type, c.id)` then reduces to a condition on
 * `(at, id)` alone, which the branch's index can seek to:
 * - type sorts before the cursor's: every row at or before the cursor's instant;
 * - type sorts after it: only rows strictly before that instant;
 * - same type: `(at, id) < (c.at, c.id)`.
 */
function afterCursor(
  type: TimelineType,
  at: Expression<Date>,
  id: Expression<string>,
  cursor: TimelineCursor,
): RawBuilder<boolean> {
  const cursorAt = sql`${cursor.at}::timestamptz`;
  // JS string comparison is code-unit order, the same as COLLATE "C" for these ASCII names.
  if (type < cursor.type) return sql<boolean>`${at} <= ${cursorAt}`;
  if (type > cursor.type) return sql<boolean>`${at} < ${cursorAt}`;
  return keysetAfter('desc', [
    [at, cursor.at, 'timestamptz'],
    [id, cursor.id, 'uuid'],
  ]);
}

/** The columns every branch selects, so the branches can be merged. */
interface BranchRow {
  type: TimelineType;
  id: string;
  occurred_at: Date;
  data: unknown;
}

/** A branch after `branchQuery`: a subquery `b` with the common columns. */
type BranchQuery = SelectQueryBuilder<Database & { b: BranchRow }, 'b', BranchRow>;

/**
 * Builds one kind's branch for a customer and a page. `mine(table, alias)` is the
 * registry's condition "this row belongs to the customer" — the same one export and erase
 * use — for `table` under `alias`.
 */
type Branch = (
  db: Scope['db'],
  mine: (table: TableName, alias: string) => RawBuilder<boolean>,
  page: { cursor: TimelineCursor | undefined; size: number },
) => BranchQuery;

/** Adds the keyset, order and limit to one branch's (already filtered) query. */
function branchQuery<DB, TB extends keyof DB>(
  db: Scope['db'],
  query: SelectQueryBuilder<DB, TB, BranchRow>,
  type: TimelineType,
  at: Expression<Date>,
  id: Expression<string>,
  page: { cursor: TimelineCursor | undefined; size: number },
): BranchQuery {
  const { cursor } = page;
  const limited = (cursor ? query.where(afterCursor(type, at, id, cursor)) : query)
    .orderBy(at, 'desc')
    .orderBy(id, 'desc')
    .limit(page.size);
  // A branch with its own ORDER BY / LIMIT must be a subquery inside UNION ALL.
  return db.selectFrom(limited.as('b')).selectAll();
}

/** A literal item type, as text, for a branch's `type` column. */
const typeLiteral = (type: TimelineType) => sql<TimelineType>`${sql.lit(type)}::text`;

const branches: Record<TimelineType, Branch> = {
  message: (db, mine, page) => {
    const at = sql<Date>`COALESCE(m.sent_at, m.created_at)`;
    const query = db
      .selectFrom('messages as m')
      .where(mine('messages', 'm'))
      .select((eb) => [
        typeLiteral('message').as('type'),
        'm.id',
        at.as('occurred_at'),
        jsonBuildObject({
          channel: eb.ref('m.channel'),
          status: eb.ref('m.status'),
          to_address: eb.ref('m.to_address'),
          subject: eb.ref('m.subject'),
          provider: eb.ref('m.provider'),
          campaign_run_id: eb.ref('m.campaign_run_id'),
          template_id: eb.ref('m.template_id'),
          sent_at: eb.ref('m.sent_at'),
        })
          .$castTo<unknown>()
          .as('data'),
      ]);
    return branchQuery(db, query, 'message', at, sql.ref('m.id'), page);
  },

  message_event: (db, mine, page) => {
    const query = db
      .selectFrom('message_events as me')
      // The message's channel and subject, for the item; whose it is comes from `mine`.
      .innerJoin('messages as m', 'm.id', 'me.message_id')
      .where(mine('message_events', 'me'))
      .select((eb) => [
        typeLiteral('message_event').as('type'),
        'me.id',
        'me.occurred_at',
        jsonBuildObject({
          message_id: eb.ref('me.message_id'),
          event_type: eb.ref('me.type'),
          channel: eb.ref('m.channel'),
          subject: eb.ref('m.subject'),
          metadata: eb.ref('me.metadata'),
        })
          .$castTo<unknown>()
          .as('data'),
      ]);
    return branchQuery(
      db,
      query,
      'message_event',
      sql.ref('me.occurred_at'),
      sql.ref('me.id'),
      page,
    );
  },

  event: (db, mine, page) => {
    const query = db
      .selectFrom('events as e')
      .where(mine('events', 'e'))
      .select((eb) => [
        typeLiteral('event').as('type'),
        'e.id',
        'e.occurred_at',
        jsonBuildObject({
          name: eb.ref('e.name'),
          source: eb.ref('e.source'),
          session_id: eb.ref('e.session_id'),
          ga_client_id: eb.ref('e.ga_client_id'),
          utm_source: eb.ref('e.utm_source'),
          utm_medium: eb.ref('e.utm_medium'),
          utm_campaign: eb.ref('e.utm_campaign'),
          referrer: eb.ref('e.referrer'),
          properties: eb.ref('e.properties'),
        })
          .$castTo<unknown>()
          .as('data'),
      ]);
    return branchQuery(db, query, 'event', sql.ref('e.occurred_at'), sql.ref('e.id'), page);
  },

  invoice: (db, mine, page) => {
    const query = db
      .selectFrom('zeroinvoice_invoices_cache as i')
      .where(mine('zeroinvoice_invoices_cache', 'i'))
      .select((eb) => [
        typeLiteral('invoice').as('type'),
        'i.id',
        'i.created_at as occurred_at',
        jsonBuildObject({
          external_invoice_id: eb.ref('i.external_invoice_id'),
          status: eb.ref('i.status'),
          currency: eb.ref('i.currency'),
          total_cents: eb.ref('i.total_cents'),
          amount_due_cents: eb.ref('i.amount_due_cents'),
          due_date: eb.ref('i.due_date'),
          updated_at: eb.ref('i.updated_at'),
        })
          .$castTo<unknown>()
          .as('data'),
      ]);
    return branchQuery(db, query, 'invoice', sql.ref('i.created_at'), sql.ref('i.id'), page);
  },

  payment: (db, mine, page) => {
    const at = sql<Date>`COALESCE(p.processed_at, p.created_at)`;
    const query = db
      .selectFrom('payments as p')
      .innerJoin('zeroinvoice_invoices_cache as i', (join) =>
        join
          .onRef('i.organization_id', '=', 'p.organization_id')
          .onRef('i.external_invoice_id', '=', 'p.external_invoice_id'),
      )
      // The invoice's own id, for the item; whose payment it is comes from `mine`.
      .where(mine('payments', 'p'))
      .select((eb) => [
        typeLiteral('payment').as('type'),
        'p.id',
        at.as('occurred_at'),
        jsonBuildObject({
          invoice_id: eb.ref('i.id'),
          external_invoice_id: eb.ref('p.external_invoice_id'),
          external_payment_id: eb.ref('p.external_payment_id'),
          amount_cents: eb.ref('p.amount_cents'),
          currency: eb.ref('p.currency'),
          status: eb.ref('p.status'),
          method: eb.ref('p.method'),
          processed_at: eb.ref('p.processed_at'),
        })
          .$castTo<unknown>()
          .as('data'),
      ]);
    return branchQuery(db, query, 'payment', at, sql.ref('p.id'), page);
  },

  attribution: (db, mine, page) => {
    const query = db
      .selectFrom('attributions as a')
      .where(mine('attributions', 'a'))
      .select((eb) => [
        typeLiteral('attribution').as('type'),
        'a.id',
        'a.created_at as occurred_at',
        jsonBuildObject({
          conversion_name: eb.ref('a.conversion_name'),
          revenue_cents: eb.ref('a.revenue_cents'),
          attributed_model: eb.ref('a.attributed_model'),
          message_id: eb.ref('a.message_id'),
          campaign_run_id: eb.ref('a.campaign_run_id'),
          event_id: eb.ref('a.event_id'),
        })
          .$castTo<unknown>()
          .as('data'),
      ]);
    return branchQuery(db, query, 'attribution', sql.ref('a.created_at'), sql.ref('a.id'), page);
  },
};

/**
 * The timeline statement for one page (not executed). Exposed inside the module for the
 * EXPLAIN test; callers use `getCustomerTimeline`.
 */
export function timelineQuery(
  scope: Scope,
  registry: CustomerDataRegistry,
  who: CustomerRef,
  options: { types: readonly TimelineType[]; cursor: TimelineCursor | undefined; limit: number },
) {
  // One row more than a page tells whether another page follows.
  const page = { cursor: options.cursor, size: keysetFetchSize(options.limit) };
  const mine = (table: TableName, alias: string) => registry.entry(table).belongsTo(alias, who);
  const [first, ...rest] = options.types.map((type) => branches[type](scope.db, mine, page));
  if (!first) throw new Error('timelineQuery needs at least one type');
  const merged = rest.reduce((union, branch) => union.unionAll(branch), first);
  return scope.db
    .selectFrom(merged.as('t'))
    .select([
      't.type',
      't.id',
      't.occurred_at',
      't.data',
      sql<string>`to_char(t.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`.as(
        'cursor_at',
      ),
    ])
    .orderBy('t.occurred_at', 'desc')
    .orderBy(sql`t.type COLLATE "C"`, 'desc')
    .orderBy('t.id', 'desc')
    .limit(page.size);
}

/** `data` as it comes out of `json_build_object`: timestamps are strings there. */
type Wire<T> = {
  [K in keyof T]: T[K] extends Date ? string : T[K] extends Date | null ? string | null : T[K];
};

const toDate = (value: string | null): Date | null => (value === null ? null : new Date(value));

/** Formats minor units in their currency, e.g. `1250, 'usd'` → `$12.50`; `500, 'jpy'` → `¥500`. */
function formatMoney(cents: number | null, currency: string | null): string {
  if (cents === null) return '—';
  const code = (currency ?? 'usd').toUpperCase();
  try {
    const format = new Intl.NumberFormat('en-US', { style: 'currency', currency: code });
    const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
    return format.format(cents / 10 ** digits);
  } catch {
    // Not an ISO 4217 code Intl knows: show the raw amount rather than fail the page.
    return `${cents} ${code} (minor units)`;
  }
}

const channelName: Record<Channel, string> = { email: 'Email', sms: 'SMS' };
const messageEventVerb: Record<MessageEventType, string> = {
  delivered: 'delivered',
  open: 'opened',
  click: 'clicked',
  bounce: 'bounced',
  spam: 'marked as spam',
  unsubscribe: 'unsubscribed',
};

const withSubject = (text: string, subject: string | null) =>
  subject ? `${text}: ${subject}` : text;

/** Turns a fetched row into its typed item with a one-line summary. */
function toItem(row: BranchRow): TimelineItem {
  const base = { id: row.id, occurred_at: row.occurred_at };
  switch (row.type) {
    case 'message': {
      const raw = row.data as Wire<MessageItemData>;
      const data: MessageItemData = { ...raw, sent_at: toDate(raw.sent_at) };
      const summary = withSubject(`${channelName[data.channel]} ${data.status}`, data.subject);
      return { type: 'message', ...base, summary, data };
    }
    case 'message_event': {
      const data = row.data as MessageEventItemData;
      const summary = withSubject(
        `${channelName[data.channel]} ${messageEventVerb[data.event_type]}`,
        data.subject,
      );
      return { type: 'message_event', ...base, summary, data };
    }
    case 'event': {
      const data = row.data as EventItemData;
      const summary = `Event ${data.name}${data.source ? ` (${data.source})` : ''}`;
      return { type: 'event', ...base, summary, data };
    }
    case 'invoice': {
      const raw = row.data as Wire<InvoiceItemData>;
      const data: InvoiceItemData = { ...raw, updated_at: new Date(raw.updated_at) };
      const summary = `Invoice ${data.external_invoice_id} ${data.status ?? 'cached'}: ${formatMoney(data.total_cents, data.currency)}`;
      return { type: 'invoice', ...base, summary, data };
    }
    case 'payment': {
      const raw = row.data as Wire<PaymentItemData>;
      const data: PaymentItemData = { ...raw, processed_at: toDate(raw.processed_at) };
      const summary = `Payment ${data.status}: ${formatMoney(data.amount_cents, data.currency)}${data.method ? ` (${data.method})` : ''}`;
      return { type: 'payment', ...base, summary, data };
    }
    case 'attribution': {
      const data = row.data as AttributionItemData;
      const summary = `Conversion ${data.conversion_name} attributed (${data.attributed_model}): ${formatMoney(data.revenue_cents, null)}`;
      return { type: 'attribution', ...base, summary, data };
    }
  }
}

/**
 * One page of a customer's timeline, newest first.
 *
 * @param query `limit` (1–200, default 50), `cursor` (the previous page's `nextCursor`),
 *   `types` (default all).
 * @throws `CUSTOMER_NOT_FOUND` when the customer is not in the scope's organization;
 *   `VALIDATION_FAILED` for a bad limit, type or cursor.
 * @example
 * const page = await org.customers.timeline(id, { types: ['message', 'payment'] });
 * const next = await org.customers.timeline(id, { cursor: page.nextCursor ?? undefined });
 */
export async function getCustomerTimeline(
  scope: Scope,
  registry: CustomerDataRegistry,
  customerId: string,
  query: TimelineQuery = {},
): Promise<TimelinePage> {
  const q = parseInput(timelineQuerySchema, query, { what: 'timeline query' });
  const cursor =
    q.cursor === undefined ? undefined : decodeCursor(q.cursor, timelineCursorSchema, LIST);
  const customer = await getCustomer(scope, customerId);
  const rows = await timelineQuery(scope, registry, customerRef(scope.organizationId, customer), {
    types: q.types ?? TIMELINE_TYPES,
    cursor,
    limit: q.limit,
  }).execute();
  const page = keysetPage(rows, q.limit, (last) => ({
    at: last.cursor_at,
    type: last.type,
    id: last.id,
  }));
  return { items: page.items.map(toItem), nextCursor: page.nextCursor };
}
