/**
 * One worker process of the `campaigns` benchmark: `tsx bench/campaigns-worker.ts <url>`.
 *
 * It opens its own GreenTrack instance on the benchmark database, prints `ready`, waits for
 * `go` on stdin (so several workers start together), then calls `gt.worker.tick()` until a
 * tick sends nothing, and prints one JSON line: messages sent, wall time, database round
 * trips, CPU time and peak RSS. Round trips are counted by wrapping `pg.Client#query`, under
 * the Kysely layer, so BEGIN, COMMIT and the scoped-access preambles count too. CPU time
 * (`process.cpuUsage`, user + system) is this process's own: on a machine shared with other
 * work it moves far less than messages/s does.
 */
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import pg from 'pg';
import { createGreenTrack } from '../src/greentrack.js';
import { peakRssMiB } from './lib.js';

/** What a worker reports to the benchmark. */
export interface WorkerReport {
  sent: number;
  failed: number;
  ticks: number;
  /** Epoch milliseconds of the first tick's start and the last tick's end. */
  startedAt: number;
  endedAt: number;
  /** Round trips to the database between `go` and the end (every `pg` query call). */
  queries: number;
  /** CPU time of this process between `go` and the end, user + system, milliseconds. */
  cpuMs: number;
  /**
   * CPU time of the Postgres backends this worker used between `go` and the end, user +
   * system, milliseconds (Linux `/proc/<pid>/stat` of each connection's backend; 0 when the
   * server is elsewhere). The database's share of a message, which wall time cannot give on
   * a shared machine.
   */
  dbCpuMs: number;
  rssMiB: number;
}

/** utime + stime of a local process in milliseconds, or undefined when it cannot be read. */
function processCpuMs(pid: number): number | undefined {
  try {
    // Fields after the parenthesised name: state is field 3, utime 14 and stime 15.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return (ticks * 1000) / 100; // USER_HZ is 100 on Linux
  } catch {
    return undefined;
  }
}

let queries = 0;
let measuring = false;
/** Backend pid → its CPU time when this worker first used it after `go`. */
const backends = new Map<number, number>();
const query = pg.Client.prototype.query;
// Every statement of the pool goes through here, whatever layer sent it.
pg.Client.prototype.query = function counted(this: pg.Client, ...args: unknown[]) {
  queries += 1;
  // `processID` is set once the connection's startup is done (pg's BackendKeyData).
  const pid = (this as pg.Client & { processID?: number | null }).processID;
  if (measuring && pid && !backends.has(pid)) backends.set(pid, processCpuMs(pid) ?? Number.NaN);
  return (query as (...a: unknown[]) => unknown).apply(this, args);
} as typeof query;

/** CPU the backends used since this worker first used each of them. */
function backendsCpuMs(): number {
  let total = 0;
  for (const [pid, start] of backends) {
    const now = processCpuMs(pid);
    if (now !== undefined && Number.isFinite(start)) total += now - start;
  }
  return total;
}

async function main(): Promise<void> {
  const url = process.argv[2];
  if (!url) throw new Error('usage: campaigns-worker.ts <database url>');
  const gt = await createGreenTrack({
    database: { url, maxConnections: 4 },
    secret: 'benchmark-secret-benchmark-secret-0123',
  });
  try {
    const lines = createInterface({ input: process.stdin });
    const go = new Promise<void>((resolve) => {
      lines.on('line', (line) => {
        if (line.trim() === 'go') resolve();
      });
    });
    process.stdout.write('ready\n');
    await go;
    lines.close();
    const before = queries;
    measuring = true;
    const cpu = process.cpuUsage();
    const startedAt = Date.now();
    let sent = 0;
    let failed = 0;
    let ticks = 0;
    for (;;) {
      const tick = await gt.worker.tick();
      ticks += 1;
      sent += tick.messagesSent;
      failed += tick.messagesFailed;
      if (tick.messagesSent === 0 && tick.messagesFailed === 0) break;
    }
    const used = process.cpuUsage(cpu);
    const dbCpuMs = backendsCpuMs();
    const report: WorkerReport = {
      sent,
      failed,
      ticks,
      startedAt,
      endedAt: Date.now(),
      queries: queries - before,
      cpuMs: (used.user + used.system) / 1000,
      dbCpuMs,
      rssMiB: await peakRssMiB(),
    };
    process.stdout.write(`${JSON.stringify(report)}\n`);
  } finally {
    await gt.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
