/**
 * The `greentrack` bin as npm installs it: `node_modules/.bin/greentrack` is a symlink to the
 * entry file. Regression: the entry used to run only when `import.meta.url` equalled
 * `process.argv[1]`, which is the symlink's path there, so `npx greentrack migrate --status`
 * printed nothing and exited 0 (issue 8). Runs the entry through a symlink in a child process.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allMigrations } from './db/migrator.js';

const run = promisify(execFile);
const packageDir = dirname(dirname(fileURLToPath(import.meta.url)));
const entry = join(packageDir, 'src', 'cli.ts');
const migrationNames = Object.keys(
  allMigrations({ embeddingDimensions: 1536, rowLevelSecurity: true }),
);

describe('greentrack bin, run through a node_modules/.bin-style symlink', () => {
  let dir: string;
  let bin: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gt-bin-'));
    bin = join(dir, 'node_modules', '.bin', 'greentrack');
    await mkdir(dirname(bin), { recursive: true });
    await symlink(entry, bin);
  });

  afterAll(() => rm(dir, { recursive: true, force: true }));

  /** `node <symlink> ...args` (TypeScript through tsx), with DATABASE_URL unset. */
  async function greentrack(...args: string[]) {
    const env: NodeJS.ProcessEnv = { ...process.env, GREENTRACK_DATA_DIR: join(dir, 'data') };
    delete env.DATABASE_URL;
    return run(process.execPath, ['--import', 'tsx', bin, ...args], { cwd: packageDir, env });
  }

  it('prints its usage', async () => {
    const { stdout } = await greentrack('--help');
    expect(stdout).toContain('Usage: greentrack migrate [--status] [--no-row-level-security]');
  });

  it('exits 2 on an unknown command', async () => {
    await expect(greentrack('frobnicate')).rejects.toMatchObject({ code: 2 });
  });

  it('migrate --status lists every migration of the embedded database in GREENTRACK_DATA_DIR', async () => {
    const { stdout } = await greentrack('migrate', '--status');
    expect(stdout).toContain(`Migrations on embedded PGlite (${join(dir, 'data')}):`);
    for (const name of migrationNames) expect(stdout).toMatch(new RegExp(`pending {2}${name}\\n`));
  });
});
