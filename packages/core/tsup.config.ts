import { defineConfig } from 'tsup';

export default defineConfig([
  {
    // Server entry points.
    entry: { index: 'src/index.ts', cli: 'src/cli.ts' },
    format: ['esm'],
    dts: { entry: { index: 'src/index.ts' } },
    target: 'node20',
    platform: 'node',
    sourcemap: true,
    // Not `clean`: the two configs build in parallel, and a clean (or the d.ts step of one)
    // could delete the other's output. The build script empties dist/ once, first.
    clean: false,
    splitting: true,
  },
  {
    // The browser-safe client: bundled on its own so it can never pull in a server chunk.
    entry: { 'client/index': 'src/client/index.ts' },
    format: ['esm'],
    dts: true,
    target: 'es2022',
    platform: 'browser',
    sourcemap: true,
    clean: false,
  },
]);
