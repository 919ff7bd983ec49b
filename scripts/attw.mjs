// `pnpm attw`: @arethetypeswrong/cli on the tarball of every published package (as packed by
// pnpm, i.e. what a user installs), with the ESM-only profile: our packages ship ESM only, so
// CommonJS `require` resolutions are out of scope; everything else must be green. Exits 1 on
// any problem. Run by scripts/test-all.sh after the build.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packAll, repoRoot } from './lib/pack.mjs';

const attw = join(repoRoot, 'node_modules', '.bin', 'attw');
const work = mkdtempSync(join(tmpdir(), 'greentrack-attw-'));
const failed = [];
try {
  for (const { name, tarball } of packAll(work)) {
    console.log(`\n--- attw ${name}`);
    try {
      execFileSync(attw, [tarball, '--profile', 'esm-only', '--format', 'ascii'], {
        stdio: 'inherit',
      });
    } catch {
      failed.push(name);
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
if (failed.length > 0) {
  console.error(`\nattw: problems in ${failed.join(', ')} (see above)`);
  process.exitCode = 1;
} else {
  console.log('\nattw: no problems (profile esm-only)');
}
