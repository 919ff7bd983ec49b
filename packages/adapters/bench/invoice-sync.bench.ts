/**
 * `invoices.sync`: `org.invoices.sync()` of 50k ZeroInvoice invoices with 200k items from the
 * local ZeroInvoice server (`test/zeroinvoice-server.ts`, real HTTP, pages of 1000) into the
 * cache, through this adapter's real client — login, paging, JSON, decimal → cents, staging,
 * the set-based merge, cursor, audit.
 *
 * Figure: rows/s (invoices + items) of the whole path. Baseline, in the same run: the same
 * rows, already mapped and held in memory, written into a second organization by plain
 * multi-row `INSERT … VALUES` (1000 invoices, then their items, per statement pair) in one
 * transaction — no HTTP, no mapping, no staging, no conflict handling. ratio = sync ÷ raw.
 *
 * Also reported (log lines): a second, incremental sync with nothing new, and a `full`
 * re-read of everything that writes nothing.
 *
 * Lives in the adapters package: core's benches cannot import an adapter. `pnpm bench`
 * (root) runs core's benches, then this one; both merge their figures into
 * `bench-results.json`. `GREENTRACK_BENCH_SCALE` scales the invoice count (default 1 on
 * Postgres, 0.05 on PGlite).
 *
 * Run: `DATABASE_URL=postgres://… pnpm --filter @greentrack/adapters bench`
 */
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createGreenTrack, type SourceInvoice } from '@greentrack/core';
import { sql } from 'kysely';
import pg from 'pg';
import { zeroInvoice } from '../src/zeroinvoice/index.js';
import { startZeroInvoiceServer } from '../test/zeroinvoice-server.js';

const NAME = 'invoices.sync';
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

interface BenchFigure {
  name: string;
  db: 'postgres' | 'pglite';
  value: number;
  unit: string;
  baseline: number;
  ratio: number;
  note?: string;
}

async function admin(url: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const start = process.hrtime.bigint();
  const result = await work();
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, result };
}

