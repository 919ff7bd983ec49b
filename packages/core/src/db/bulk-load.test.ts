/**
 * Bulk load into a temporary staging table: values that COPY's text format must escape come
 * back exactly, on both databases, inside tenant transactions whose row-level security
 * still holds for everything merged out of the staging table.
 */
import fc from 'fast-check';
import { sql, type Transaction } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestGreenTrack, databaseKind, makeOrganization } from '../../test/harness.js';
import type { GreenTrack } from '../index.js';
import { copyIntoStaging, copyRows } from './bulk-load.js';
import { PGLITE_BLOB_BYTES } from './copy-pool.js';
import { APP_ROLE } from './row-level-security.js';
import type { Database } from './types.js';

let gt: GreenTrack;
let cleanup: () => Promise<void>;
let orgA: string;
let orgB: string;

beforeAll(async () => {
  ({ gt, cleanup } = await createTestGreenTrack());
  orgA = (await makeOrganization(gt, 'A')).organization.id;
  orgB = (await makeOrganization(gt, 'B')).organization.id;
});

afterAll(() => cleanup());

/** A transaction of organization A's tenant (row-level security on). */
function inOrgA<T>(work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  return gt.database.tenant(orgA).transaction().execute(work);
}

/** Staging columns from `{ name: type }`, in written order. */
function columns(spec: Record<string, string>) {
  return Object.entries(spec).map(([name, type]) => ({ name, type }));
}

/** Strings COPY's text format, array literals and JSON each have to escape. */
const nasty = [
  '',
  ' ',
  '\\N',
  'NULL',
  '\\',
  '\\\\',
  'tab\there',
  'line\nbreak',
  'carriage\rreturn\r\n',
  '"quoted" and \'single\'',
  'comma, semicolon; pipe |',
  '{braces}',
  '{"a","b"}',
  '\\x41',
  'héllo wörld — ünïcødé',
  '日本語テキスト',
  'emoji 👩‍👩‍👧‍👦 🇫🇷',
  '\u00a0non-breaking\u2028separator',
  'a'.repeat(100_000),
];

