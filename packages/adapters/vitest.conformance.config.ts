import { defineConfig } from 'vitest/config';
import { reportersFor } from '../../vitest.shared.js';

// `pnpm test:conformance`: the suites that check us against the shared spec, read in place
// from ../shared/spec. Without it the run stops in its global setup, naming the missing path.

export default defineConfig({
  test: {
    environment: 'node',
    globalSetup: ['../../conformance.setup.ts'],
    include: ['src/**/*.conformance.test.ts'],
    ...reportersFor('adapters-conformance'),
  },
});
