/**
 * The benchmark harness: each benchmark measures a figure AND a baseline in the same run
 * (e.g. the same rows written by one raw SQL statement) and records both with their ratio.
 * `pnpm bench` prints them and writes `bench-results.json` at the repo root (`harness.ts`).
 */
import type { Kysely } from 'kysely';
import type { DialectName } from '../src/db/connect.js';
import type { Database } from '../src/db/types.js';
import type { GreenTrack } from '../src/greentrack.js';
import type { BenchFigure } from './harness.js';

/** What a benchmark gets: a migrated, empty database of its own. */
interface BenchContext {
  gt: GreenTrack;
  db: Kysely<Database>;
  dialect: DialectName;
  /** The benchmark database's URL on Postgres (for worker processes of its own); absent on PGlite. */
  databaseUrl?: string;
  /** Records one figure (printed and saved). */
  record(figure: Omit<BenchFigure, 'db'>): void;
  /** Prints a line of detail (EXPLAIN output, sizes). */
  log(line: string): void;
}

export interface Bench {
  /** Prefix of its figures' names, e.g. `crm.search`. */
  name: string;
  /** One line on what it measures. */
  description: string;
  run(context: BenchContext): Promise<void>;
}

/** The p-th percentile (0–100) of `samples`. */
export function percentile(samples: readonly number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

/** Peak resident set size of this process so far, in MiB (Linux `VmHWM`). */
export async function peakRssMiB(): Promise<number> {
  const { readFile } = await import('node:fs/promises');
  const status = await readFile('/proc/self/status', 'utf8').catch(() => '');
  const match = /VmHWM:\s+(\d+) kB/.exec(status);
  return match ? Number(match[1]) / 1024 : process.memoryUsage().rss / 1024 / 1024;
}

/** mulberry32: a small deterministic PRNG, so every run generates the same data. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
