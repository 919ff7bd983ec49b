import { defineConfig } from 'vitest/config';
import { reportersFor } from '../../vitest.shared.js';

// `pnpm test:conformance`: the suites that check us against the shared spec, read in place
// from ../shared/spec. Without it the run stops in its global setup, naming the missing path. Same database
// harness as the unit tests: PGlite, or the Postgres server in DATABASE_URL.

export default defineConfig({
  test: {
    include: ['src/**/*.conformance.test.ts', 'test/**/*.conformance.test.ts'],
    globalSetup: ['../../conformance.setup.ts', './test/global-setup.ts'],
    hookTimeout: 120_000,
    testTimeout: 60_000,
    pool: 'forks',
    ...reportersFor(`core-conformance-${process.env.DATABASE_URL ? 'postgres' : 'pglite'}`),
  },
});
