/**
 * The most common list shape: newest first by `(created_at, id)`, over an index
 * `(organization_id, created_at, id)`. Its cursor is `{ v, id }` with `created_at` as
 * Postgres prints it, so microseconds survive the round trip (a JS `Date` would round them
 * away, and the next page would then skip or repeat rows).
 */
import { type SelectQueryBuilder, sql } from 'kysely';
import { z } from 'zod';
import { decodeCursor } from './cursor.js';
import { type KeysetPage, keysetAfter, keysetFetchSize, keysetPage } from './keyset.js';

const cursorSchema = z.object({ v: z.string(), id: z.uuid() });

/** Which page of a newest-first list. */
export interface NewestFirstPageQuery {
  /** A `nextCursor` this list returned; absent for the first page. */
  cursor?: string | undefined;
  /** Rows on the page. */
  limit: number;
  /** The list's name in the error for a cursor it did not hand out, e.g. `this payment list`. */
  list: string;
}

/**
 * Runs `query` (one table with `created_at` and `id`, already filtered) for one page,
 * newest first.
 * @throws `VALIDATION_FAILED` for a cursor this list did not hand out
 * @example
 * const page = await newestFirstPage(
 *   scope.db.selectFrom('payments').select(columns).where('organization_id', '=', orgId),
 *   { cursor: q.cursor, limit: q.limit, list: 'this payment list' },
 * );
 * // … WHERE organization_id = $1 AND ("created_at", "id") < ($2::timestamptz, $3::uuid)
 * //   ORDER BY "created_at" DESC, "id" DESC LIMIT $4
 */
export async function newestFirstPage<DB, TB extends keyof DB, Row extends { id: string }>(
  query: SelectQueryBuilder<DB, TB, Row>,
  page: NewestFirstPageQuery,
): Promise<KeysetPage<Row>> {
  const cursor = page.cursor ? decodeCursor(page.cursor, cursorSchema, page.list) : undefined;
  let select = query.select(sql<string>`created_at::text`.as('sort_key'));
  if (cursor) {
    select = select.where(
      keysetAfter('desc', [
        ['created_at', cursor.v, 'timestamptz'],
        ['id', cursor.id, 'uuid'],
      ]),
    );
  }
  const rows = await select
    .orderBy(sql.ref('created_at'), 'desc')
    .orderBy(sql.ref('id'), 'desc')
    .limit(keysetFetchSize(page.limit))
    // Kysely cannot resolve a selection's type over a generic table; this is what it is.
    .$castTo<Row & SortKey>()
    .execute();
  const { items, nextCursor } = keysetPage(rows, page.limit, (last) => ({
    v: last.sort_key,
    id: last.id,
  }));
  return { items: items.map(withoutSortKey), nextCursor };
}

interface SortKey {
  sort_key: string;
}

function withoutSortKey<Row>(row: Row & SortKey): Row {
  const { sort_key: _, ...rest } = row;
  // `Omit<Row & SortKey, 'sort_key'>` is `Row` (rows never have a column of that name);
  // TypeScript cannot see it for a generic `Row`.
  return rest as Row;
}
