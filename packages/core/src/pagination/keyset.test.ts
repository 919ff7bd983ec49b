/**
 * The keyset helpers on their own: the SQL of the "after the cursor" condition (compiled,
 * no database: the lists' own tests page through real rows on both databases) and the
 * page boundaries.
 */
import {
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  sql,
} from 'kysely';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Database } from '../db/types.js';
import { decodeCursor } from './cursor.js';
import { keysetAfter, keysetFetchSize, keysetPage } from './keyset.js';

const db = new Kysely<Database>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (k) => new PostgresIntrospector(k),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
});

describe('keysetAfter', () => {
  it('is one row comparison, `<` newest first, each value cast to its type', () => {
    const compiled = db
      .selectFrom('payments')
      .select('id')
      .where(
        keysetAfter('desc', [
          ['created_at', '2026-01-02 03:04:05.123456+00', 'timestamptz'],
          ['id', '00000000-0000-4000-8000-000000000001', 'uuid'],
        ]),
      )
      .compile();
    expect(compiled.sql).toBe(
      'select "id" from "payments" where ("created_at", "id") < ($1::timestamptz, $2::uuid)',
    );
    expect(compiled.parameters).toEqual([
      '2026-01-02 03:04:05.123456+00',
      '00000000-0000-4000-8000-000000000001',
    ]);
  });

  it('takes expressions and qualified columns, `>` oldest first', () => {
    const compiled = db
      .selectFrom('customers as c')
      .select('c.id')
      .where(
        keysetAfter('asc', [
          [sql`coalesce(${sql.ref('c.country')}, '')`, 'NZ', 'text'],
          ['c.id', '00000000-0000-4000-8000-000000000002', 'uuid'],
        ]),
      )
      .compile();
    expect(compiled.sql).toBe(
      `select "c"."id" from "customers" as "c" where (coalesce("c"."country", ''), "c"."id") > ($1::text, $2::uuid)`,
    );
  });
});

describe('keysetPage', () => {
  const rows = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `r${i}` }));
  const cursorSchema = z.object({ id: z.string() });

  it('fetches one row more than the page', () => {
    expect(keysetFetchSize(50)).toBe(51);
  });

  it('keeps `limit` rows and continues from the last one kept when more followed', () => {
    const page = keysetPage(rows(keysetFetchSize(3)), 3, (last) => ({ id: last.id }));
    expect(page.items.map((r) => r.id)).toEqual(['r0', 'r1', 'r2']);
    expect(decodeCursor(page.nextCursor ?? '', cursorSchema, 'test')).toEqual({ id: 'r2' });
  });

  it('ends the list when no row followed the page, or the last row has no cursor', () => {
    expect(keysetPage(rows(3), 3, (last) => ({ id: last.id })).nextCursor).toBeNull();
    expect(keysetPage(rows(0), 3, (last) => ({ id: last.id }))).toEqual({
      items: [],
      nextCursor: null,
    });
    expect(keysetPage(rows(4), 3, () => null).nextCursor).toBeNull();
  });
});
