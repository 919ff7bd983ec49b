/**
 * Reads the shared specification files (`../shared/spec/` beside the repository). They are
 * never copied into the repo; a test that needs one fails with a plain message when absent.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** `GREENTRACK_SPEC_DIR`, or `shared/spec` next to the repository. */
const specDir = process.env.GREENTRACK_SPEC_DIR ?? join(repoRoot, '..', 'shared', 'spec');

/** Reads a spec file, or throws naming the path it looked for. */
function readSpecFile(relativePath: string): string {
  const path = join(specDir, relativePath);
  if (!existsSync(path)) {
    throw new Error(
      `Specification file missing: ${path}. The tests read the shared spec from ../shared/spec ` +
        'beside the repository (or GREENTRACK_SPEC_DIR); it is not copied into the repo.',
    );
  }
  return readFileSync(path, 'utf8');
}

/** The seed's "Postgres / ZeroDB DDL" block plus the tags DDL the spec README gives. */
export function seedDdlFromSpec(): string {
  const seed = readSpecFile('seed-schema.md');
  const readme = readSpecFile('README.md');
  const seedBlock = /```sql\n([\s\S]*?)```/.exec(seed)?.[1];
  const tagsBlock = /```sql\n([\s\S]*?CREATE TABLE tags[\s\S]*?)```/.exec(readme)?.[1];
  if (!seedBlock || !tagsBlock) throw new Error('Could not find the DDL blocks in the spec files');
  return `${seedBlock}\n${tagsBlock.replace(/^\s+/gm, '')}`;
}
