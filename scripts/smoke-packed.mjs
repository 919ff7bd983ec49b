// Packed-install smoke test: the published packages, installed as a user installs them.
//
// Packs every published package with `pnpm pack` (what `pnpm publish` uploads), installs the
// tarballs with npm into an empty project in a temp dir (no workspace links, no repo
// node_modules in reach), then, from that project:
//   1. imports every entry point of core and adapters from their exports maps in Node, and
//      compiles a TypeScript consumer of every entry point against our declaration files;
//   2. runs the bin as users do: `npx greentrack migrate`, then `migrate --status`, on an
//      embedded database in GREENTRACK_DATA_DIR, and checks the migrations it printed;
//   3. starts `createGreenTrack`, asks `gt.handler` and a real `node:http` server
//      (`toNodeHandler`) for `/api/greentrack/health` and `/api/greentrack/openapi.json`;
//   4. bundles the widgets for the browser with esbuild and loads the bundle in Chromium,
//      checking each component subpath registers its `gt-*` element.
// Any failure exits 1 with the step that failed. Run by scripts/test-all.sh after the build.
// GREENTRACK_SMOKE_KEEP=1 keeps the temp project (~100 MB) for a look.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packAll, repoRoot } from './lib/pack.mjs';

const readJson = (path) => JSON.parse(readFileSync(path, 'utf8'));
/** esbuild as the user's bundler, the version the repo already uses (npm cache hit). */
const ESBUILD_VERSION = readJson(join(repoRoot, 'packages/core/package.json')).devDependencies
  .esbuild;
/** The user's own Node types (a TypeScript user of a Node server library has them). */
const TYPES_NODE_VERSION = readJson(join(repoRoot, 'package.json')).devDependencies['@types/node'];

const started = Date.now();
const work = mkdtempSync(join(tmpdir(), 'greentrack-packed-'));
const app = join(work, 'app');
let current = 'setup';

function step(name) {
  current = name;
  console.log(`\n--> ${name} (${((Date.now() - started) / 1000).toFixed(1)}s)`);
}

