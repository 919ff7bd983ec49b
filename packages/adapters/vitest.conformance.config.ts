import { defineConfig } from 'vitest/config';
import { requireSpecDir } from '../../conformance.shared.js';
import { reportersFor } from '../../vitest.shared.js';

// `pnpm test:conformance`: the suites that check us against the shared spec, read in place
// from ../shared/spec. Without it the run stops here, naming the missing path.
requireSpecDir();

export default defineConfig({
  test: {
    environment: 'node',
    include: ['src/**/*.conformance.test.ts'],
    ...reportersFor('adapters-conformance'),
  },
});
