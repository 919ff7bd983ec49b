/**
 * `pnpm bench [name-prefix ...]`: runs the benchmarks against `DATABASE_URL` (a real
 * Postgres — the figures that matter) or, when unset, embedded PGlite (smaller, for a
 * smoke run). Each benchmark gets its own freshly migrated database. Prints every figure
 * beside its baseline and writes `bench-results.json` at the repo root.
 */
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createGreenTrack } from '../src/greentrack.js';
import { benches } from './benches.js';
import type { BenchFigure } from './lib.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
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
    const database = `gt_bench_${randomBytes(4).toString('hex')}`;
    if (url) await admin(url, `CREATE DATABASE ${database}`);
    const databaseUrl = url ? withDatabase(url, database) : undefined;
    const gt = await createGreenTrack({
      database: databaseUrl ? { url: databaseUrl, maxConnections: 4 } : { inMemory: true },
      secret: 'benchmark-secret-benchmark-secret-0123',
    });
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
          // Small figures (round trips per message) keep three significant digits.
          const show = (v: number) => (Math.abs(v) < 1 ? v.toPrecision(3) : v.toFixed(2));
          console.log(
            `  ${full.name.padEnd(32)} ${show(full.value).padStart(12)} ${full.unit.padEnd(8)} baseline ${show(full.baseline).padStart(12)}  ratio ${full.ratio.toFixed(3)}${full.note ? `  (${full.note})` : ''}`,
          );
        },
        log: (line) => console.log(`  ${line}`),
      });
    } finally {
      await gt.close();
      if (url) await admin(url, `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    }
  }

  // Merge with earlier runs: a figure measured now replaces the same name on the same
  // database; figures of benchmarks not run this time are kept.
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
