/**
 * `crm.import`: a 100k-row CSV streamed from disk through `org.customers.import`.
 *
 * Figure: rows/s of the whole path — file stream → csv-parse → per-row validation with the
 * API's rules → upsert lookup by email/phone → set-based INSERT/UPDATE + tags + one audit
 * row per 1000-row batch. Baseline, measured in the same run: the same rows, already
 * normalized and held in memory, written into a second organization by plain multi-row
 * `INSERT … VALUES` statements (1000 rows each) in one transaction — the fastest plain-SQL
 * way short of COPY, with no parsing, validation, matching, tags or audit.
 * ratio = import ÷ raw (1.0 = as fast as raw INSERTs).
 *
 * `crm.import.peak_rss`: the process' peak RSS (VmHWM) after the import vs its RSS just
 * before it; ratio = before ÷ peak (1.0 = the import needed no memory at all). The file is
 * written and read as streams, so a bounded import keeps this flat whatever the row count.
 * (On PGlite the database lives in the same process, so its memory is counted too.)
 *
 * `GREENTRACK_BENCH_SCALE` scales the row count (default 1 on Postgres, 0.05 on PGlite).
 */
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Insertable, sql } from 'kysely';
import { normalizeEmail, normalizePhone } from '../src/customers/index.js';
import type { CustomersTable } from '../src/db/types.js';
import { timed } from './harness.js';
import { type Bench, peakRssMiB, prng } from './lib.js';

const FIRST = [
  'Ana',
  'Bo',
  'Carla',
  'Dan',
  'Eve',
  'Finn',
  'Gus',
  'Hana',
  'Ines',
  'Jon',
  'Kai',
  'Lea',
  'Max',
  'Nia',
  'Oto',
  'Pia',
  'Quin',
  'Rosa',
  'Sam',
  'Tea',
  'Uma',
  'Vik',
  'Wen',
  'Yara',
  'Zoe',
  'Amir',
  'Beatriz',
  'Chen',
  'Dmitri',
  'Elif',
  'Fatima',
  'Goran',
  'Hiro',
  'Ivan',
];
const LAST = [
  'Martin',
  'Stone',
  'Diaz',
  'Baker',
  'Novak',
  'Kowalski',
  'Silva',
  'Rossi',
  'Meyer',
  'Dubois',
  'Jensen',
  'Larsen',
  'Horvat',
  'Nagy',
  'Popescu',
  'Ivanov',
  'Moreau',
  'Costa',
  'Weber',
  'Fischer',
  "O'Brien",
  'Nguyen',
  'Kim',
  'Garcia',
  'Smith',
  'Müller',
  'Yilmaz',
];
const DOMAINS = ['example.com', 'mail.example', 'shop.example.org', 'corp.example.net'];
/**
 * [city, state, postal code, country, phone template]: each `#######` is filled with 7 digits
 * unique to the row, in the national or international format people type.
 */
const PLACES: Array<[string, string, string, string, string]> = [
  ['San Francisco', 'CA', '94110', 'US', '(415) ###-####'],
  ['Austin', 'TX', '78701', 'US', '512-###-####'],
  ['New York', 'NY', '10001', 'US', '+1 646 ### ####'],
  ['Seattle', 'WA', '98101', 'US', '206.###.####'],
  ['Chicago', 'IL', '60601', 'US', '(312) ###-####'],
  ['Denver', 'CO', '80202', 'US', '303 ### ####'],
  ['Boston', 'MA', '02108', 'US', '(617) ###-####'],
  ['Miami', 'FL', '33101', 'US', '305-###-####'],
  ['Berlin', '', '10115', 'DE', '030 3#######'],
  ['Lyon', '', '69001', 'FR', '06 1# ## ## ##'],
  ['London', '', 'SW1A 1AA', 'GB', '020 7### ####'],
];
const STREETS = [
  'Main St',
  'Oak Ave',
  'Market St',
  'Elm St',
  'Park Rd',
  'Hauptstraße',
  'Rue Neuve',
];
const TAGS = [
  'vip',
  'wholesale',
  'newsletter',
  'retail',
  'b2b',
  'spring-fair',
  'loyalty',
  'online',
];

interface GeneratedRow {
  /** The CSV cells, as a person would type them. */
  cells: string[];
  /** Tag names of the row (for the raw variant with tag links). */
  tags: string[];
  /** The values the API would store for them (the baseline writes these). */
  stored: {
    type: 'customer' | 'lead';
    name: string;
    email: string | null;
    phone: string | null;
    address_line1: string;
    city: string;
    state: string | null;
    postal_code: string;
    country: string;
    notes: string | null;
  };
}

