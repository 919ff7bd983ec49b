// Run by `pnpm build` after tsup: what each entry point costs a page that already has Lit.
// Each define module (and the root entry) is bundled and minified with esbuild, `lit` and its
// parts left out (a host shares one copy), everything else in: our code, @lit/task,
// @lit/context and the API client. Prints minified and gzip bytes per entry.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
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
    platform: 'browser',
    target: 'es2022',
    external: lit,
    write: false,
    logLevel: 'error',
  });
  const code = result.outputFiles[0].contents;
  rows.push({ entry: name, min: code.length, gzip: gzipSync(code, { level: 9 }).length });
}
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
console.log('\nSize per entry, without lit (esbuild --minify, gzip -9):');
for (const { entry, min, gzip } of rows) {
  console.log(`  ${entry.padEnd(22)} ${kb(min).padStart(9)} min  ${kb(gzip).padStart(8)} gzip`);
}
