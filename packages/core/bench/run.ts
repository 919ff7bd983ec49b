/**
 * `pnpm bench [name-prefix ...]`: runs the benchmarks against `DATABASE_URL` (a real
 * Postgres — the figures that matter) or, when unset, embedded PGlite (smaller, for a
 * smoke run). Each benchmark gets its own freshly migrated database. Prints every figure
 * beside its baseline and writes `bench-results.json` at the repo root.
 */
import { createGreenTrack } from '../src/greentrack.js';
import { benches } from './benches.js';
import {
  type BenchFigure,
  benchInstanceOptions,
  printFigure,
  saveFigures,
  withBenchDatabase,
} from './harness.js';

async function main(): Promise<void> {
  const filters = process.argv.slice(2);
  const selected = benches.filter(
    (b) => filters.length === 0 || filters.some((f) => b.name.startsWith(f)),
  );
  const url = process.env.DATABASE_URL;
  const figures: BenchFigure[] = [];
  console.log(
    `GreenTrack benchmarks on ${url ? 'PostgreSQL (DATABASE_URL)' : 'embedded PGlite (set DATABASE_URL for real figures)'}`,
  );

  for (const bench of selected) {
    console.log(`\n## ${bench.name}: ${bench.description}`);
    await withBenchDatabase(url, async (databaseUrl) => {
      const gt = await createGreenTrack(benchInstanceOptions(databaseUrl));
      try {
        await gt.migrate();
        await bench.run({
          gt,
          db: gt.db,
          dialect: gt.dialect,
          ...(databaseUrl ? { databaseUrl } : {}),
          record: (figure) => {
            const full = { ...figure, db: gt.dialect };
            figures.push(full);
            printFigure(full);
          },
          log: (line) => console.log(`  ${line}`),
        });
      } finally {
        await gt.close();
      }
    });
  }

  await saveFigures(figures);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
