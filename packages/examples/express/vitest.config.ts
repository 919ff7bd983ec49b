import { defineConfig } from 'vitest/config';
import { reportersFor } from '../../../vitest.shared.js';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 90_000,
    ...reportersFor('example-express'),
  },
});
