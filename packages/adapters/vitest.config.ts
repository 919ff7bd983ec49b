import { defineConfig } from 'vitest/config';
import { reportersFor } from '../../vitest.shared.js';

export default defineConfig({
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Self-contained: what reads the shared spec runs in `pnpm test:conformance`
    // (vitest.conformance.config.ts), so `npm test` passes on any clone.
    exclude: ['**/node_modules/**', '**/*.conformance.test.ts'],
    // Lets scripts/test-all.sh collect a JSON report per package for its summary line.
    ...reportersFor('adapters'),
  },
});
