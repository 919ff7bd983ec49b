// Run by `pnpm build` after tsup: what each entry point costs a page that already has Lit.
// Each define module (and the root entry) is bundled and minified with esbuild, `lit` and its
// parts left out (a host shares one copy), everything else in: our code, @lit/task,
// @lit/context and the API client. Prints minified and gzip bytes per entry. Code an entry
// loads with `import()` only when needed (the dashboard's chart library) is split off as a
// host's bundler would, and printed beside it as "lazy": the page pays for it when used.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import pkg from '../package.json' with { type: 'json' };

const lit = [
  'lit',
  'lit/*',
  'lit-html',
  'lit-html/*',
  'lit-element',
  'lit-element/*',
  '@lit/reactive-element',
  '@lit/reactive-element/*',
];
const entries = Object.entries(pkg.exports)
  .filter(([subpath]) => subpath !== './package.json')
  .map(([subpath, target]) => [
    subpath === '.' ? '@greentrack/widgets' : subpath.slice(2),
    target.import,
  ]);

// The API client is bundled (tsup.config.ts): no built file may import @greentrack/core,
// which is only an optional peer for its types.
const dist = new URL('../dist/', import.meta.url).pathname;
for (const file of readdirSync(dist, { recursive: true })) {
  if (!String(file).endsWith('.js')) continue;
  if (
    /\bfrom\s*["']@greentrack\/core|import\(\s*["']@greentrack\/core/.test(
      readFileSync(join(dist, String(file)), 'utf8'),
    )
  ) {
    throw new Error(
      `dist/${file} imports @greentrack/core at run time; bundle it through src/internal/client.ts`,
    );
  }
}

const rows = [];
for (const [name, file] of entries) {
  const result = await build({
    entryPoints: [file],
    bundle: true,
    minify: true,
    format: 'esm',
    splitting: true,
    outdir: 'size-out', // nothing is written
    platform: 'browser',
    target: 'es2022',
    external: lit,
    write: false,
    metafile: true,
    logLevel: 'error',
  });
  const entryOut = Object.entries(result.metafile.outputs).find(([, o]) => o.entryPoint)?.[0];
  const sizes = { min: 0, gzip: 0, lazyMin: 0, lazyGzip: 0 };
  for (const out of result.outputFiles) {
    if (!out.path.endsWith('.js')) continue;
    const lazy = out.path !== resolve(entryOut ?? '');
    sizes[lazy ? 'lazyMin' : 'min'] += out.contents.length;
    sizes[lazy ? 'lazyGzip' : 'gzip'] += gzipSync(out.contents, { level: 9 }).length;
  }
  rows.push({ entry: name, ...sizes });
}
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
console.log('\nSize per entry, without lit (esbuild --minify, gzip -9):');
for (const { entry, min, gzip, lazyMin, lazyGzip } of rows) {
  const lazy = lazyMin ? `   + lazy ${kb(lazyMin)} min, ${kb(lazyGzip)} gzip` : '';
  console.log(
    `  ${entry.padEnd(22)} ${kb(min).padStart(9)} min  ${kb(gzip).padStart(8)} gzip${lazy}`,
  );
}
