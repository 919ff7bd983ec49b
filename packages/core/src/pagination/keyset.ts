/**
 * Keyset pagination, the part every list repeats: fetch one row more than the page, keep
 * the condition "after the cursor" as ONE row comparison over the sort columns, and build
 * the page with the next cursor from its last row. The cursor itself (its fields, its
 * encoding) stays each list's own (`cursor.ts`).
 *
 * @example
 * const cursor = q.cursor ? decodeCursor(q.cursor, cursorSchema, LIST) : undefined;
 * let select = scope.db.selectFrom('payments').select(columns)
 *   .select(sql<string>`created_at::text`.as('sort_key'));
 * if (cursor)
 *   select = select.where(keysetAfter('desc', [
 *     ['created_at', cursor.v, 'timestamptz'],
 *     ['id', cursor.id, 'uuid'],
 *   ]));
 * // WHERE ("created_at", "id") < ($1::timestamptz, $2::uuid)
 * const rows = await select.orderBy('created_at', 'desc').orderBy('id', 'desc')
 *   .limit(keysetFetchSize(q.limit)).execute();
 * return keysetPage(rows, q.limit, (last) => ({ v: last.sort_key, id: last.id }));
 */
import { type Expression, type RawBuilder, sql } from 'kysely';
import { encodeCursor } from './cursor.js';

/**
 * The Postgres type a cursor value is cast to. A closed list, because it is written into
 * the SQL text; the cast also makes a forged value fail as a database error the list can
 * answer (never a different comparison).
 */
export type KeysetCast = 'timestamptz' | 'uuid' | 'text';

/** One sort column (a name or an expression), the cursor's value for it, and its type. */
export type KeysetKey = readonly [
  column: string | Expression<unknown>,
  value: string,
  as: KeysetCast,
];

/** One page of a keyset list. */
export interface KeysetPage<Row> {
  items: Row[];
  /** Pass back as `cursor` for the next page; `null` on the last page. */
  nextCursor: string | null;
}

/** How many rows to fetch for a page of `limit`: one more tells whether a next page follows. */
export function keysetFetchSize(limit: number): number {
  return limit + 1;
}

/**
 * The rows after the cursor in a list ordered by `keys` (every key in `order`):
 * `(a, b) < ($1::t1, $2::t2)` newest first, `>` oldest first. A row comparison, not
 * `a < $1 OR (a = $1 AND b < $2)`: same rows, and an index on `(…, a, b)` serves it as one
 * range scan.
 */
export function keysetAfter(
  order: 'asc' | 'desc',
  keys: readonly KeysetKey[],
): RawBuilder<boolean> {
  const columns = keys.map(([column]) => (typeof column === 'string' ? sql.ref(column) : column));
  const values = keys.map(([, value, as]) => sql`${value}::${sql.raw(as)}`);
  return sql<boolean>`(${sql.join(columns)}) ${sql.raw(order === 'asc' ? '>' : '<')} (${sql.join(values)})`;
}

/**
 * The page from `rows` fetched with `keysetFetchSize(limit)`: the first `limit` rows, and
 * when more followed, the cursor of the last row kept (`cursorOf` may answer `null` for a
 * row that cannot be continued from, which ends the list).
 */
export function keysetPage<Row>(
  rows: readonly Row[],
  limit: number,
  cursorOf: (last: Row) => Record<string, string> | null,
): KeysetPage<Row> {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  const key = rows.length > limit && last !== undefined ? cursorOf(last) : null;
  return { items, nextCursor: key ? encodeCursor(key) : null };
}