const HEADER = [
  'Full Name',
  'E-mail',
  'Phone Number',
  'Address',
  'City',
  'State',
  'Zip',
  'Country',
  'Type',
  'Tags',
  'Notes',
];

/** Row `i` of the file; the same `i` always gives the same row. Emails and phones are unique. */
function* generateRows(count: number): Generator<GeneratedRow> {
  const random = prng(20260501);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  for (let i = 0; i < count; i++) {
    const first = pick(FIRST);
    const last = pick(LAST);
    const [city, state, postal, country, template] = pick(PLACES);
    // A bijection of i onto 2000000..9999999 (a US exchange starts with 2-9), so no two
    // rows share a phone — a shared one would match (upsert) instead of create.
    const digits = String(2_000_000 + ((i * 7919 + 1_234_567) % 8_000_000));
    let next = 0;
    const phoneRaw = template.replace(/#/g, () => digits[next++] ?? '0');
    const validPhone = normalizePhone(phoneRaw, country);
    const hasPhone = validPhone !== null && random() > 0.2;
    // 3% have no email; a row needs an email or a phone to be importable.
    const hasEmail = !hasPhone || random() > 0.03;
    const emailRaw = hasEmail
      ? `${first}.${last.replace(/\W/g, '')}${i}@${pick(DOMAINS)}`.toLowerCase()
      : '';
    const tags = TAGS.filter(() => random() < 0.18);
    const type = random() < 0.2 ? 'lead' : 'customer';
    const notes = random() < 0.1 ? `Met at "${pick(TAGS)}" event, ${city}` : '';
    const address = `${1 + Math.floor(random() * 999)} ${pick(STREETS)}`;
    const phone = hasPhone ? validPhone : null;
    const email = hasEmail ? normalizeEmail(emailRaw) : null;
    yield {
      cells: [
        `${first} ${last}`,
        emailRaw,
        phone ? phoneRaw : '',
        address,
        city,
        state,
        postal,
        country,
        type === 'lead' ? 'Lead' : 'Customer',
        tags.join('; '),
        notes,
      ],
      tags,
      stored: {
        type,
        name: `${first} ${last}`,
        email,
        phone,
        address_line1: address,
        city,
        state: state || null,
        postal_code: postal,
        country,
        notes: notes || null,
      },
    };
  }
}

function csvLine(cells: readonly string[]): string {
  return cells.map((c) => (/[",\r\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',');
}

/** Writes the CSV as a stream: the whole file never exists in memory. */
async function writeCsv(path: string, count: number): Promise<number> {
  const out = createWriteStream(path);
  let valid = 0;
  out.write(`${csvLine(HEADER)}\n`);
  let chunk = '';
  for (const row of generateRows(count)) {
    if (row.stored.email || row.stored.phone) valid += 1;
    chunk += `${csvLine(row.cells)}\n`;
    if (chunk.length > 64 * 1024) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
  return valid;
}

const MiB = 1024 * 1024;

export const crmImportBench: Bench = {
  name: 'crm.import',
  description:
    '100k-row CSV streamed through customers.import vs raw multi-row INSERTs of the same rows',
  async run({ gt, db, dialect, record, log }) {
    const scale = Number(process.env.GREENTRACK_BENCH_SCALE ?? (dialect === 'postgres' ? 1 : 0.05));
    const rows = Math.max(1000, Math.round(100_000 * scale));
    const dir = await mkdtemp(join(tmpdir(), 'gt-bench-import-'));
    try {
      const file = join(dir, 'customers.csv');
      const expected = await writeCsv(file, rows);
      log(`generated ${rows} rows (${((await stat(file)).size / MiB).toFixed(1)} MiB CSV)`);

      const owner = await gt.users.create({ email: 'bench-import@example.com', name: 'Bench' });
      const importOrg = await gt.organizations.create({ name: 'Import', ownerUserId: owner.id });
      const rawOrg = await gt.organizations.create({ name: 'Raw', ownerUserId: owner.id });
      const rawTagsOrg = await gt.organizations.create({ name: 'Raw+tags', ownerUserId: owner.id });
      const org = gt.as({ userId: owner.id, organizationId: importOrg.organization.id });

      const rssBefore = process.memoryUsage().rss / MiB;
      const imported = await timed(() => org.customers.import(createReadStream(file)));
      const peak = await peakRssMiB();
      const result = imported.result;
      if (result.created !== expected || result.failed !== 0) {
        throw new Error(
          `import created ${result.created} of ${expected} (failed ${result.failed}: ${JSON.stringify(result.errors.slice(0, 3))})`,
        );
      }
      const links = await sql<{ n: string }>`
        SELECT count(*) AS n FROM customer_tags ct JOIN tags t ON t.id = ct.tag_id
        WHERE t.organization_id = ${importOrg.organization.id}`.execute(db);
      log(
        `import: ${result.created} customers, ${links.rows[0]?.n} tag links, ${result.batches} batches in ${(imported.ms / 1000).toFixed(1)} s`,
      );

      // The same file again: every row matched and found unchanged (nothing written).
      const again = await timed(() => org.customers.import(createReadStream(file)));
      log(
        `re-import (idempotent): created ${again.result.created}, updated ${again.result.updated}, skipped ${again.result.skipped} in ${(again.ms / 1000).toFixed(1)} s (${Math.round(rows / (again.ms / 1000))} rows/s)`,
      );

      // Baseline: the same normalized rows, prepared in memory first (not timed), then
      // plain multi-row INSERTs of 1000 rows in one transaction.
      const now = new Date();
      const values: Array<Insertable<CustomersTable>> = [];
      const tagsOf: string[][] = [];
      for (const { stored, tags } of generateRows(rows)) {
        if (!stored.email && !stored.phone) continue;
        tagsOf.push(tags);
        values.push({
          ...stored,
          organization_id: rawOrg.organization.id,
          address_line2: null,
          external_zeroinvoice_customer_id: null,
          created_at: now,
          updated_at: now,
        });
      }
      const raw = await timed(() =>
        db.transaction().execute(async (trx) => {
          for (let i = 0; i < values.length; i += 1000) {
            await trx
              .insertInto('customers')
              .values(values.slice(i, i + 1000))
              .execute();
          }
        }),
      );
      log(`raw INSERT: ${values.length} customers in ${(raw.ms / 1000).toFixed(1)} s`);

      // For context only (not the recorded baseline): the same raw INSERTs plus the tag
      // links the import writes, whose statement trigger rewrites each tagged customer's
      // `customers.tags` mirror — the import pays that too.
      const rawTagsOrgId = rawTagsOrg.organization.id;
      const withTags = await timed(() =>
        db.transaction().execute(async (trx) => {
          const tagRows = await trx
            .insertInto('tags')
            .values(TAGS.map((name) => ({ organization_id: rawTagsOrgId, name })))
            .returning(['id', 'name'])
            .execute();
          const tagId = new Map(tagRows.map((t) => [String(t.name), t.id]));
          for (let i = 0; i < values.length; i += 1000) {
            const ids = await trx
              .insertInto('customers')
              .values(
                values.slice(i, i + 1000).map((v) => ({ ...v, organization_id: rawTagsOrgId })),
              )
              .returning('id')
              .execute();
            const links = ids.flatMap(({ id }, k) =>
              (tagsOf[i + k] ?? []).map((name) => ({
                customer_id: id,
                tag_id: tagId.get(name) ?? '',
              })),
            );
            if (links.length) await trx.insertInto('customer_tags').values(links).execute();
          }
        }),
      );
      log(
        `raw INSERT + tag links (context): ${values.length} customers in ${(withTags.ms / 1000).toFixed(1)} s (${Math.round(values.length / (withTags.ms / 1000))} rows/s; import ÷ this = ${(rows / (imported.ms / 1000) / (values.length / (withTags.ms / 1000))).toFixed(3)})`,
      );

      const value = rows / (imported.ms / 1000);
      const baseline = values.length / (raw.ms / 1000);
      record({
        name: 'crm.import',
        value,
        unit: 'rows/s',
        baseline,
        ratio: value / baseline,
        note: `${rows} rows streamed from a file, incl. parse, validation, upsert lookup, ${links.rows[0]?.n} tag links, audit; baseline = raw multi-row INSERT of customers only; ratio = import ÷ raw`,
      });
      record({
        name: 'crm.import.peak_rss',
        value: peak,
        unit: 'MiB',
        baseline: rssBefore,
        ratio: rssBefore / peak,
        note: `peak RSS (VmHWM) after the import vs RSS before it; ratio = before ÷ peak${dialect === 'pglite' ? '; PGlite runs in-process' : ''}`,
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
};
