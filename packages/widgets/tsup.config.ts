import { minifyTemplates } from 'esbuild-minify-templates';
import { defineConfig, type Options } from 'tsup';

type EsbuildPlugin = NonNullable<Options['esbuildPlugins']>[number];

/**
 * Minifies the CSS of css`…` templates in the output: comments go, and the spaces around
 * `{ } ; ,` and after `:` (never before one, so `.a :hover` keeps its meaning). Runs after
 * `minifyTemplates`, which has already collapsed runs of whitespace.
 */
const minifyCssTemplates: EsbuildPlugin = {
  name: 'minify-css-templates',
  setup(build) {
    build.onEnd((result) => {
      for (const file of result.outputFiles ?? []) {
        const source = new TextDecoder().decode(file.contents);
        if (!file.path.endsWith('.js') || !source.includes('css`')) continue;
        const text = source.replace(/\bcss`[^`]*`/g, (template) =>
          template
            .replace(/\/\*[\s\S]*?\*\//g, '')
            .replace(/\s*([{};,])\s*/g, '$1')
            .replace(/:\s+/g, ':')
            .replace(/\s+/g, ' '),
        );
        // As minifyTemplates does: esbuild's output file takes new contents by assignment.
        (file as { contents: Uint8Array }).contents = new TextEncoder().encode(text);
      }
    });
  },
};

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
    // Collapses the whitespace of html`…` and css`…` templates and strips CSS comments
    // (decision 78): whitespace between two tags goes, so words never rely on it.
    esbuildPlugins: [minifyTemplates({ taggedOnly: true }), minifyCssTemplates],
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
