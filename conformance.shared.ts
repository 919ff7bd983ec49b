/**
 * Where the shared specification lives, for the conformance suites (`pnpm test:conformance`).
 *
 * The spec (seed DDL, provider specs) is read in place from `../shared/spec` beside the
 * repository, or from `GREENTRACK_SPEC_DIR`; it is never copied into the repo. Only the
 * `*.conformance.test.ts` files read it, so `npm test` passes on any clone, and the
 * conformance run fails loudly, naming the path, when the directory is missing: a skipped
 * conformance check would look like a passing one.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file sits there). */
export const repoRoot = dirname(fileURLToPath(import.meta.url));

/** `GREENTRACK_SPEC_DIR`, or `shared/spec` beside the repository. */
export const specDir = resolve(
  process.env.GREENTRACK_SPEC_DIR ?? join(repoRoot, '..', 'shared', 'spec'),
);

/** How to get the spec, appended to every "missing" message. */
const HOW_TO =
  'The conformance tests read the shared spec in place from ../shared/spec beside the ' +
  'repository (or the directory in GREENTRACK_SPEC_DIR); it is never copied into the repo. ' +
  '`npm test` does not need it.';

/** Throws, naming the path, unless the spec directory exists. Returns it. */
export function requireSpecDir(): string {
  if (!existsSync(specDir) || !statSync(specDir).isDirectory()) {
    throw new Error(`Shared spec directory missing: ${specDir}. ${HOW_TO}`);
  }
  return specDir;
}

/** Reads a file of the spec (path relative to the spec directory), or throws naming it. */
export function readSpecFile(relativePath: string): string {
  requireSpecDir();
  const path = join(specDir, relativePath);
  if (!existsSync(path)) throw new Error(`Specification file missing: ${path}. ${HOW_TO}`);
  return readFileSync(path, 'utf8');
}
