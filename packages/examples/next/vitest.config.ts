import { defineConfig } from 'vitest/config';
import { reportersFor } from '../../../vitest.shared.js';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    // `next build` takes ~15–40 s on two cores; the first API request opens the database.
    testTimeout: 60_000,
    hookTimeout: 320_000,
    ...reportersFor('example-next'),
  },
});
