/**
 * `cem analyze` (run by `pnpm build` after tsup): writes custom-elements.json, the
 * machine-readable public API of every element — attributes, properties, events, slots, CSS
 * parts and custom properties — from the JSDoc of the `*.component.ts` classes (each names
 * its tag with `@customElement`, since `defineElement` is not `customElements.define`).
 * Internal base classes are analyzed so inherited members (`api-base`, `token`, `theme`)
 * appear on each element; tests are not.
 */
export default {
  globs: ['src/**/*.ts'],
  exclude: ['src/**/*.test.ts'],
  outdir: '.',
  litelement: true,
  dependencies: false,
  packagejson: false,
};
