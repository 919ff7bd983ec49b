/**
 * Customers: the CRM's core records, with tags (stored in `tags` + `customer_tags`; the
 * `customers.tags` mirror follows by trigger), keyset-paginated listing and text search.
 */
import { type ExpressionBuilder, type RawBuilder, type Selectable, sql } from 'kysely';
import { z } from 'zod';
import { recordAudit } from '../audit/index.js';
import { isForeignKeyViolation, pgErrorCode } from '../db/pg-errors.js';
import type { Channel, CustomersTable, Database, SubscriptionStatus } from '../db/types.js';
import { enqueueEmbedding, profileChanged } from '../embeddings/index.js';
import { CommonErrorCode, GreenTrackError } from '../errors.js';
import { decodeCursor, invalidCursor } from '../pagination/cursor.js';
import { type KeysetCast, keysetAfter, keysetFetchSize, keysetPage } from '../pagination/keyset.js';
import { inTransaction, type Scope } from '../scope.js';
import { isUuid, parseInput } from '../validation.js';
import { CustomerErrorCode } from './error-codes.js';
import {
  type CustomerCreate,
  type CustomerListQuery,
  type CustomerUpdate,
  customerCreateSchema,
  customerListQuerySchema,
  customerUpdateSchema,
  customerValueFields,
  normalizeContactFields,
} from './schema.js';

/** A customer as services return it (no embedding; timestamps as `Date`). */
export type Customer = Omit<Selectable<CustomersTable>, 'embedding'>;

/** Every column but the embedding, which is large and internal. */
const customerColumns = [
  'id',
  'organization_id',
  ...customerValueFields,
  'tags',
  'created_at',
  'updated_at',
] as const;

function notFound(): GreenTrackError {
  return new GreenTrackError({
    code: CustomerErrorCode.CUSTOMER_NOT_FOUND,
    message: 'Customer not found',
  });
}

async function findCustomer(
  scope: Scope,
  customerId: string,
  forUpdate = false,
): Promise<Customer> {
  // A malformed id cannot exist; answering NOT_FOUND (not 400) keeps ids opaque.
  if (!isUuid(customerId)) throw notFound();
  let query = scope.db
    .selectFrom('customers')
    .select(customerColumns)
    .where('id', '=', customerId)
    .where('organization_id', '=', scope.organizationId);
  if (forUpdate) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  if (!row) throw notFound();
  return row;
}

/**
 * Makes the customer's tag set exactly `names`: creates missing tags (case-insensitive
 * per organization, first spelling kept), links and unlinks. Three statements regardless of
 * the number of tags; the mirror trigger then rewrites `customers.tags` once.
 */
async function replaceTags(tx: Scope, customerId: string, names: readonly string[]): Promise<void> {
  if (names.length > 0) {
    await tx.db
      .insertInto('tags')
      .values(names.map((name) => ({ organization_id: tx.organizationId, name })))
      .onConflict((oc) => oc.columns(['organization_id', 'name']).doNothing())
      .execute();
  }
  const wanted = names.length
    ? await tx.db
        .selectFrom('tags')
        .select('id')
        .where('organization_id', '=', tx.organizationId)
        .where('name', 'in', names)
        .execute()
    : [];
  const wantedIds = wanted.map((t) => t.id);
  let unlink = tx.db.deleteFrom('customer_tags').where('customer_id', '=', customerId);
  if (wantedIds.length) unlink = unlink.where('tag_id', 'not in', wantedIds);
  await unlink.execute();
  if (wantedIds.length) {
    await tx.db
      .insertInto('customer_tags')
      .values(wantedIds.map((tag_id) => ({ customer_id: customerId, tag_id })))
      .onConflict((oc) => oc.columns(['customer_id', 'tag_id']).doNothing())
      .execute();
  }
}

/**
 * Creates a customer. Email is trimmed and validated; phone becomes E.164 (national
 * numbers read in `country`, default US). @throws `VALIDATION_FAILED` naming the fields.
 */
