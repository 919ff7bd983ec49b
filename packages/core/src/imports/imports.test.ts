import { createReadStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failure } from '../../test/errors.js';
import { createTestGreenTrack, databaseKind, makeOrganization } from '../../test/harness.js';
import { createClient } from '../client/index.js';
import { fixedClock } from '../clock.js';
import type { GreenTrackEventMap } from '../events.js';
import type { GreenTrack } from '../greentrack.js';
import type { TenantFacade } from '../tenant.js';
import type { ImportProgress, ImportResult } from './schema.js';

/** One CSV line, quoting cells that need it (RFC 4180). */
function csvLine(cells: readonly string[]): string {
  return cells.map((c) => (/[",\r\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',');
}

function csv(rows: ReadonlyArray<readonly string[]>): string {
  return `${rows.map(csvLine).join('\n')}\n`;
}

/** A valid, distinct US phone for person `i` (national format, read in the default US). */
const phoneOf = (i: number) => `(415) 555-${String(i).padStart(4, '0')}`;
const e164Of = (i: number) => `+1415555${String(i).padStart(4, '0')}`;

describe(`CSV import [${databaseKind}]`, () => {
  let gt: GreenTrack;
  let cleanup: () => Promise<void>;
  const clock = fixedClock('2026-03-01T09:00:00.000Z');
  const secret = 'imports-test-secret-0123456789abcdef';

  beforeAll(async () => {
    ({ gt, cleanup } = await createTestGreenTrack({
      clock,
      secret,
      // Small limits, so the HTTP tests can show the import route ignores the first and
      // enforces the second without megabytes of test data.
      http: { maxBodyBytes: 16 * 1024, maxImportBytes: 256 * 1024 },
    }));
  });
  afterAll(() => cleanup());

  /** A fresh organization with an admin and a staff facade. */
  async function tenant(name: string) {
    const fixture = await makeOrganization(gt, name);
    const organizationId = fixture.organization.id;
    return {
      fixture,
      organizationId,
      admin: gt.as({ userId: fixture.admin.id, organizationId }),
      staff: gt.as({ userId: fixture.staff.id, organizationId }),
    };
  }

  const customersOf = (organizationId: string) =>
    gt.db
      .selectFrom('customers')
      .select(['id', 'name', 'email', 'phone', 'city', 'postal_code', 'country', 'type', 'notes'])
      .select(['tags', 'created_at', 'updated_at'])
      .where('organization_id', '=', organizationId)
      .orderBy('created_at')
      .orderBy('email')
      .execute();

  const countOf = async (organizationId: string) =>
    Number(
      (
        await gt.db
          .selectFrom('customers')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('organization_id', '=', organizationId)
          .executeTakeFirstOrThrow()
      ).n,
    );

  const auditActions = async (organizationId: string) =>
    (
      await gt.db
        .selectFrom('audit_log')
        .select('action')
        .where('organization_id', '=', organizationId)
        .orderBy('occurred_at')
        .orderBy('id')
        .execute()
    ).map((a) => a.action);

  it('imports 990 of 1,000 rows and reports exactly the 10 bad ones, by row and field', async () => {
    const { admin, organizationId } = await tenant('Bad rows');
    const bad = new Map<number, { field: string; cells: Partial<Record<string, string>> }>([
      [3, { field: 'email', cells: { email: 'not-an-email' } }],
      [77, { field: 'phone', cells: { phone: '12' } }],
      [150, { field: 'email', cells: { email: 'two@@example.com' } }],
      [299, { field: 'country', cells: { country: 'USA' } }],
      [300, { field: 'type', cells: { type: 'vip' } }],
      [301, { field: 'phone', cells: { phone: 'call me' } }],
      [512, { field: 'name', cells: { name: 'x'.repeat(201) } }],
      [640, { field: 'email', cells: { email: 'a b@example.com' } }],
      [888, { field: 'postal_code', cells: { postal_code: '1'.repeat(21) } }],
      [1000, { field: 'phone', cells: { phone: '+1 999' } }],
    ]);
    const header = ['name', 'email', 'phone', 'postal_code', 'country', 'type'];
    const rows = Array.from({ length: 1000 }, (_, k) => {
      const row = k + 1;
      const cells: Record<string, string> = {
        name: `Person ${row}`,
        email: `person${row}@example.com`,
        phone: phoneOf(row),
        postal_code: '94110',
        country: 'US',
        type: row % 3 === 0 ? 'Lead' : 'customer',
        ...bad.get(row)?.cells,
      };
      return header.map((h) => cells[h] ?? '');
    });
    const result = await admin.customers.import(csv([header, ...rows]), { batchSize: 300 });
    expect(result).toMatchObject({
      processed: 1000,
      created: 990,
      updated: 0,
      skipped: 0,
      failed: 10,
      batches: 4,
      errorsTruncated: false,
    });
    expect(result.errors.map((e) => ({ row: e.row, field: e.field }))).toEqual(
      [...bad].map(([row, { field }]) => ({ row, field })),
    );
    expect(result.errors.find((e) => e.row === 3)?.message).toBe('not a valid email address');
    expect(await countOf(organizationId)).toBe(990);
    const stored = await customersOf(organizationId);
    expect(stored.find((c) => c.email === 'person3@example.com')).toBeUndefined();
    expect(stored.find((c) => c.email === 'person2@example.com')).toMatchObject({
      name: 'Person 2',
      phone: e164Of(2),
      type: 'customer',
    });
    expect(stored.find((c) => c.email === 'person6@example.com')?.type).toBe('lead');
    // One audit row per batch, none per customer.
    expect((await auditActions(organizationId)).filter((a) => a.startsWith('customer.'))).toEqual(
      Array(4).fill('customer.import'),
    );
    // Every imported customer is queued for embedding, in the batch's own transaction.
    const queued = await gt.db
      .selectFrom('embedding_jobs')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('organization_id', '=', organizationId)
      .executeTakeFirstOrThrow();
    expect(Number(queued.n)).toBe(990);
  });

  it('maps headers explicitly, by field name and by common alias; reports ignored columns', async () => {
    const { admin, organizationId } = await tenant('Mapping');
    const file = csv([
      [
        'Full Name',
        'E-mail',
        'Phone Number',
        'Zip',
        'Town',
        'Kind',
        'Internal Ref',
        'Postal Code ',
      ],
      ['Ana Baker', 'ana@example.com', phoneOf(1), '94110', 'San Francisco', 'lead', 'X-1', ''],
    ]);
    const result = await admin.customers.import(file, { mapping: { kind: 'type' } });
    expect(result.columns).toEqual({
      'Full Name': 'name',
      'E-mail': 'email',
      'Phone Number': 'phone',
      // A header spelling the field name beats an alias of it.
      'Postal Code': 'postal_code',
      Town: 'city',
      Kind: 'type',
    });
    expect(result.ignoredColumns).toEqual(['Zip', 'Internal Ref']);
    expect(await customersOf(organizationId)).toMatchObject([
      { name: 'Ana Baker', email: 'ana@example.com', phone: e164Of(1), city: 'San Francisco' },
    ]);
    expect((await customersOf(organizationId))[0]?.type).toBe('lead');
    expect((await customersOf(organizationId))[0]?.postal_code).toBeNull();

    // `null` ignores a recognized column; an explicit entry wins over recognition.
    const second = await admin.customers.import(
      csv([
        ['Email', 'Zip', 'Mail'],
        ['ana@example.com', '10001', 'other@example.com'],
      ]),
      { mapping: { Zip: null, Mail: 'notes' } },
    );
    expect(second.columns).toEqual({ Email: 'email', Mail: 'notes' });
    expect(second.ignoredColumns).toEqual(['Zip']);

    const missing = await failure(
      admin.customers.import('Email\nana@example.com\n', { mapping: { 'Email Address': 'email' } }),
    );
    expect(missing.code).toBe('IMPORT_MAPPING_INVALID');
    expect(missing.details?.missing).toEqual(['email address']);
    const noKey = await failure(admin.customers.import('Name,City\nAna,Paris\n'));
    expect(noKey.code).toBe('IMPORT_MAPPING_INVALID');
    const twice = await failure(
      admin.customers.import('A,B\nx@example.com,y@example.com\n', {
        mapping: { A: 'email', B: 'email' },
      }),
    );
    expect(twice.code).toBe('IMPORT_MAPPING_INVALID');
    const unknownField = await failure(
      admin.customers.import('A\nx\n', { mapping: { A: 'shoe_size' as never } }),
    );
    expect(unknownField.code).toBe('VALIDATION_FAILED');
    expect(unknownField.message).toContain('mapping.A');
  });

  it('upserts by email first, then by phone (national formats match stored E.164); empty cells never erase', async () => {
    const { admin, organizationId } = await tenant('Upsert');
    const ana = await admin.customers.create({
      type: 'customer',
      name: 'Ana',
      email: 'Ana@Example.com',
      phone: '+14155550001',
      city: 'Paris',
      notes: 'keep me',
    });
    const bob = await admin.customers.create({
      type: 'customer',
      name: 'Bob',
      phone: '+16462014455',
    });
    const dora = await admin.customers.create({
      type: 'lead',
      name: 'Dora',
      phone: '030 12345678',
      country: 'DE',
    });
    clock.advance(60_000);
    const result = await admin.customers.import(
      csv([
        ['name', 'email', 'phone', 'city', 'notes', 'country'],
        // email, another case: updates Ana's city only (empty name/notes keep theirs)
        ['', 'ana@example.COM', '', 'Lyon', '', ''],
        // national US format of Bob's stored phone, no email: updates Bob
        ['', 'bob@example.com', '(646) 201-4455', '', '', ''],
        // a German national number read in the row's country finds Dora
        ['Dora K', '', '030 12345678', '', '', 'DE'],
        // email wins over phone: Ana's email + Bob's phone updates Ana, not Bob
        ['', 'ana@example.com', '(646) 201-4455', '', '', ''],
        // neither matches: created
        ['Eve', 'eve@example.com', phoneOf(9), '', '', ''],
      ]),
    );
    expect(result).toMatchObject({ processed: 5, created: 1, updated: 4, skipped: 0, failed: 0 });
    expect(await countOf(organizationId)).toBe(4);
    const after = await admin.customers.get(ana.id);
    expect(after).toMatchObject({
      name: 'Ana',
      email: 'Ana@Example.com',
      city: 'Lyon',
      notes: 'keep me',
      phone: '+16462014455',
    });
    expect(after.updated_at.getTime()).toBe(ana.updated_at.getTime() + 60_000);
    expect(await admin.customers.get(bob.id)).toMatchObject({
      name: 'Bob',
      email: 'bob@example.com',
      phone: '+16462014455',
    });
    expect(await admin.customers.get(dora.id)).toMatchObject({
      name: 'Dora K',
      phone: '+493012345678',
      type: 'lead',
    });
  });

  it('merges duplicates within a file: a later row updates the customer an earlier row created', async () => {
    const { admin, organizationId } = await tenant('Duplicates');
    const file = csv([
      ['name', 'email', 'phone', 'city'],
      ['Finn', 'finn@example.com', '', 'Oslo'],
      ['Gia', '', phoneOf(42), ''],
      ['Finn Larsen', 'FINN@example.com', '', ''],
      ['', '', '415.555.0042', 'Rome'],
      ['Finn Larsen', 'finn@example.com', '', ''],
    ]);
    const result = await admin.customers.import(file);
    expect(result).toMatchObject({ processed: 5, created: 2, updated: 2, skipped: 1, failed: 0 });
    expect(await customersOf(organizationId)).toMatchObject([
      { name: 'Finn Larsen', email: 'finn@example.com', city: 'Oslo' },
      { name: 'Gia', phone: e164Of(42), city: 'Rome' },
    ]);
    // Duplicates further apart than one batch merge the same way (through the database).
    const spread = await admin.customers.import(file, { batchSize: 2 });
    expect(spread).toMatchObject({ created: 0, failed: 0 });
    expect(await countOf(organizationId)).toBe(2);
  });

  it('is idempotent: the same file again creates 0, updates 0, bumps no updated_at and audits only itself', async () => {
    const { admin, organizationId } = await tenant('Idempotent');
    const rows = Array.from({ length: 120 }, (_, k) => [
      `Person ${k}`,
      k % 2 ? `p${k}@example.com` : '',
      k % 2 ? '' : phoneOf(k),
      k % 5 ? 'Austin' : '',
      k % 3 ? 'retail' : 'retail; VIP',
    ]);
    const file = csv([['name', 'email', 'phone', 'city', 'tags'], ...rows]);
    const first = await admin.customers.import(file, { tags: ['spring-fair'], batchSize: 50 });
    expect(first).toMatchObject({ processed: 120, created: 120, updated: 0, failed: 0 });
    const before = await customersOf(organizationId);
    const auditBefore = await auditActions(organizationId);
    const tagRowsBefore = await gt.db.selectFrom('customer_tags').select('tag_id').execute();

    clock.advance(3_600_000);
    const second = await admin.customers.import(file, { tags: ['spring-fair'], batchSize: 50 });
    expect(second).toMatchObject({
      processed: 120,
      created: 0,
      updated: 0,
      skipped: 120,
      failed: 0,
    });
    expect(await customersOf(organizationId)).toEqual(before);
    const auditAfter = await auditActions(organizationId);
    expect(auditAfter.slice(0, auditBefore.length)).toEqual(auditBefore);
    expect(auditAfter.slice(auditBefore.length)).toEqual(Array(3).fill('customer.import'));
    expect(await gt.db.selectFrom('customer_tags').select('tag_id').execute()).toHaveLength(
      tagRowsBefore.length,
    );

    // Changing one row changes exactly that customer.
    rows[7] = ['Person 7', 'p7@example.com', '', 'Dallas', 'retail'];
    const third = await admin.customers.import(
      csv([['name', 'email', 'phone', 'city', 'tags'], ...rows]),
    );
    expect(third).toMatchObject({ created: 0, updated: 1, skipped: 119 });
    const seven = (await customersOf(organizationId)).find((c) => c.email === 'p7@example.com');
    expect(seven?.city).toBe('Dallas');
    expect(seven?.updated_at.getTime()).toBe(clock.now().getTime());
  });

  it('applies tags from a column and the option through tags + customer_tags, mirrored into customers.tags', async () => {
    const { admin, organizationId } = await tenant('Tags');
    const existing = await admin.customers.create({
      type: 'customer',
      name: 'Ivy',
      email: 'ivy@example.com',
      tags: ['VIP'],
    });
    const result = await admin.customers.import(
      csv([
        ['email', 'name', 'tags', 'Labels'],
        ['ivy@example.com', '', 'vip, Wholesale', ''],
        ['jo@example.com', 'Jo', 'wholesale|b2b', 'north; vip'],
      ]),
      { tags: ['Fair 2026'] },
    );
    expect(result).toMatchObject({ created: 1, updated: 1 });
    expect(result.columns).toEqual({ email: 'email', name: 'name', tags: 'tags', Labels: 'tags' });
    const ivy = await admin.customers.get(existing.id);
    // Existing spellings are reused ('VIP'), case-insensitive duplicates collapse, nothing removed.
    expect([...ivy.tags].sort()).toEqual(['Fair 2026', 'VIP', 'Wholesale']);
    const jo = (await customersOf(organizationId)).find((c) => c.email === 'jo@example.com');
    expect([...(jo?.tags ?? [])].sort()).toEqual(['Fair 2026', 'VIP', 'Wholesale', 'b2b', 'north']);
    const tagNames = await gt.db
      .selectFrom('tags')
      .select('name')
      .where('organization_id', '=', organizationId)
      .orderBy('name')
      .execute();
    expect(tagNames.map((t) => t.name)).toEqual(['b2b', 'Fair 2026', 'north', 'VIP', 'Wholesale']);
    const listed = await admin.customers.list({ tags: ['vip', 'fair 2026'] });
    expect(listed.items).toHaveLength(2);
  });

  it('emits import.progress and calls onProgress after each committed batch', async () => {
    const { admin, organizationId } = await tenant('Progress');
    const events: Array<GreenTrackEventMap['import.progress']> = [];
    const listener = (payload: GreenTrackEventMap['import.progress']) => events.push(payload);
    gt.on('import.progress', listener);
    const calls: ImportProgress[] = [];
    try {
      const rows = Array.from({ length: 1000 }, (_, k) => [`P${k}`, `prog${k}@example.com`]);
      rows[10] = ['', 'bad'];
      await admin.customers.import(csv([['name', 'email'], ...rows]), {
        batchSize: 250,
        onProgress: (p) => calls.push(p),
      });
    } finally {
      gt.off('import.progress', listener);
    }
    expect(calls.map((c) => [c.batch, c.rows.from, c.rows.to, c.processed, c.failed])).toEqual([
      [1, 1, 250, 250, 1],
      [2, 251, 500, 500, 1],
      [3, 501, 750, 750, 1],
      [4, 751, 1000, 1000, 1],
    ]);
    expect(events).toHaveLength(4);
    expect(events[3]).toMatchObject({
      organizationId,
      importId: calls[0]?.importId,
      batch: 4,
      processed: 1000,
      created: 999,
      updated: 0,
      skipped: 0,
      errors: 1,
    });
  });

  it('streams: batches are committed while the source is still being produced', async () => {
    const { admin, organizationId } = await tenant('Streaming');
    const total = 20_000;
    const seenMidStream: number[] = [];
    let produced = 0;
    let producedAtFirstProgress: number | undefined;
    async function* source(): AsyncGenerator<string> {
      yield 'name,email\n';
      for (let i = 0; i < total; i += 100) {
        let chunk = '';
        for (let j = i; j < i + 100; j++) chunk += `Stream ${j},s${j}@example.com\n`;
        produced = i + 100;
        if (produced === 10_000) seenMidStream.push(await countOf(organizationId));
        yield chunk;
      }
    }
    const result = await admin.customers.import(source(), {
      batchSize: 1000,
      onProgress: () => {
        producedAtFirstProgress ??= produced;
      },
    });
    expect(result).toMatchObject({ processed: total, created: total, failed: 0, batches: 20 });
    // When the generator was half done, earlier batches were already in the database...
    expect(seenMidStream[0]).toBeGreaterThanOrEqual(5000);
    // ...and the first commit happened long before the end of the source (read-ahead is small).
    expect(producedAtFirstProgress).toBeLessThan(6000);
    expect(await countOf(organizationId)).toBe(total);
  });

  it('reads quoted fields with commas, quotes and newlines, a BOM and CRLF; numbers rows by record', async () => {
    const { admin, organizationId } = await tenant('Quoting');
    const file =
      '\uFEFFname,email,notes\r\n' +
      '"Baker, Ana",ana@example.com,"likes ""rye"",\r\nand spelt"\r\n' +
      '\r\n' +
      'Bo,bo@example,plain\r\n' +
      '"Cy ""C"" Doe",cy@example.com,\r\n';
    const result = await admin.customers.import(file);
    expect(result).toMatchObject({ processed: 3, created: 2, failed: 1 });
    // Row 2 is the second record after the header, whatever the line count before it.
    expect(result.errors).toEqual([
      { row: 2, field: 'email', message: 'not a valid email address' },
    ]);
    expect(result.columns).toEqual({ name: 'name', email: 'email', notes: 'notes' });
    const stored = await customersOf(organizationId);
    expect(stored.map((c) => [c.name, c.notes])).toEqual([
      ['Baker, Ana', 'likes "rye",\r\nand spelt'],
      ['Cy "C" Doe', null],
    ]);
  });

  it('rejects rows it cannot match or create, and wrong field counts, per row', async () => {
    const { admin } = await tenant('Row rules');
    const result = await admin.customers.import(
      'name,email,phone\n' +
        'No Key,,\n' +
        ',nobody@example.com,\n' +
        'Too,many@example.com,,extra\n' +
        ',,\n' +
        'Ok,ok@example.com,\n',
    );
    expect(result).toMatchObject({ processed: 5, created: 1, skipped: 1, failed: 3 });
    expect(result.errors).toEqual([
      { row: 1, message: 'needs an email or a phone: customers are matched on these' },
      {
        row: 2,
        field: 'name',
        message: 'required to create a customer (no customer has this email or phone)',
      },
      { row: 3, message: 'has 4 fields where the header has 3' },
    ]);
  });

  it('caps the error list, still counting every failed row', async () => {
    const { admin } = await tenant('Many errors');
    const rows = Array.from({ length: 30 }, (_, k) => [`N${k}`, `bad${k}`]);
    const result = await admin.customers.import(csv([['name', 'email'], ...rows]), {
      maxErrors: 5,
    });
    expect(result).toMatchObject({ failed: 30, errorsTruncated: true });
    expect(result.errors).toHaveLength(5);
  });

  it('stops at malformed CSV with IMPORT_MALFORMED_CSV, keeping committed batches', async () => {
    const { admin, organizationId } = await tenant('Malformed');
    async function* source() {
      yield 'name,email\n';
      for (let k = 0; k < 3000; k++) yield `${csvLine([`M${k}`, `m${k}@example.com`])}\n`;
      yield '"Unclosed,x@example.com\nmore,y@example.com\n';
    }
    const error = await failure(admin.customers.import(source(), { batchSize: 100 }));
    expect(error.code).toBe('IMPORT_MALFORMED_CSV');
    expect(error.details?.reason).toBe('CSV_QUOTE_NOT_CLOSED');
    // What was read before the bad spot may still sit in stream buffers when the parser
    // fails; what was committed is reported, and is exactly what is stored.
    const committed = error.details?.committed as { created: number; batches: number };
    expect(committed.batches).toBeGreaterThan(0);
    expect(await countOf(organizationId)).toBe(committed.created);
  });

  // Regression (issue 8, defect 1): totals were counted inside the batch's transaction, so
  // a batch that rolled back after counting was still reported in `details.committed`.
  it('reports in details.committed only batches that committed, not one that rolled back', async () => {
    const { admin, organizationId } = await tenant('Rolled back');
    // The audit row of batch 2 fails: after the batch's rows were written and counted, before
    // its commit.
    await sql`
      CREATE FUNCTION fail_second_import_batch() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.action = 'customer.import' AND NEW.organization_id = ${sql.lit(organizationId)}::uuid
           AND (NEW.after->>'batch')::int = 2 THEN
          RAISE EXCEPTION 'audit store down';
        END IF;
        RETURN NEW;
      END $$`.execute(gt.db);
    await sql`CREATE TRIGGER fail_second_import_batch BEFORE INSERT ON audit_log
      FOR EACH ROW EXECUTE FUNCTION fail_second_import_batch()`.execute(gt.db);
    try {
      const rows = Array.from({ length: 250 }, (_, k) => [`R${k}`, `rb${k}@example.com`]);
      const error = await failure(
        admin.customers.import(csv([['name', 'email'], ...rows]), { batchSize: 100 }),
      );
      expect(error.details?.committed).toMatchObject({ batches: 1, processed: 100, created: 100 });
      expect(await countOf(organizationId)).toBe(100);
    } finally {
      await sql`DROP TRIGGER fail_second_import_batch ON audit_log`.execute(gt.db);
      await sql`DROP FUNCTION fail_second_import_batch()`.execute(gt.db);
    }
  });

  // Regression (issue 8, finding 8): a NUL in a cell failed the whole batch as SQL (500),
  // after earlier batches had committed, without saying so.
  it("reports a NUL in a cell as that row's error; the other rows import", async () => {
    const { admin, organizationId } = await tenant('Nul cells');
    const rows = Array.from({ length: 1500 }, (_, k) => [`N${k}`, `nul${k}@example.com`]);
    rows.push(['Bad\u0000Name', 'nul-bad@example.com']);
    rows.push(['Fine', 'nul-fine@example.com']);
    const result = await admin.customers.import(csv([['name', 'email'], ...rows]));
    expect(result).toMatchObject({ created: 1501, failed: 1 });
    expect(result.errors).toEqual([
      { row: 1501, field: 'name', message: 'must not contain NUL characters' },
    ]);
    expect(await countOf(organizationId)).toBe(1501);
  });

  // Regression (issue 8, finding 8): csv-parse's INVALID_OPENING_QUOTE has no CSV_ prefix,
  // so it escaped as a 500, and csv-parse's message (with the cell's value) was logged.
  it('reports a stray quote as IMPORT_MALFORMED_CSV with committed counts, never the cell', async () => {
    const { admin, organizationId } = await tenant('Stray quote');
    async function* source() {
      yield 'name,email\n';
      for (let k = 0; k < 3000; k++) yield `${csvLine([`Q${k}`, `q${k}@example.com`])}\n`;
      yield 'secret-ab"cd,leak@example.com\n';
    }
    const error = await failure(admin.customers.import(source(), { batchSize: 100 }));
    expect(error.code).toBe('IMPORT_MALFORMED_CSV');
    expect(error.details).toMatchObject({ reason: 'INVALID_OPENING_QUOTE', line: 3002 });
    const committed = error.details?.committed as { created: number; batches: number };
    expect(committed.batches).toBeGreaterThan(0);
    expect(await countOf(organizationId)).toBe(committed.created);
    // Neither the message nor anything a logger would print carries the cell.
    expect(JSON.stringify(error.toJSON())).not.toContain('secret');
    expect(String(error.cause)).not.toContain('secret');
    expect(JSON.stringify(error.cause)).not.toContain('secret');
  });

  it('reads Node streams (a file on disk)', async () => {
    const { admin, organizationId } = await tenant('File');
    const dir = await mkdtemp(join(tmpdir(), 'gt-import-'));
    try {
      const path = join(dir, 'contacts.csv');
      await writeFile(
        path,
        csv([
          ['Name', 'Email'],
          ['Kai', 'kai@example.com'],
        ]),
      );
      const result = await admin.customers.import(createReadStream(path, { highWaterMark: 7 }));
      expect(result.created).toBe(1);
      expect(await countOf(organizationId)).toBe(1);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('needs admin: staff get FORBIDDEN and nothing is read', async () => {
    const { staff, organizationId } = await tenant('RBAC');
    let pulled = false;
    async function* source() {
      pulled = true;
      yield 'name,email\nZed,zed@example.com\n';
    }
    const error = await failure(staff.customers.import(source()));
    expect(error.code).toBe('FORBIDDEN');
    expect(pulled).toBe(false);
    expect(await countOf(organizationId)).toBe(0);
  });

  describe('over HTTP', () => {
    let admin: TenantFacade;
    let adminToken: string;
    let staffToken: string;
    let organizationId: string;

    beforeAll(async () => {
      const t = await tenant('HTTP import');
      admin = t.admin;
      organizationId = t.organizationId;
      adminToken = gt.tokens.issue({ userId: t.fixture.admin.id, organizationId });
      staffToken = gt.tokens.issue({ userId: t.fixture.staff.id, organizationId });
    });

    const post = (query: string, init: RequestInit & { token?: string } = {}) =>
      gt.handler(
        new Request(`http://host.test/api/greentrack/customers/import${query}`, {
          method: 'POST',
          ...init,
          headers: { authorization: `Bearer ${init.token ?? adminToken}`, ...init.headers },
        }),
      );

    it('imports a text/csv body larger than http.maxBodyBytes, with mapping and tags in the query', async () => {
      const rows = Array.from({ length: 600 }, (_, k) => [
        `Web ${k}`,
        `web${k}@example.com`,
        'Boise',
      ]);
      const body = csv([['Customer', 'Email Address', 'Town'], ...rows]);
      expect(body.length).toBeGreaterThan(16 * 1024);
      const mapping = encodeURIComponent(JSON.stringify({ Customer: 'name' }));
      const res = await post(`?mapping=${mapping}&tags=web,import&default_type=lead`, {
        headers: { 'content-type': 'text/csv; charset=utf-8' },
        body,
      });
      expect(res.status).toBe(200);
      const result = (await res.json()) as ImportResult;
      expect(result).toMatchObject({
        processed: 600,
        created: 600,
        failed: 0,
        errorsTruncated: false,
      });
      expect(result.columns).toEqual({ Customer: 'name', 'Email Address': 'email', Town: 'city' });
      const page = await admin.customers.list({
        tags: ['web', 'import'],
        type: 'lead',
        include_total: true,
      });
      expect(page.total).toBe(600);
    });

    it('imports the file part of a multipart/form-data upload', async () => {
      const form = new FormData();
      form.append('note', 'fields before the file are skipped');
      form.append(
        'file',
        new Blob(
          [
            csv([
              ['name', 'e-mail'],
              ['Multi Part', 'multi@example.com'],
            ]),
          ],
          { type: 'text/csv' },
        ),
        'contacts.csv',
      );
      const res = await post('?tags=upload', { body: form });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ processed: 1, created: 1 });
      const page = await admin.customers.list({ tags: ['upload'] });
      expect(page.items.map((c) => c.email)).toEqual(['multi@example.com']);

      const noFile = new FormData();
      noFile.append('other', new Blob(['name,email\n']), 'x.csv');
      const missing = await post('', { body: noFile });
      expect(missing.status).toBe(400);
      expect(((await missing.json()) as { error: { code: string } }).error.code).toBe(
        'IMPORT_FILE_MISSING',
      );
    });

    it('streams a chunked body (no Content-Length) and caps it at http.maxImportBytes with 413', async () => {
      const line = `${'x'.repeat(60)},cap@example.com\n`;
      const chunks = Array.from({ length: 5000 }, () => line); // ~380 KiB > 256 KiB
      const stream = new ReadableStream<Uint8Array>({
        start(controller) {
          const encoder = new TextEncoder();
          controller.enqueue(encoder.encode('name,email\n'));
          for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
          controller.close();
        },
      });
      const res = await post('', {
        headers: { 'content-type': 'text/csv' },
        body: stream,
        duplex: 'half',
      } as RequestInit);
      expect(res.status).toBe(413);
      const body = (await res.json()) as { error: { code: string } };
      expect(body.error.code).toBe('PAYLOAD_TOO_LARGE');

      const declared = await post('', {
        headers: { 'content-type': 'text/csv', 'content-length': String(300 * 1024) },
        body: `name,email\n${chunks.join('')}`.slice(0, 300 * 1024),
      });
      expect(declared.status).toBe(413);
    });

    // Regression (issue 8, finding 8): a body cut before the closing boundary was a 500.
    it('answers a truncated multipart body with 400 and committed counts', async () => {
      const boundary = 'gtboundary';
      const body = [
        `--${boundary}`,
        'Content-Disposition: form-data; name="file"; filename="c.csv"',
        'Content-Type: text/csv',
        '',
        'name,email',
        'Cut Short,cut@example.com',
      ].join('\r\n');
      const res = await post('', {
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
        body,
      });
      const text = await res.text();
      expect(res.status, text).toBe(400);
      expect(JSON.parse(text)).toMatchObject({
        error: { code: 'VALIDATION_FAILED', details: { committed: { batches: 0 } } },
      });
    });

    it('is reachable through the typed client', async () => {
      const api = createClient({
        baseUrl: 'http://host.test/api/greentrack',
        token: adminToken,
        fetch: (input, init) => gt.handler(new Request(input, init)),
      });
      const result = await api.customers.import(
        new Blob([
          csv([
            ['Name', 'Mail'],
            ['Client Row', 'client@example.com'],
            ['Bad', 'nope'],
          ]),
        ]),
        { mapping: { Mail: 'email' }, tags: ['via-client'], defaultType: 'lead' },
      );
      expect(result).toMatchObject({
        created: 1,
        failed: 1,
        columns: { Name: 'name', Mail: 'email' },
      });
      expect(result.errors).toEqual([
        { row: 2, field: 'email', message: 'not a valid email address' },
      ]);
      const page = await admin.customers.list({ tags: ['via-client'], type: 'lead' });
      expect(page.items.map((c) => c.name)).toEqual(['Client Row']);
    });

    it('answers a wrong content type with 415, bad query with 400, and staff with 403', async () => {
      const json = await post('', {
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'x' }),
      });
      expect(json.status).toBe(415);
      expect(await json.json()).toMatchObject({
        error: { code: 'IMPORT_UNSUPPORTED_MEDIA_TYPE' },
      });
      const latin1 = await post('', {
        headers: { 'content-type': 'text/csv; charset=iso-8859-1' },
        body: 'name,email\n',
      });
      expect(latin1.status).toBe(415);
      const badMapping = await post('?mapping=notjson', {
        headers: { 'content-type': 'text/csv' },
        body: 'name,email\n',
      });
      expect(badMapping.status).toBe(400);
      expect(await badMapping.json()).toMatchObject({
        error: { code: 'VALIDATION_FAILED', details: { issues: [{ path: 'mapping' }] } },
      });
      const badHeader = await post('', {
        headers: { 'content-type': 'text/csv' },
        body: 'name\nx\n',
      });
      expect(badHeader.status).toBe(400);
      expect(await badHeader.json()).toMatchObject({ error: { code: 'IMPORT_MAPPING_INVALID' } });
      const before = await countOf(organizationId);
      const forbidden = await post('', {
        token: staffToken,
        headers: { 'content-type': 'text/csv' },
        body: 'name,email\nStaff,staff-import@example.com\n',
      });
      expect(forbidden.status).toBe(403);
      expect(await forbidden.json()).toMatchObject({ error: { code: 'FORBIDDEN' } });
      expect(await countOf(organizationId)).toBe(before);
    });
  });
});