describe(`copyIntoStaging [${databaseKind}]`, () => {
  it('round-trips text, arrays, jsonb, bytea, numbers, dates, vectors and NULLs exactly', async () => {
    const when = new Date('2026-03-04T05:06:07.890Z');
    const rows = nasty.map((text, i) => [
      i,
      text,
      text,
      [text, null, 'x', text],
      { text, nested: [text, 1, null, true] },
      new TextEncoder().encode(text),
      when,
      i % 2 === 0,
      12345678901234n,
      [i, -0.5, 3.25],
      null,
    ]);
    const read = await inOrgA(async (trx) => {
      const count = await copyIntoStaging(trx, {
        table: 'stage_nasty',
        columns: columns({
          i: 'int',
          t: 'text',
          ci: 'citext',
          arr: 'text[]',
          doc: 'jsonb',
          bytes: 'bytea',
          at: 'timestamptz',
          flag: 'boolean',
          big: 'bigint',
          v: 'vector(3)',
          missing: 'text',
        }),
        rows,
      });
      expect(count).toBe(nasty.length);
      return sql<{
        i: number;
        t: string;
        ci: string;
        arr: Array<string | null>;
        doc: unknown;
        bytes: Buffer;
        at: Date;
        flag: boolean;
        big: string;
        v: number[];
        missing: null;
      }>`SELECT * FROM stage_nasty ORDER BY i`.execute(trx);
    });
    expect(read.rows).toHaveLength(nasty.length);
    read.rows.forEach((row, i) => {
      const text = nasty[i] as string;
      expect(row.t).toBe(text);
      expect(row.ci).toBe(text);
      expect(row.arr).toEqual([text, null, 'x', text]);
      expect(row.doc).toEqual({ text, nested: [text, 1, null, true] });
      expect(Buffer.from(row.bytes).toString('utf8')).toBe(text);
      expect(row.at.toISOString()).toBe(when.toISOString());
      expect(row.flag).toBe(i % 2 === 0);
      expect(String(row.big)).toBe('12345678901234');
      expect(row.v).toEqual([i, -0.5, 3.25]);
      expect(row.missing).toBeNull();
    });
  });

  it('round-trips any well-formed string, in text and in text[] (property)', async () => {
    // Any code point but U+0000 (which Postgres cannot store and the encoder refuses).
    const text = fc
      .string({ unit: 'binary', maxLength: 40 })
      .map((s) => s.replaceAll('\u0000', ''));
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(text, fc.array(fc.option(text))), { maxLength: 20 }),
        async (values) => {
          const back = await gt.database
            .tenant(orgA)
            .transaction()
            .execute(async (trx) => {
              await copyIntoStaging(trx, {
                table: 'stage_prop',
                columns: columns({ i: 'int', t: 'text', a: 'text[]' }),
                rows: values.map(([t, a], i) => [i, t, a]),
              });
              return sql<{ t: string; a: Array<string | null> }>`
            SELECT t, a FROM stage_prop ORDER BY i`.execute(trx);
            });
          expect(back.rows.map((r) => [r.t, r.a])).toEqual(values);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('streams an async iterable larger than one PGlite blob, across several COPY chunks', async () => {
    const filler = 'x'.repeat(150);
    const total = Math.ceil((PGLITE_BLOB_BYTES * 1.5) / (filler.length + 10));
    async function* generate() {
      for (let i = 0; i < total; i++) yield [i, `${filler}${i}`];
    }
    const result = await inOrgA(async (trx) => {
      const count = await copyIntoStaging(trx, {
        table: 'stage_big',
        columns: columns({ i: 'int', t: 'text' }),
        rows: generate(),
      });
      const { rows } = await sql<{ n: number; last: string }>`
        SELECT count(*)::int AS n, max(t) FILTER (WHERE i = ${total - 1}) AS last FROM stage_big`.execute(
        trx,
      );
      return { count, ...rows[0] };
    });
    expect(result).toEqual({ count: total, n: total, last: `${filler}${total - 1}` });
  });

  it('runs in the tenant transaction: its role stays, and the merge out of staging obeys row-level security', async () => {
    await expect(
      inOrgA(async (trx) => {
        await copyIntoStaging(trx, {
          table: 'stage_customers',
          columns: columns({ organization_id: 'uuid', name: 'text' }),
          rows: [
            [orgA, 'Mine'],
            [orgB, 'Theirs'],
          ],
        });
        const { rows } = await sql<{ role: string; org: string }>`
          SELECT current_user AS role, current_setting('greentrack.organization_id') AS org`.execute(
          trx,
        );
        expect(rows[0]).toEqual({ role: APP_ROLE, org: orgA });
        await sql`
          INSERT INTO customers (organization_id, type, name)
          SELECT organization_id, 'customer', name FROM stage_customers`.execute(trx);
      }),
    ).rejects.toThrow(/row-level security/);

    const merged = await inOrgA(async (trx) => {
      await copyIntoStaging(trx, {
        table: 'stage_customers',
        columns: columns({ name: 'text' }),
        rows: [['Staged One'], ['Staged Two']],
      });
      await sql`
        INSERT INTO customers (organization_id, type, name)
        SELECT ${orgA}, 'customer', name FROM stage_customers`.execute(trx);
      return trx
        .selectFrom('customers')
        .select(['name', 'organization_id'])
        .where('name', 'like', 'Staged%')
        .execute();
    });
    expect(merged).toEqual([
      { name: 'Staged One', organization_id: orgA },
      { name: 'Staged Two', organization_id: orgA },
    ]);
    // Another organization's tenant sees none of them.
    const seenByB = await gt.database
      .tenant(orgB)
      .selectFrom('customers')
      .select('name')
      .where('name', 'like', 'Staged%')
      .execute();
    expect(seenByB).toEqual([]);
  });

  it('drops the staging table at commit, and appends with copyRows', async () => {
    await inOrgA(async (trx) => {
      const spec = columns({ n: 'int' });
      await copyIntoStaging(trx, { table: 'stage_twice', columns: spec, rows: [[1]] });
      expect(await copyRows(trx, { table: 'stage_twice', columns: spec, rows: [[2], [3]] })).toBe(
        2,
      );
      expect(await copyRows(trx, { table: 'stage_twice', columns: spec, rows: [] })).toBe(0);
      const { rows } = await sql<{ n: number }>`SELECT n FROM stage_twice ORDER BY n`.execute(trx);
      expect(rows.map((r) => r.n)).toEqual([1, 2, 3]);
    });
    const { rows } = await sql<{
      t: string | null;
    }>`SELECT to_regclass('pg_temp.stage_twice')::text AS t`.execute(gt.database.login);
    expect(rows[0]?.t).toBeNull();
  });

  it('refuses bad values with VALIDATION_FAILED naming the row and column, and the connection stays usable', async () => {
    for (const [value, type] of [
      ['nul \u0000 byte', 'text'],
      ['lone \ud800 surrogate', 'text'],
      [{ not: 'text' }, 'text'],
      ['not an array', 'text[]'],
      [[1, Number.NaN], 'vector(2)'],
    ] as const) {
      const attempt = inOrgA((trx) =>
        copyIntoStaging(trx, {
          table: 'stage_bad',
          columns: columns({ id: 'int', value: type }),
          rows: [
            [1, null],
            [2, value],
          ],
        }),
      );
      await expect(attempt).rejects.toMatchObject({
        code: 'VALIDATION_FAILED',
        details: { issues: [{ path: 'rows.1.value' }] },
      });
    }
    // A bad value far into the stream, after COPY data was already sent: the COPY is
    // abandoned and the transaction rolled back; nothing is left behind.
    async function* lateFailure() {
      for (let i = 0; i < 20_000; i++)
        yield [i, i === 15_000 ? 'late \u0000' : `row ${i} ${'y'.repeat(40)}`];
    }
    await expect(
      inOrgA(async (trx) => {
        await copyIntoStaging(trx, {
          table: 'stage_late',
          columns: columns({ id: 'int', value: 'text' }),
          rows: lateFailure(),
        });
      }),
    ).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      details: { issues: [{ path: 'rows.15000.value' }] },
    });
    // A row of the wrong width, and names that would be inlined into DDL.
    await expect(
      inOrgA((trx) =>
        copyIntoStaging(trx, {
          table: 'stage_bad',
          columns: columns({ a: 'int' }),
          rows: [[1, 2]],
        }),
      ),
    ).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      details: { issues: [{ path: 'rows.0' }] },
    });
    for (const spec of [
      { table: 'stage; DROP TABLE customers', columns: columns({ a: 'int' }) },
      { table: 'stage_ok', columns: [{ name: 'A b', type: 'int' }] },
      { table: 'stage_ok', columns: columns({ a: 'int); DROP TABLE customers; --' }) },
      { table: 'stage_ok', columns: [] },
    ]) {
      await expect(
        inOrgA((trx) => copyIntoStaging(trx, { ...spec, rows: [] })),
      ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    }
    // Outside a transaction ON COMMIT DROP would lose the table at once.
    await expect(
      copyIntoStaging(gt.database.tenant(orgA), {
        table: 'stage_x',
        columns: columns({ a: 'int' }),
        rows: [],
      }),
    ).rejects.toThrow(/inside a transaction/);
    const { rows } = await sql<{ one: number }>`SELECT 1 AS one`.execute(gt.database.tenant(orgA));
    expect(rows).toEqual([{ one: 1 }]);
  });
});
