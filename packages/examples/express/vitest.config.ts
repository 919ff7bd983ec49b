import { defineConfig } from 'vitest/config';
import { reportersFor } from '../../../vitest.shared.js';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    testTimeout: 60_000,
    ...reportersFor('example-express'),
  },
});
