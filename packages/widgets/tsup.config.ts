import { defineConfig, type Options } from 'tsup';

const shared: Options = {
  format: ['esm'],
  target: 'es2022',
  dts: true,
  sourcemap: false,
};

export default defineConfig([
  {
    ...shared,
    // Unbundled: dist/ mirrors src/ file for file. A bundled build with code
    // splitting may move a `customElements.define` call into a hashed shared
    // chunk that `sideEffects` does not list, and bundlers would drop it.
    entry: ['src/**/*.ts', '!src/**/*.test.ts', '!src/internal/client.ts'],
    bundle: false,
    splitting: false,
    clean: false, // the build script empties dist/ once: configs run in parallel
  },
  {
    ...shared,
    // The API client, bundled in: dist/ never imports @greentrack/core at run time, so a
    // front-end project does not need the server package (docs/decisions.md). Its .d.ts
    // still names `@greentrack/core/client`, an optional peer, for the types.
    entry: { 'internal/client': 'src/internal/client.ts' },
    bundle: true,
    noExternal: ['@greentrack/core'],
    clean: false,
  },
]);
