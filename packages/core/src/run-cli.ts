/**
 * The `greentrack` command's logic, as a function (the bin itself is `cli.ts`).
 *
 *   greentrack migrate            apply pending migrations
 *   greentrack migrate --status   list applied and pending migrations
 *   greentrack migrate --no-row-level-security
 *                                 a first migration without roles and policies
 *
 * Target: `DATABASE_URL` when set, else the embedded database in `GREENTRACK_DATA_DIR`
 * (default ./.greentrack/data).
 */
import { DEFAULT_DATA_DIR } from './db/index.js';
import { createGreenTrack } from './greentrack.js';

const usage = `Usage: greentrack migrate [--status] [--no-row-level-security]

Applies GreenTrack's migrations to DATABASE_URL, or to the embedded database in
GREENTRACK_DATA_DIR (default ${DEFAULT_DATA_DIR}) when DATABASE_URL is unset.
--no-row-level-security: a database migrated for the first time gets no roles and no
row-level-security policies (for a login that cannot create roles); match it with
\`rowLevelSecurity: false\` in createGreenTrack.`;

const FLAGS = new Set(['--status', '--no-row-level-security']);

/** Runs the CLI; returns the process exit code. */
export async function runCli(
  argv: string[],
  env: NodeJS.ProcessEnv,
  out: (line: string) => void,
): Promise<number> {
  const [command, ...flags] = argv;
  if (command !== 'migrate' || flags.some((f) => !FLAGS.has(f))) {
    out(usage);
    return command === undefined || command === '--help' || command === '-h' ? 0 : 2;
  }
  const url = env.DATABASE_URL;
  const dataDir = env.GREENTRACK_DATA_DIR ?? DEFAULT_DATA_DIR;
  const gt = await createGreenTrack({
    database: url ? { url } : { dataDir },
    rowLevelSecurity: !flags.includes('--no-row-level-security'),
  });
  try {
    const target = url ? `postgres (${redact(url)})` : `embedded PGlite (${dataDir})`;
    if (flags.includes('--status')) {
      out(`Migrations on ${target}:`);
      for (const m of await gt.migrationStatus()) {
        out(
          `  ${m.appliedAt ? 'applied' : 'pending'}  ${m.name}${m.appliedAt ? `  ${m.appliedAt.toISOString()}` : ''}`,
        );
      }
    } else {
      const { applied } = await gt.migrate();
      out(
        applied.length === 0
          ? `Already up to date: ${target}`
          : `Applied ${applied.length} migration(s) to ${target}:`,
      );
      for (const name of applied) out(`  ${name}`);
    }
    return 0;
  } finally {
    await gt.close();
  }
}

/** Hides the password of a connection string in output. */
function redact(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}
