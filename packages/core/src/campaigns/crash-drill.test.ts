/**
 * The crash drill at test size (issue 10's acceptance; `pnpm drill:dispatch` runs it at
 * 20k recipients and 50 kills): worker PROCESSES dispatch against one Postgres database
 * while random ones are SIGKILLed and restarted, then a campaign is paused and resumed. The
 * outbox records every send and does NOT deduplicate, so a message sent twice shows as two
 * records: every recipient must end with exactly one, after the held ones (the calls a kill
 * interrupted) are resolved through `org.campaigns` as a person would.
 *
 * Postgres only: the workers are separate processes sharing one database, which an embedded
 * PGlite cannot be.
 */
import { describe, expect, inject, it } from 'vitest';
import { runDrill } from '../../drill/run.js';
import { createTestDatabase } from '../../test/harness.js';

const target = inject('greentrackDatabase');
const RECIPIENTS = 2000;

describe.runIf(target.kind === 'postgres')('the dispatch crash drill [postgres]', () => {
  it('4 worker processes, 10 SIGKILLs, 3 pause/resume cycles: every recipient gets exactly one message', async () => {
    const database = await createTestDatabase();
    try {
      const report = await runDrill({
        databaseUrl: database.options.url ?? '',
        recipients: RECIPIENTS,
        workers: 4,
        kills: 10,
        pauseResumeCycles: 3,
        idempotent: false,
        leaseMs: 2000,
        batchSize: 50,
      });
      expect(report.violations).toEqual([]);
      expect(report.killsDuringRun).toBe(10);
      expect(report.pauseResumeCycles).toBe(3);
      for (const run of Object.values(report.runs)) {
        expect(run.audience).toBe(RECIPIENTS);
        expect(run.duplicates).toBe(0);
        // Whatever is missing is held for a person, never silently dropped.
        expect(run.missing).toBe(run.unknown.notRecorded);
      }
      // Not asserted: that a kill interrupted work (a reclaimed claim or a held call). With
      // dispatch at ~2,000 msgs/s a killed worker is sometimes between batches, and 10 such
      // kills in one run happened (once in ~6 runs): timing, not a defect. The full drill
      // (`pnpm drill:dispatch`, 20,000 recipients) reports how many kills interrupted work.
      for (const run of Object.values(report.resolution?.runs ?? {}))
        expect(run).toMatchObject({ sentOnce: RECIPIENTS, duplicates: 0, missing: 0 });
    } finally {
      await database.drop();
    }
  }, 240_000);
});
