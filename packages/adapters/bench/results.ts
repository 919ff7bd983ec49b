/**
 * What every adapters benchmark shares: the figure's shape, printing it beside its baseline,
 * and merging it into `bench-results.json` at the repo root the way core's runner does (a
 * figure measured now replaces its earlier value; the others are kept).
 */

import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createGreenTrack, type GreenTrack, type GreenTrackConfig } from '@greentrack/core';
import pg from 'pg';

export interface BenchFigure {
  name: string;
  db: 'postgres' | 'pglite';
  value: number;
  unit: string;
  baseline: number;
  ratio: number;
  note?: string;
}

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** True when the `pnpm bench` name prefixes select `name` (none given: all). */
export function selected(name: string): boolean {
  const filters = process.argv.slice(2);
  return filters.length === 0 || filters.some((f) => name.startsWith(f) || f.startsWith(name));
}

/** Runs one statement on its own connection (CREATE / DROP DATABASE). */
export async function admin(url: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

export async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const start = process.hrtime.bigint();
  const result = await work();
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, result };
}

export function printFigure(f: BenchFigure): void {
  console.log(
    `  ${f.name.padEnd(32)} ${f.value.toFixed(2).padStart(12)} ${f.unit.padEnd(8)} baseline ${f.baseline.toFixed(2).padStart(12)}  ratio ${f.ratio.toFixed(3)}`,
  );
}

export async function writeFigures(figures: readonly BenchFigure[]): Promise<void> {
  const out = join(repoRoot, 'bench-results.json');
  const earlier = await readFile(out, 'utf8')
    .then((text) => JSON.parse(text) as BenchFigure[])
    .catch(() => [] as BenchFigure[]);
  const fresh = new Set(figures.map((f) => `${f.db}:${f.name}`));
  const merged = [...earlier.filter((f) => !fresh.has(`${f.db}:${f.name}`)), ...figures];
  await writeFile(out, `${JSON.stringify(merged, null, 2)}\n`);
  console.log(`\nWrote ${figures.length} figure(s) to ${out} (${merged.length} in all)`);
}

/**
 * A migrated GreenTrack on a fresh database of `DATABASE_URL`'s server (else in-memory
 * PGlite), with an owner and a `makeOrg(name)`; `close()` closes it and drops the database.
 */
export async function benchGreenTrack(providers: GreenTrackConfig['providers']) {
  const url = process.env.DATABASE_URL;
  const database = `gt_bench_${randomBytes(4).toString('hex')}`;
  const databaseUrl = url
    ? Object.assign(new URL(url), { pathname: `/${database}` }).toString()
    : undefined;
  if (url) await admin(url, `CREATE DATABASE ${database}`);
  const gt: GreenTrack = await createGreenTrack({
    database: databaseUrl ? { url: databaseUrl, maxConnections: 4 } : { inMemory: true },
    secret: 'benchmark-secret-benchmark-secret-0123',
    ...(providers ? { providers } : {}),
  });
  const close = async () => {
    await gt.close();
    if (url) await admin(url, `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  };
  try {
    await gt.migrate();
    const owner = await gt.users.create({ email: 'owner@bench.example', name: 'Owner' });
    const makeOrg = async (name: string) =>
      (await gt.organizations.create({ name, ownerUserId: owner.id })).organization.id;
    return { gt, owner, makeOrg, close };
  } catch (error) {
    await close();
    throw error;
  }
}
