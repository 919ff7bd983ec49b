import { defineConfig } from 'tsup';

export default defineConfig({
  // Unbundled: dist/ mirrors src/ file for file. A bundled build with code
  // splitting may move a `customElements.define` call into a hashed shared
  // chunk that `sideEffects` does not list, and bundlers would drop it.
  entry: ['src/**/*.ts', '!src/**/*.test.ts'],
  bundle: false,
  splitting: false,
  format: ['esm'],
  target: 'es2022',
  dts: true,
  clean: true,
  sourcemap: false,
});