async function main(): Promise<void> {
  const filters = process.argv.slice(2);
  if (filters.length > 0 && !filters.some((f) => NAME.startsWith(f) || f.startsWith(NAME))) return;
  const url = process.env.DATABASE_URL;
  const scale = Number(process.env.GREENTRACK_BENCH_SCALE ?? (url ? 1 : 0.05));
  const invoiceCount = Math.round(50_000 * scale);
  console.log(
    `\n## ${NAME}: sync of ${invoiceCount} invoices (×4 items) from a local ZeroInvoice server`,
  );

  const server = await startZeroInvoiceServer();
  const generated = await timed(async () =>
    server.generate({
      invoices: invoiceCount,
      itemsPerInvoice: 4,
      clients: Math.ceil(invoiceCount / 10),
    }),
  );
  console.log(`  generated in ${generated.ms.toFixed(0)} ms`);

  const database = `gt_bench_${randomBytes(4).toString('hex')}`;
  const databaseUrl = url
    ? Object.assign(new URL(url), { pathname: `/${database}` }).toString()
    : undefined;
  if (url) await admin(url, `CREATE DATABASE ${database}`);
  const connector = zeroInvoice({ baseUrl: server.url, pageSize: 1000 });
  const gt = await createGreenTrack({
    database: databaseUrl ? { url: databaseUrl, maxConnections: 4 } : { inMemory: true },
    secret: 'benchmark-secret-benchmark-secret-0123',
    providers: { invoices: connector },
  });
  const figures: BenchFigure[] = [];
  try {
    await gt.migrate();
    const owner = await gt.users.create({ email: 'owner@bench.example', name: 'Owner' });
    const makeOrg = async (name: string) =>
      (await gt.organizations.create({ name, ownerUserId: owner.id })).organization.id;
    const syncOrg = await makeOrg('Sync');
    const rawOrg = await makeOrg('Raw');
    const org = gt.as({ userId: owner.id, organizationId: syncOrg });
    const credentials = { username: server.username, password: server.password };
    await org.integrations.create({ provider: 'zeroinvoice', credentials });

    // The baseline's rows: the same invoices, fetched and mapped before the clock starts.
    const mapped: SourceInvoice[] = [];
    for await (const page of connector.connect(credentials).invoices({ cursor: null }))
      mapped.push(...page.invoices);
    const rows = mapped.length + mapped.reduce((n, i) => n + i.items.length, 0);

    const sync = await timed(() => org.invoices.sync());
    console.log(`  sync: ${JSON.stringify(sync.result)} in ${sync.ms.toFixed(0)} ms`);
    const again = await timed(() => org.invoices.sync());
    console.log(
      `  incremental, nothing new: ${JSON.stringify(again.result)} in ${again.ms.toFixed(0)} ms`,
    );
    const full = await timed(() => org.invoices.sync({ full: true }));
    console.log(
      `  full re-read, nothing changed: ${JSON.stringify(full.result)} in ${full.ms.toFixed(0)} ms`,
    );

    const raw = await timed(() =>
      gt.database
        .tenant(rawOrg)
        .transaction()
        .execute(async (trx) => {
          for (let start = 0; start < mapped.length; start += 1000) {
            const batch = mapped.slice(start, start + 1000);
            const ids = await trx
              .insertInto('zeroinvoice_invoices_cache')
              .values(
                batch.map((i) => ({
                  organization_id: rawOrg,
                  external_invoice_id: i.externalInvoiceId,
                  external_customer_id: i.externalCustomerId,
                  status: i.status,
                  currency: i.currency,
                  subtotal_cents: i.subtotalCents,
                  tax_cents: i.taxCents,
                  total_cents: i.totalCents,
                  amount_due_cents: i.amountDueCents,
                  due_date: i.dueDate,
                  snapshot: JSON.stringify(i.raw),
                })),
              )
              .returning(['id', 'external_invoice_id'])
              .execute();
            const idOf = new Map(ids.map((r) => [r.external_invoice_id, r.id]));
            await trx
              .insertInto('zeroinvoice_invoice_items_cache')
              .values(
                batch.flatMap((i) =>
                  i.items.map((item) => ({
                    invoice_id: idOf.get(i.externalInvoiceId) as string,
                    name: item.name,
                    description: item.description,
                    quantity: item.quantity,
                    unit_price_cents: item.unitPriceCents,
                    total_cents: item.totalCents,
                    position: item.position,
                  })),
                ),
              )
              .execute();
          }
        }),
    );
    const check = await sql<{
      n: number;
    }>`SELECT count(*)::int AS n FROM zeroinvoice_invoice_items_cache`.execute(
      gt.database.tenant(syncOrg),
    );
    console.log(
      `  raw INSERT: ${raw.ms.toFixed(0)} ms; items cached by the sync: ${check.rows[0]?.n}`,
    );

    const value = rows / (sync.ms / 1000);
    const baseline = rows / (raw.ms / 1000);
    figures.push({
      name: NAME,
      db: gt.dialect,
      value,
      unit: 'rows/s',
      baseline,
      ratio: value / baseline,
      note: `${mapped.length} invoices + ${rows - mapped.length} items over HTTP; baseline = multi-row INSERT of the mapped rows; ratio = sync ÷ raw`,
    });
    figures.push({
      name: `${NAME}.unchanged_full`,
      db: gt.dialect,
      value: rows / (full.ms / 1000),
      unit: 'rows/s',
      baseline,
      ratio: rows / (full.ms / 1000) / baseline,
      note: 'full re-read that writes nothing (every invoice unchanged) vs the raw INSERT',
    });
    for (const f of figures)
      console.log(
        `  ${f.name.padEnd(32)} ${f.value.toFixed(2).padStart(12)} ${f.unit.padEnd(8)} baseline ${f.baseline.toFixed(2).padStart(12)}  ratio ${f.ratio.toFixed(3)}`,
      );
  } finally {
    await gt.close();
    await server.close();
    if (url) await admin(url, `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  }

  // Same merge as core's bench runner: a figure measured now replaces its earlier value.
  const out = join(repoRoot, 'bench-results.json');
  const earlier = await readFile(out, 'utf8')
    .then((text) => JSON.parse(text) as BenchFigure[])
    .catch(() => [] as BenchFigure[]);
  const fresh = new Set(figures.map((f) => `${f.db}:${f.name}`));
  const merged = [...earlier.filter((f) => !fresh.has(`${f.db}:${f.name}`)), ...figures];
  await writeFile(out, `${JSON.stringify(merged, null, 2)}\n`);
  console.log(`\nWrote ${figures.length} figure(s) to ${out} (${merged.length} in all)`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