export async function createCustomer(scope: Scope, input: CustomerCreate): Promise<Customer> {
  const { tags, ...data } = parseInput(customerCreateSchema, input, { what: 'customer' });
  return inTransaction(scope, async (tx) => {
    const now = tx.clock.now();
    const { id } = await tx.db
      .insertInto('customers')
      .values({ ...data, organization_id: tx.organizationId, created_at: now, updated_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    await replaceTags(tx, id, tags);
    // Embedded later by the worker; queued in this transaction so it cannot be missed.
    await enqueueEmbedding(tx, id);
    const customer = await findCustomer(tx, id);
    await recordAudit(tx, {
      action: 'customer.create',
      entity: 'customer',
      entityId: id,
      after: customer,
    });
    tx.emit('customer.created', {
      organizationId: tx.organizationId,
      customerId: id,
      actor: tx.actor,
    });
    return customer;
  });
}

/** One customer of the organization. @throws `CUSTOMER_NOT_FOUND` */
export async function getCustomer(scope: Scope, customerId: string): Promise<Customer> {
  return findCustomer(scope, customerId);
}

/**
 * Updates the given fields (`null` clears one; `tags` replaces the set). A phone is read in
 * the new country if one is given, else the stored one.
 */
export async function updateCustomer(
  scope: Scope,
  customerId: string,
  input: CustomerUpdate,
): Promise<Customer> {
  const parsed = parseInput(customerUpdateSchema, input, { what: 'customer' });
  return inTransaction(scope, async (tx) => {
    const before = await findCustomer(tx, customerId, true);
    const { value, issues } = normalizeContactFields(parsed, before.country);
    if (issues.length) {
      throw new GreenTrackError({
        code: CommonErrorCode.VALIDATION_FAILED,
        message: `Invalid customer: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
        details: { issues },
      });
    }
    const { tags, ...fields } = value;
    const changes = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
    await tx.db
      .updateTable('customers')
      .set({ ...changes, updated_at: tx.clock.now() })
      .where('id', '=', before.id)
      .execute();
    if (tags !== undefined) await replaceTags(tx, before.id, tags);
    const after = await findCustomer(tx, before.id);
    // Only a change of the embedded text (name, type, email domain, location, tags, notes)
    // needs a new embedding; a phone or address edit does not.
    if (profileChanged(before, after)) await enqueueEmbedding(tx, after.id);
    await recordAudit(tx, {
      action: 'customer.update',
      entity: 'customer',
      entityId: after.id,
      before,
      after,
    });
    tx.emit('customer.updated', {
      organizationId: tx.organizationId,
      customerId: after.id,
      actor: tx.actor,
    });
    return after;
  });
}

/**
 * Deletes a customer without history. One with messages, events or attributions (which do
 * not cascade in the seed schema) gets `CUSTOMER_HAS_HISTORY`: erase it instead.
 */
export async function deleteCustomer(scope: Scope, customerId: string): Promise<void> {
  try {
    await inTransaction(scope, async (tx) => {
      const before = await findCustomer(tx, customerId, true);
      await tx.db.deleteFrom('customers').where('id', '=', before.id).execute();
      await recordAudit(tx, {
        action: 'customer.delete',
        entity: 'customer',
        entityId: before.id,
        before,
      });
      tx.emit('customer.deleted', {
        organizationId: tx.organizationId,
        customerId: before.id,
        actor: tx.actor,
      });
    });
  } catch (error) {
    if (isForeignKeyViolation(error)) {
      throw new GreenTrackError({
        code: CustomerErrorCode.CUSTOMER_HAS_HISTORY,
        message: 'Customer has messages, events or attributions; erase it to remove them too',
        cause: error,
      });
    }
    throw error;
  }
}

/** Stored consent per channel; `null` when the customer has no status on that channel. */
export interface CustomerListConsent {
  email: SubscriptionStatus | null;
  sms: SubscriptionStatus | null;
}

/** A customer as the list returns it: the record plus its stored consent per channel. */
export type CustomerListItem = Customer & { consent: CustomerListConsent };

/** One page of customers. */
export interface CustomerPage {
  items: CustomerListItem[];
  /** Pass back as `cursor` for the next page; `null` on the last page. */
  nextCursor: string | null;
  /** All matches, only when `include_total` was asked for. */
  total?: number;
}

/**
 * Sort key of the customer list: the sort column's value as Postgres prints it, and id,
 * bound to the sort (`s`) and order (`o`) it was made for: under another sort the value
 * means something else (a timestamp compared with names), so such a cursor is refused.
 */
const listCursorSchema = (sort: string, order: string) =>
  z.object({ v: z.string(), id: z.uuid(), s: z.literal(sort), o: z.literal(order) });
const LIST = 'this customer list with this sort';

type CustomerSort = CustomerListQuery['sort'] & string;

/**
 * The SQL each sort orders by (on `customers`, or on the row alias `table`) and the type a
 * cursor's printed value is cast back to. `country` orders `coalesce(country, '')`: a row
 * comparison with a NULL is unknown, so a cursor after a customer without a country would
 * otherwise drop the rest; such customers sort first ascending, last descending.
 *
 * name, created_at and updated_at are served by the (organization_id, column, id) btrees of
 * migration 0004; country has no such index yet, so each country-sorted page sorts the
 * organization's matching rows (a top-N sort: 100k rows ≈ tens of milliseconds).
 */
const SORTS: Record<
  CustomerSort,
  { expr: (table?: string) => RawBuilder<unknown>; cast: KeysetCast }
> = {
  name: { expr: (t) => sql.ref(t ? `${t}.name` : 'name'), cast: 'text' },
  created_at: { expr: (t) => sql.ref(t ? `${t}.created_at` : 'created_at'), cast: 'timestamptz' },
  updated_at: { expr: (t) => sql.ref(t ? `${t}.updated_at` : 'updated_at'), cast: 'timestamptz' },
  country: {
    expr: (t) => sql`coalesce(${sql.ref(t ? `${t}.country` : 'country')}, '')`,
    cast: 'text',
  },
};

/**
 * The stored consent of `ids` (one page), in one query over the `subscriptions` unique index
 * (organization, customer, channel).
 */
async function consentOf(
  scope: Scope,
  ids: readonly string[],
): Promise<Map<string, CustomerListConsent>> {
  const byCustomer = new Map<string, CustomerListConsent>(
    ids.map((id) => [id, { email: null, sms: null }]),
  );
  if (ids.length === 0) return byCustomer;
  const rows = await scope.db
    .selectFrom('subscriptions')
    .select(['customer_id', 'channel', 'status'])
    .where('organization_id', '=', scope.organizationId)
    .where('customer_id', 'in', ids)
    .execute();
  for (const row of rows) {
    const consent = byCustomer.get(row.customer_id);
    if (consent) consent[row.channel] = row.status;
  }
  return byCustomer;
}

/** Escapes LIKE wildcards so a search for "50%" looks for a percent sign. */
function likeEscape(term: string): string {
  return term.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * What to look for: digits only for phone-like input ("(415) 555-26" matches the stored
 * E.164 "+1415555 26…"), otherwise the lowercased text.
 */
export function searchTerm(q: string): string {
  const digits = q.replace(/\D/g, '');
  return /^[\d\s()+.-]+$/.test(q) && digits.length >= 3 ? digits : q.toLowerCase();
}

/**
 * Rows a text search reads in page order before falling back to the trigram index.
 *
 * One page of a text search must be fast whether the term is common or rare.
 *
 * Postgres estimates `LIKE '%term%'` selectivity poorly, and the two good plans are far
 * apart: for a common term, read the organization in page order and filter (stops after a
 * page of matches); for a rare one, find the few matches through the trigram index and sort
 * them. A wrong guess costs a scan of the whole organization (measured: 440 ms at 1M rows).
 * So the choice is made on evidence, not estimates:
 * 1. scan at most SEARCH_WINDOW_ROWS rows in page order and filter them; if that yields a
 *    full page, it is the right page (nothing earlier in the order was skipped);
 * 2. otherwise the term is rare (under 1 match per 40 rows here): fetch all matches through the
 *    trigram index — ordering by an expression keeps the planner off the order-providing
 *    btree — and sort them.
 */
const SEARCH_WINDOW_ROWS = 2000;

/**
 * Lists customers with filters, text search and keyset pagination on (sort column, id):
 * pages stay stable while rows are inserted, and each page is an index range scan
 * (migration 0004). The total is counted only when asked for.
 *
 * Text search: `greentrack_customer_search_text(name, email, phone) LIKE '%term%'`, served by
 * the trigram GIN index.
 */
export async function listCustomers(
  scope: Scope,
  query: CustomerListQuery = {},
): Promise<CustomerPage> {
  const q = parseInput(customerListQuerySchema, query, { what: 'customer query' });
  const pattern = q.q ? `%${likeEscape(searchTerm(q.q))}%` : undefined;
  const filtered = (withSearch = true) => {
    let base = scope.db.selectFrom('customers').where('organization_id', '=', scope.organizationId);
    if (q.type) base = base.where('type', '=', q.type);
    if (q.city) base = base.where('city', '=', q.city);
    if (q.state) base = base.where('state', '=', q.state);
    if (q.country) base = base.where('country', '=', q.country);
    if (q.consent) {
      // A correlated probe of the subscriptions unique index per candidate row (see
      // consentAllowsSql for why not an `id IN (…)` set).
      const [channel, status] = q.consent.split(':') as [Channel, SubscriptionStatus | 'none'];
      base = base.where((eb: ExpressionBuilder<Database, 'customers'>) => {
        const stored = eb
          .selectFrom('subscriptions as s')
          .select('s.status')
          .where('s.organization_id', '=', scope.organizationId)
          .whereRef('s.customer_id', '=', 'customers.id')
          .where('s.channel', '=', channel);
        return status === 'none'
          ? eb.not(eb.exists(stored))
          : eb.exists(stored.where('s.status', '=', status));
      });
    }
    if (q.created_from) base = base.where('created_at', '>=', new Date(q.created_from));
    if (q.created_to) base = base.where('created_at', '<', new Date(q.created_to));
    if (pattern && withSearch) {
      base = base.where(
        sql<boolean>`greentrack_customer_search_text(name, email, phone) LIKE ${pattern}`,
      );
    }
    if (q.tags?.length) {
      const tags = q.tags;
      base = base.where((eb: ExpressionBuilder<Database, 'customers'>) =>
        eb(
          'id',
          'in',
          eb
            .selectFrom('customer_tags as ct')
            .innerJoin('tags as t', 't.id', 'ct.tag_id')
            .select('ct.customer_id')
            .where('t.organization_id', '=', scope.organizationId)
            .where('t.name', 'in', tags)
            .groupBy('ct.customer_id')
            .having((h) => h.fn.count('t.id').distinct(), '=', tags.length),
        ),
      );
    }
    return base;
  };

  const sort = SORTS[q.sort];
  const direction = q.order;
  const cursor = q.cursor
    ? decodeCursor(q.cursor, listCursorSchema(q.sort, q.order), LIST)
    : undefined;
  // The cursor carries the sort value as Postgres prints it: timestamps keep their
  // microseconds, which a JS Date would round away (and then skip or repeat rows).
  const page = (withSearch: boolean) => {
    let query = filtered(withSearch)
      .select(customerColumns)
      .select(sql<string>`${sort.expr()}::text`.as('sort_key'));
    if (cursor) {
      query = query.where(
        keysetAfter(direction, [
          [sort.expr(), cursor.v, sort.cast],
          ['id', cursor.id, 'uuid'],
        ]),
      );
    }
    return query;
  };

  // Text search: see SEARCH_WINDOW_ROWS for why a page is found in two steps.
  const searchPage = async (searchPattern: string, rowsWanted: number) => {
    const window = page(false)
      .select(sql<string>`greentrack_customer_search_text(name, email, phone)`.as('search_text'))
      .orderBy(sort.expr(), direction)
      .orderBy('id', direction)
      .limit(SEARCH_WINDOW_ROWS);
    const windowed = await scope.db
      .selectFrom(window.as('w'))
      .selectAll()
      .where(sql<boolean>`w.search_text LIKE ${searchPattern}`)
      .orderBy(sort.expr('w'), direction)
      .orderBy('w.id', direction)
      .limit(rowsWanted)
      .execute();
    if (windowed.length === rowsWanted) return windowed.map(({ search_text: _, ...row }) => row);
    // `x || ''` and `x + interval '0'` sort exactly like x but cannot be read off an index.
    const opaque =
      sort.cast === 'text' ? sql`${sort.expr()} || ''` : sql`${sort.expr()} + interval '0'`;
    return page(true)
      .orderBy(opaque, direction)
      .orderBy('id', direction)
      .limit(rowsWanted)
      .execute();
  };

  let rows: Array<Customer & { sort_key: string }>;
  try {
    if (!pattern) {
      rows = await page(false)
        .orderBy(sort.expr(), direction)
        .orderBy('id', direction)
        .limit(keysetFetchSize(q.limit))
        .execute();
    } else {
      rows = await searchPage(pattern, keysetFetchSize(q.limit));
    }
  } catch (error) {
    // A forged cursor whose value is not a timestamp: the database says so, we say 400.
    if (q.cursor && pgErrorCode(error)?.startsWith('22')) throw invalidCursor(LIST);
    throw error;
  }
  const listed = keysetPage(rows, q.limit, (last) => ({
    v: last.sort_key,
    id: last.id,
    s: q.sort,
    o: q.order,
  }));
  const customers = listed.items.map(({ sort_key: _, ...customer }) => customer);
  const consent = await consentOf(
    scope,
    customers.map((c) => c.id),
  );
  const items = customers.map((c) => ({
    ...c,
    consent: consent.get(c.id) ?? { email: null, sms: null },
  }));
  const { nextCursor } = listed;
  if (!q.include_total) return { items, nextCursor };
  const { total } = await filtered()
    .select((eb) => eb.fn.countAll<string>().as('total'))
    .executeTakeFirstOrThrow();
  return { items, nextCursor, total: Number(total) };
}

/** The most tags {@link listTags} returns: suggestions, not an export. */
const TAG_LIST_LIMIT = 500;

/**
 * The organization's tags that at least one customer carries, most used first, then by
 * name; at most {@link TAG_LIST_LIMIT}. Tags left behind by untagging are not listed.
 *
 * @example
 * await listTags(scope); // [{ name: 'vip', customers: 42 }, { name: 'wholesale', customers: 7 }]
 * // select t.name, count(*) as customers from tags t join customer_tags ct on ct.tag_id = t.id
 * //   where t.organization_id = $1 and t.name is not null group by t.name
 * //   order by customers desc, t.name limit $2
 */
export async function listTags(scope: Scope): Promise<Array<{ name: string; customers: number }>> {
  const rows = await scope.db
    .selectFrom('tags as t')
    .innerJoin('customer_tags as ct', 'ct.tag_id', 't.id')
    .select(['t.name', (eb) => eb.fn.countAll<string>().as('customers')])
    .where('t.organization_id', '=', scope.organizationId)
    .where('t.name', 'is not', null)
    .groupBy('t.name')
    .orderBy('customers', 'desc')
    .orderBy('t.name')
    .limit(TAG_LIST_LIMIT)
    .execute();
  return rows.map((row) => ({ name: row.name ?? '', customers: Number(row.customers) }));
}