/** Runs a command in the temp project; returns its stdout (also echoed). Throws on exit ≠ 0. */
function run(command, args, env = {}) {
  const childEnv = { ...process.env, ...env };
  // The user's machine has no DATABASE_URL for this; the bin must use the embedded database.
  delete childEnv.DATABASE_URL;
  // Nor the caller's NODE_OPTIONS (a loader such as tsx would hide resolution problems).
  delete childEnv.NODE_OPTIONS;
  const out = execFileSync(command, args, {
    cwd: app,
    env: childEnv,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (out.trim()) console.log(out.trimEnd().replace(/^/gm, '    '));
  return out;
}

/** The adapters' optional peer SDKs, as `name@version` at the versions their tests use. */
function providerSdks() {
  const manifest = JSON.parse(
    readFileSync(join(repoRoot, 'packages/adapters/package.json'), 'utf8'),
  );
  return Object.entries(manifest.peerDependenciesMeta ?? {})
    .filter(([, meta]) => meta.optional)
    .map(([name]) => `${name}@${manifest.devDependencies[name]}`);
}

function check(condition, message) {
  if (!condition) throw new Error(message);
}

try {
  step('pack the published packages (pnpm pack)');
  const packs = packAll(join(work, 'tarballs'));
  for (const { name, tarball } of packs) console.log(`    ${name}: ${tarball}`);
  const byName = Object.fromEntries(packs.map((p) => [p.name, p]));
  for (const name of ['@greentrack/core', '@greentrack/adapters', '@greentrack/widgets']) {
    check(byName[name], `${name} was not packed (is it still published?)`);
  }

  step('npm install the tarballs into an empty project');
  mkdirSync(app);
  writeFileSync(
    join(app, 'package.json'),
    `${JSON.stringify({ name: 'greentrack-smoke', private: true, type: 'module' }, null, 2)}\n`,
  );
  run('npm', [
    'install',
    '--prefer-offline',
    '--no-audit',
    '--no-fund',
    '--loglevel=error',
    ...packs.map((p) => p.tarball),
    `esbuild@${ESBUILD_VERSION}`,
    `@types/node@${TYPES_NODE_VERSION}`,
    // A host installs the SDK of each provider it uses (optional peers of the adapters); the
    // smoke test imports every adapter, so it installs them all, at the versions tested.
    ...providerSdks(),
  ]);

  step('import every Node entry point (core, adapters) from its exports map');
  writeFileSync(
    join(app, 'imports.mjs'),
    `import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
for (const name of ['@greentrack/core', '@greentrack/adapters']) {
  const { exports } = JSON.parse(readFileSync(\`node_modules/\${name}/package.json\`, 'utf8'));
  const subpaths = Object.keys(exports).filter((s) => !s.endsWith('.json'));
  assert.ok(subpaths.length > 0, \`\${name} exports nothing\`);
  for (const subpath of subpaths) {
    const specifier = name + subpath.slice(1);
    const module = await import(specifier);
    const names = Object.keys(module);
    assert.ok(names.length > 0, \`\${specifier} has no exports\`);
    console.log(\`\${specifier}: \${names.length} exports\`);
  }
}
const core = await import('@greentrack/core');
assert.equal(typeof core.createGreenTrack, 'function');
assert.equal(typeof core.toNodeHandler, 'function');
`,
  );
  run('node', ['imports.mjs']);

  step('TypeScript: a consumer importing every entry point compiles against our .d.ts');
  writeFileSync(
    join(app, 'consumer.ts'),
    `import { createGreenTrack, type GreenTrackConfig } from '@greentrack/core';
import { createClient } from '@greentrack/core/client';
import { verifyStandardWebhook } from '@greentrack/adapters/standard-webhooks';
import { GtConsentBadge, GtSegmentBuilder } from '@greentrack/widgets';
import '@greentrack/widgets/consent-badge';
import '@greentrack/widgets/segment-builder';
import pg from 'pg';

// Public types that name a dependency's types must resolve for the user (here \`pg.Pool\`).
const config: GreenTrackConfig = { database: { pool: new pg.Pool() } };
// @ts-expect-error -- a typed option, not \`any\`
const wrong: GreenTrackConfig = { database: { pool: 42 } };
export const all = [createGreenTrack(config), createClient, verifyStandardWebhook, wrong];
export const elements: CustomElementConstructor[] = [GtConsentBadge, GtSegmentBuilder];
`,
  );
  writeFileSync(
    join(app, 'tsconfig.json'),
    `${JSON.stringify(
      {
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          lib: ['ES2023', 'DOM'],
          types: ['node'],
          strict: true,
          noEmit: true,
          // Check our declaration files too, not only the consumer.
          skipLibCheck: false,
        },
        files: ['consumer.ts'],
      },
      null,
      2,
    )}\n`,
  );
  let tscOutput = '';
  let tscFailed = false;
  try {
    execFileSync(join(repoRoot, 'node_modules/.bin/tsc'), ['-p', '.', '--pretty', 'false'], {
      cwd: app,
      encoding: 'utf8',
    });
  } catch (error) {
    tscFailed = true;
    tscOutput = `${error.stdout ?? ''}${error.stderr ?? ''}`;
  }
  // Errors in third-party declarations (e.g. PGlite's Emscripten types) are not ours to fix;
  // errors in the consumer or in any @greentrack declaration file fail the run.
  const errors = tscOutput.split('\n').filter((line) => /\): error TS\d+/.test(line));
  check(!tscFailed || errors.length > 0, `tsc failed without type errors:\n${tscOutput}`);
  // Ours: outside node_modules, or inside an @greentrack package but not in its own nested
  // node_modules (npm may nest a dependency there).
  const file = (line) => line.slice(0, line.indexOf('('));
  const ownPackage = /(^|\/)node_modules\/@greentrack\/[^/]+\/(?!node_modules\/)/;
  const ours = errors.filter(
    (line) => !file(line).includes('node_modules/') || ownPackage.test(file(line)),
  );
  check(
    ours.length === 0,
    `TypeScript errors in our packages or the consumer:\n${ours.join('\n')}`,
  );
  console.log(
    `    consumer.ts compiles (NodeNext, strict)${errors.length ? `; ${errors.length} error(s) in third-party .d.ts ignored` : ''}`,
  );

  step('the bin: npx greentrack migrate, then migrate --status');
  const dataDir = join(work, 'data');
  // --no: never fetch a registry package named `greentrack` if our bin were missing.
  const migrate = run('npx', ['--no', 'greentrack', 'migrate'], { GREENTRACK_DATA_DIR: dataDir });
  const applied = /^Applied (\d+) migration\(s\) to embedded PGlite/m.exec(migrate);
  check(applied, `\`npx greentrack migrate\` did not report applied migrations:\n${migrate}`);
  const names = [...migrate.matchAll(/^ {2}(\d{4}_\w+)$/gm)].map((m) => m[1]);
  check(
    names.length === Number(applied[1]) && names[0] === '0001_seed_schema',
    `\`npx greentrack migrate\` listed ${names.length} migrations, expected ${applied[1]} starting with 0001_seed_schema`,
  );
  const status = run('npx', ['--no', 'greentrack', 'migrate', '--status'], {
    GREENTRACK_DATA_DIR: dataDir,
  });
  check(
    status.includes(`Migrations on embedded PGlite (${dataDir}):`),
    `\`npx greentrack migrate --status\` printed no status:\n${status}`,
  );
  for (const name of names) {
    check(
      new RegExp(`^ {2}applied {2}${name} `, 'm').test(status),
      `\`migrate --status\` does not show ${name} as applied`,
    );
  }
  check(!status.includes('pending'), '`migrate --status` shows pending migrations after migrate');

  step('serve: createGreenTrack + handler, and a node:http server');
  writeFileSync(
    join(app, 'serve.mjs'),
    `import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { createGreenTrack, toNodeHandler } from '@greentrack/core';
const gt = await createGreenTrack({
  database: { inMemory: true },
  secret: 'greentrack-smoke-test-secret-0123456789',
  authenticate: () => null,
});
const server = createServer(toNodeHandler(gt));
try {
  await gt.migrate();
  const direct = await gt.handler(new Request('http://localhost/api/greentrack/health'));
  assert.equal(direct.status, 200, 'gt.handler: /api/greentrack/health');
  await new Promise((done) => server.listen(0, '127.0.0.1', done));
  const base = \`http://127.0.0.1:\${server.address().port}/api/greentrack\`;
  const health = await fetch(\`\${base}/health\`);
  assert.equal(health.status, 200, 'GET /api/greentrack/health');
  console.log('health:', JSON.stringify(await health.json()));
  const openapi = await fetch(\`\${base}/openapi.json\`);
  assert.equal(openapi.status, 200, 'GET /api/greentrack/openapi.json');
  const document = await openapi.json();
  assert.match(document.openapi, /^3\\.1\\./);
  assert.ok(Object.keys(document.paths).length > 10, 'the OpenAPI document lists the routes');
  console.log(\`openapi.json: OpenAPI \${document.openapi}, \${Object.keys(document.paths).length} paths\`);
} finally {
  server.closeAllConnections();
  server.close();
  await gt.close();
}
`,
  );
  run('node', ['serve.mjs']);

  step('widgets: bundle for the browser (esbuild), load in Chromium, elements registered');
  const widgetExports = JSON.parse(
    readFileSync(join(app, 'node_modules/@greentrack/widgets/package.json'), 'utf8'),
  ).exports;
  const components = Object.keys(widgetExports)
    .filter((s) => s !== '.' && !s.endsWith('.json'))
    .map((s) => s.slice(2));
  check(components.length > 0, '@greentrack/widgets exports no component subpath');
  writeFileSync(
    join(app, 'widgets-entry.js'),
    [
      "import * as widgets from '@greentrack/widgets';",
      ...components.map((c) => `import '@greentrack/widgets/${c}';`),
      'window.greentrackWidgets = widgets;',
      '',
    ].join('\n'),
  );
  run(join(app, 'node_modules/.bin/esbuild'), [
    'widgets-entry.js',
    '--bundle',
    '--format=esm',
    '--platform=browser',
    '--target=es2022',
    '--outfile=widgets.bundle.js',
    '--log-level=warning',
  ]);
  // The browser driver is test tooling, not part of the user's install: the repo's playwright.
  const requireFromWidgets = createRequire(join(repoRoot, 'packages/widgets/package.json'));
  const { chromium } = requireFromWidgets('playwright');
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (error) => errors.push(String(error)));
    await page.setContent('<!doctype html><html><body></body></html>');
    await page.addScriptTag({
      content: readFileSync(join(app, 'widgets.bundle.js'), 'utf8'),
      type: 'module',
    });
    await page.waitForFunction(() => window.greentrackWidgets !== undefined, null, {
      timeout: 10_000,
    });
    const result = await page.evaluate(
      (tags) =>
        tags.map((tag) => {
          const ctor = customElements.get(tag);
          const element = document.createElement(tag);
          return {
            tag,
            defined: typeof ctor === 'function',
            upgraded: ctor !== undefined && element instanceof ctor,
          };
        }),
      components.map((c) => `gt-${c}`),
    );
    check(errors.length === 0, `the widgets bundle threw in the page: ${errors.join('; ')}`);
    for (const { tag, defined, upgraded } of result) {
      check(
        defined && upgraded,
        `<${tag}> is not registered by @greentrack/widgets/${tag.slice(3)}`,
      );
      console.log(`    <${tag}> registered`);
    }
    const exported = await page.evaluate(() => Object.keys(window.greentrackWidgets));
    check(exported.length > 0, '@greentrack/widgets (root) exports nothing in the browser');
    console.log(`    @greentrack/widgets: ${exported.join(', ')}`);
  } finally {
    await browser.close();
  }

  step('done');
  console.log(`packed-install smoke test passed in ${((Date.now() - started) / 1000).toFixed(1)}s`);
} catch (error) {
  console.error(`\nPACKED-INSTALL SMOKE TEST FAILED at "${current}":`);
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exitCode = 1;
} finally {
  if (process.env.GREENTRACK_SMOKE_KEEP === '1') console.log(`(temp project kept: ${app})`);
  else rmSync(work, { recursive: true, force: true });
}
