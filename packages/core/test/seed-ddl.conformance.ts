/**
 * The seed DDL from the shared specification (`../shared/spec/` beside the repository), for
 * the conformance suite only (`*.conformance.test.ts`, `pnpm test:conformance`). The spec is
 * never copied into the repo; reading it fails with a message naming the missing path.
 */
import { readSpecFile } from '../../../conformance.shared.js';

/** The seed's "Postgres / ZeroDB DDL" block plus the tags DDL the spec README gives. */
export function seedDdlFromSpec(): string {
  const seed = readSpecFile('seed-schema.md');
  const readme = readSpecFile('README.md');
  const seedBlock = /```sql\n([\s\S]*?)```/.exec(seed)?.[1];
  const tagsBlock = /```sql\n([\s\S]*?CREATE TABLE tags[\s\S]*?)```/.exec(readme)?.[1];
  if (!seedBlock || !tagsBlock) throw new Error('Could not find the DDL blocks in the spec files');
  return `${seedBlock}\n${tagsBlock.replace(/^\s+/gm, '')}`;
}
