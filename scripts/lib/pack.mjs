// Packs the published packages exactly as `pnpm publish` would (workspace: and peer ranges
// rewritten to versions), for checks that must see what a user installs: scripts/attw.mjs and
// scripts/smoke-packed.mjs. Needs `pnpm` on PATH (scripts/lib/pnpm.sh, or run through pnpm).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const repoRoot = resolve(fileURLToPath(import.meta.url), '../../..');

/**
 * Every package under packages/ that is not private: what gets published. Fails if there are
 * none, or if one has not been built (a tarball without dist/ would "pass" nothing).
 * @returns {{ name: string, dir: string, manifest: Record<string, unknown> }[]}
 */
function publishedPackages() {
  const packagesDir = join(repoRoot, 'packages');
  const found = readdirSync(packagesDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => join(packagesDir, entry.name))
    .filter((dir) => existsSync(join(dir, 'package.json')))
    .map((dir) => ({ dir, manifest: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) }))
    .filter(({ manifest }) => manifest.private !== true)
    .map(({ dir, manifest }) => ({ name: manifest.name, dir, manifest }));
  if (found.length === 0) throw new Error(`No publishable package under ${packagesDir}`);
  for (const { name, dir } of found) {
    if (!existsSync(join(dir, 'dist'))) {
      throw new Error(`${name} is not built (no ${join(dir, 'dist')}); run \`pnpm build\` first`);
    }
  }
  return found;
}

/**
 * `pnpm pack` of every published package into `destination`.
 * @returns {{ name: string, dir: string, manifest: Record<string, unknown>, tarball: string }[]}
 */
export function packAll(destination) {
  mkdirSync(destination, { recursive: true });
  return publishedPackages().map((pkg) => {
    const out = execFileSync('pnpm', ['pack', '--json', '--pack-destination', destination], {
      cwd: pkg.dir,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const { filename } = JSON.parse(out);
    if (!filename || !existsSync(filename)) {
      throw new Error(`pnpm pack of ${pkg.name} reported no tarball:\n${out}`);
    }
    // pnpm rewrites workspace: ranges on pack; a leftover one would make npm install fail
    // for every user, so say so plainly.
    const packed = execFileSync('tar', ['-xzOf', filename, 'package/package.json'], {
      encoding: 'utf8',
    });
    if (packed.includes('workspace:')) {
      throw new Error(`${pkg.name}: the packed package.json still has a workspace: range`);
    }
    return { ...pkg, tarball: filename };
  });
}
