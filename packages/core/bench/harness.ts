/**
 * What every benchmark runner shares: a database of its own per benchmark, the figure
 * line it prints, and the merge into `bench-results.json` at the repo root.
 *
 * Used by core's runner (`run.ts`) and, by relative path, by the adapters' benches
 * (`packages/adapters/bench/results.ts`; core's benches cannot import an adapter). For that
 * reason it imports nothing from core's `src` (only the test kit's database helpers, which
 * need `pg` alone): the adapters package type-checks it as one of its own files, and gains
 * no dependency for it.
 */
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { adminStatement, withDatabase } from '../test/target.js';

/** One measured figure, as written to bench-results.json. */
export interface BenchFigure {
  name: string;
  db: 'postgres' | 'pglite';
  value: number;
  unit: string;
  baseline: number;
  /**
   * value ÷ baseline for rates (higher is better, e.g. rows/s), baseline ÷ value for
   * latencies — so ≥ 1 always means "at least as good as the baseline". Stated per figure
   * in `note`.
   */
  ratio: number;
  note?: string;
}

const resultsFile = join(
  resolve(dirname(fileURLToPath(import.meta.url)), '../../..'),
  'bench-results.json',
);

/** Wall time of `work` in milliseconds. */
export async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const start = process.hrtime.bigint();
  const result = await work();
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, result };
}

/**
 * Runs `work` with a fresh database of its own: on the server of `url` (`DATABASE_URL`)
 * a new `gt_bench_…` database, dropped afterwards even if `work` throws; without a `url`,
 * `work` gets `undefined` and uses embedded PGlite in memory.
 */
export async function withBenchDatabase<T>(
  url: string | undefined,
  work: (databaseUrl: string | undefined) => Promise<T>,
): Promise<T> {
  if (!url) return work(undefined);
  const database = await openBenchDatabase(url);
  try {
    return await work(database.url);
  } finally {
    await database.drop();
  }
}

/**
 * A new `gt_bench_…` database on the server of `url`, for a benchmark whose instance outlives
 * one callback; `drop()` removes it (`WITH (FORCE)`: a pool the benchmark failed to close
 * must not keep it alive).
 */
export async function openBenchDatabase(
  url: string,
): Promise<{ url: string; drop: () => Promise<void> }> {
  const database = `gt_bench_${randomBytes(4).toString('hex')}`;
  await adminStatement(url, `CREATE DATABASE ${database}`);
  return {
    url: withDatabase(url, database),
    drop: () => adminStatement(url, `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`),
  };
}

/** The `createGreenTrack` options of a benchmark instance on `databaseUrl` (or PGlite). */
export function benchInstanceOptions(databaseUrl: string | undefined): {
  database: { url: string; maxConnections: number } | { inMemory: true };
  secret: string;
} {
  return {
    database: databaseUrl ? { url: databaseUrl, maxConnections: 4 } : { inMemory: true },
    secret: 'benchmark-secret-benchmark-secret-0123',
  };
}

/** Prints one figure beside its baseline, on one line. */
export function printFigure(figure: BenchFigure): void {
  // Small figures (round trips per message) keep three significant digits.
  const show = (v: number) => (Math.abs(v) < 1 ? v.toPrecision(3) : v.toFixed(2));
  console.log(
    `  ${figure.name.padEnd(32)} ${show(figure.value).padStart(12)} ${figure.unit.padEnd(8)} baseline ${show(figure.baseline).padStart(12)}  ratio ${figure.ratio.toFixed(3)}${figure.note ? `  (${figure.note})` : ''}`,
  );
}

/**
 * Merges `figures` into `bench-results.json`: a figure measured now replaces the same name
 * on the same database; figures of benchmarks not run this time are kept.
 */
export async function saveFigures(figures: readonly BenchFigure[]): Promise<void> {
  const earlier = await readFile(resultsFile, 'utf8')
    .then((text) => JSON.parse(text) as BenchFigure[])
    .catch(() => [] as BenchFigure[]);
  const fresh = new Set(figures.map((f) => `${f.db}:${f.name}`));
  const merged = [...earlier.filter((f) => !fresh.has(`${f.db}:${f.name}`)), ...figures];
  await writeFile(resultsFile, `${JSON.stringify(merged, null, 2)}\n`);
  console.log(`\nWrote ${figures.length} figure(s) to ${resultsFile} (${merged.length} in all)`);
}
