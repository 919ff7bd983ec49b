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
import { createGreenTrack, type GreenTrack, type SourceInvoice } from '@greentrack/core';
import { sql } from 'kysely';
// Core's bench harness by relative path: a dev-only script, so no package dependency.
import {
  type BenchFigure,
  benchInstanceOptions,
  printFigure,
  saveFigures,
  timed,
  withBenchDatabase,
} from '../../core/bench/harness.js';
import { zeroInvoice } from '../src/zeroinvoice/index.js';
import { startZeroInvoiceServer, type ZeroInvoiceServer } from '../test/zeroinvoice-server.js';
import { selected } from './results.js';

const NAME = 'invoices.sync';

/** The `invoices.sync` benchmark (run by `bench/run.ts`). */
export async function invoiceSyncBench(): Promise<void> {
  if (!selected(NAME)) return;
  const url = process.env.DATABASE_URL;
  const scale = Number(process.env.GREENTRACK_BENCH_SCALE ?? (url ? 1 : 0.05));
  const invoiceCount = Math.round(50_000 * scale);
  console.log(
    `\n## ${NAME}: sync of ${invoiceCount} invoices (×4 items) from a local ZeroInvoice server`,
  );

  const server = await startZeroInvoiceServer();
  try {
    const generated = await timed(async () =>
      server.generate({
        invoices: invoiceCount,
        itemsPerInvoice: 4,
        clients: Math.ceil(invoiceCount / 10),
      }),
    );
    console.log(`  generated in ${generated.ms.toFixed(0)} ms`);
    const figures = await withBenchDatabase(url, async (databaseUrl) => {
      const connector = zeroInvoice({ baseUrl: server.url, pageSize: 1000 });
      const gt = await createGreenTrack({
        ...benchInstanceOptions(databaseUrl),
        providers: { invoices: connector },
      });
      try {
        return await measure(gt, connector, server);
      } finally {
        await gt.close();
      }
    });
    for (const figure of figures) printFigure(figure);
    await saveFigures(figures);
  } finally {
    await server.close();
  }
}

/** The sync, then the raw INSERT of the same rows, on a migrated, empty instance. */
async function measure(
  gt: GreenTrack,
  connector: ReturnType<typeof zeroInvoice>,
  server: ZeroInvoiceServer,
): Promise<BenchFigure[]> {
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
  return [
    {
      name: NAME,
      db: gt.dialect,
      value,
      unit: 'rows/s',
      baseline,
      ratio: value / baseline,
      note: `${mapped.length} invoices + ${rows - mapped.length} items over HTTP; baseline = multi-row INSERT of the mapped rows; ratio = sync ÷ raw`,
    },
    {
      name: `${NAME}.unchanged_full`,
      db: gt.dialect,
      value: rows / (full.ms / 1000),
      unit: 'rows/s',
      baseline,
      ratio: rows / (full.ms / 1000) / baseline,
      note: 'full re-read that writes nothing (every invoice unchanged) vs the raw INSERT',
    },
  ];
}
