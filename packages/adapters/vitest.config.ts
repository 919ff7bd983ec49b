import { defineConfig } from 'vitest/config';
import { reportersFor } from '../../vitest.shared.js';

export default defineConfig({
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts'],
    // Lets scripts/test-all.sh collect a JSON report per package for its summary line.
    ...reportersFor('adapters'),
  },
});
