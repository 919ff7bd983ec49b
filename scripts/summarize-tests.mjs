// Sums the Vitest JSON reports written during scripts/test-all.sh into one closing line.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = process.argv[2];
let passed = 0;
let failed = 0;
let skipped = 0;
const walk = (dir) => {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (name.endsWith('.json')) {
      const report = JSON.parse(readFileSync(path, 'utf8'));
      passed += report.numPassedTests ?? 0;
      failed += report.numFailedTests ?? 0;
      skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
      console.log(
        `${path.slice(root.length + 1)}: ${report.numPassedTests} passed, ${report.numFailedTests} failed`,
      );
    }
  }
};
walk(root);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exitCode = failed > 0 || passed === 0 ? 1 : 0;
