/**
 * `pnpm drill:dispatch [--recipients N] [--kills N] [--cycles N] [--workers N] [--mode idempotent|plain|both]`:
 * the full-size crash drill on the Postgres server of DATABASE_URL, each mode in a fresh
 * database. Prints a summary per mode and exits non-zero on any violation.
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { createGreenTrack } from '../src/greentrack.js';
import { adminStatement, withDatabase } from '../test/target.js';
import { type DrillReport, runDrill } from './run.js';

// `pnpm drill:dispatch -- --mode plain` hands the `--` on; npm-style habits should work too.
const args = process.argv.slice(2).filter((arg, i) => !(i === 0 && arg === '--'));
const { values } = parseArgs({
  args,
  options: {
    recipients: { type: 'string', default: '20000' },
    kills: { type: 'string', default: '50' },
    cycles: { type: 'string', default: '10' },
    workers: { type: 'string', default: '4' },
    'lease-ms': { type: 'string', default: '2000' },
    mode: { type: 'string', default: 'both' },
  },
});

/** A fresh migrated database for one mode; dropped afterwards. */
async function inFreshDatabase<T>(url: string, use: (url: string) => Promise<T>): Promise<T> {
  const name = `gt_drill_${randomBytes(4).toString('hex')}`;
  await adminStatement(url, `CREATE DATABASE ${name}`);
  const target = withDatabase(url, name);
  try {
    const gt = await createGreenTrack({ database: { url: target } });
    await gt.migrate();
    await gt.close();
    return await use(target);
  } finally {
    await adminStatement(url, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
}

function print(report: DrillReport): void {
  const mode = report.idempotent ? 'idempotent outbox' : 'non-idempotent outbox';
  console.log(`\n== ${mode}: ${report.violations.length === 0 ? 'PASS' : 'FAIL'}`);
  console.log(
    `   ${report.workers} worker processes, ${report.recipients} recipients per campaign, ${(report.durationMs / 1000).toFixed(1)} s`,
  );
  console.log(
    `   kills: ${report.kills} SIGKILLs (${report.killsDuringRun} during the run); pause/resume cycles: ${report.pauseResumeCycles}`,
  );
  for (const [name, run] of Object.entries(report.runs)) {
    console.log(
      `   campaign "${name}": audience ${run.audience}, sent once ${run.sentOnce}, duplicates ${run.duplicates}, missing ${run.missing}` +
        `, unknown ${run.unknown.total} (${run.unknown.recordedByProvider} recorded by the provider, ${run.unknown.notRecorded} not)` +
        `, claims recovered ${run.reclaimed}; ledger ${JSON.stringify(run.deliveriesByState)}`,
    );
  }
  if (report.resolution) {
    const { markedSent, resent, runs } = report.resolution;
    console.log(
      `   held messages resolved through org.campaigns: ${markedSent} marked sent (the outbox had them), ${resent} resent`,
    );
    for (const [name, run] of Object.entries(runs))
      console.log(
        `   after resolving, campaign "${name}": sent once ${run.sentOnce}/${run.audience}, duplicates ${run.duplicates}, missing ${run.missing}, unknown ${run.unknown.total}`,
      );
  }
  for (const v of report.violations) console.log(`   VIOLATION: ${v}`);
}

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url)
    throw new Error('DATABASE_URL must name a Postgres server (the drill needs real Postgres)');
  const modes = values.mode === 'both' ? [true, false] : [values.mode === 'idempotent'];
  let failed = false;
  for (const idempotent of modes) {
    const report = await inFreshDatabase(url, (databaseUrl) =>
      runDrill({
        databaseUrl,
        idempotent,
        recipients: Number(values.recipients),
        kills: Number(values.kills),
        pauseResumeCycles: Number(values.cycles),
        workers: Number(values.workers),
        leaseMs: Number(values['lease-ms']),
        log: (line) => console.log(`   ${line}`),
      }),
    );
    print(report);
    failed ||= report.violations.length > 0;
  }
  process.exitCode = failed ? 1 : 0;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
