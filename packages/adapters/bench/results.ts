/**
 * What the adapters' benchmarks add to core's bench harness (imported by relative path: a
 * dev-only script, so no package dependency): selecting by name prefix, and a migrated
 * GreenTrack on a database of its own with an owner and `makeOrg(name)`.
 */
import { createGreenTrack, type GreenTrack, type GreenTrackConfig } from '@greentrack/core';
import { benchInstanceOptions, openBenchDatabase } from '../../core/bench/harness.js';

export {
  type BenchFigure,
  printFigure,
  saveFigures as writeFigures,
  timed,
} from '../../core/bench/harness.js';

/** True when the `pnpm bench` name prefixes select `name` (none given: all). */
export function selected(name: string): boolean {
  const filters = process.argv.slice(2);
  return filters.length === 0 || filters.some((f) => name.startsWith(f) || f.startsWith(name));
}

/**
 * A migrated GreenTrack on a fresh database of `DATABASE_URL`'s server (else in-memory
 * PGlite), with an owner and a `makeOrg(name)`; `close()` closes it and drops the database.
 */
export async function benchGreenTrack(providers: GreenTrackConfig['providers']) {
  const url = process.env.DATABASE_URL;
  const database = url ? await openBenchDatabase(url) : undefined;
  const gt: GreenTrack = await createGreenTrack({
    ...benchInstanceOptions(database?.url),
    ...(providers ? { providers } : {}),
  });
  const close = async () => {
    await gt.close();
    await database?.drop();
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
