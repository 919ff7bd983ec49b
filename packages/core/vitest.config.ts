import { defineConfig } from 'vitest/config';
import { reportersFor } from '../../vitest.shared.js';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Self-contained: what reads the shared spec (schema parity with the seed DDL) runs in
    // `pnpm test:conformance` (vitest.conformance.config.ts), so `npm test` passes on any clone.
    exclude: ['**/node_modules/**', '**/*.conformance.test.ts'],
    globalSetup: ['./test/global-setup.ts'],
    // PGlite cold starts and Postgres template clones are in hooks; give them room.
    hookTimeout: 120_000,
    testTimeout: 60_000,
    pool: 'forks',
    ...reportersFor('core'),
  },
});
