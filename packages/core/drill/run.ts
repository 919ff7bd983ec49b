/**
 * The dispatch crash drill (issue 10's acceptance): worker PROCESSES share one Postgres
 * database and dispatch a campaign while the drill SIGKILLs a random one again and again and
 * restarts it; then a second campaign is paused and resumed over and over. At the end every
 * audience member must have exactly one send recorded by the outbox provider.
 *
 * Kills and pauses are paced by progress (the k-th at k/(n+1) of the audience), not by the
 * wall clock, so they land during the run however fast or slow the machine is.
 *
 * `pnpm drill:dispatch` runs it at full size (`cli.ts`); `crash-drill.test.ts` runs a smaller
 * one in `npm test` (Postgres only).
 */
import { type ChildProcess, fork } from 'node:child_process';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { createGreenTrack, type GreenTrack } from '../src/greentrack.js';
import type { TenantFacade } from '../src/tenant.js';
import { type RunCheck, verifyRun } from './verify.js';

/** What the drill does. */
export interface DrillOptions {
  /** A migrated Postgres database the drill may fill (it is not dropped here). */
  databaseUrl: string;
  /** Audience of each of the two campaigns. */
  recipients: number;
  /** Worker processes. @default 4 */
  workers?: number;
  /** SIGKILLs during the first campaign. */
  kills: number;
  /** Pause/resume cycles of the second campaign. */
  pauseResumeCycles: number;
  /** The outbox deduplicates by message id (as a provider with idempotency keys). */
  idempotent: boolean;
  /** The workers' claim lease: how soon a killed worker's claims are recovered. @default 2000 */
  leaseMs?: number;
  /** Deliveries per claim. @default 100 */
  batchSize?: number;
  /** How long a paused campaign is watched for sends that should not happen. @default 300 */
  pauseHoldMs?: number;
  /** Gives up (a violation) when a campaign has not completed by then. @default 600000 */
  timeoutMs?: number;
  log?: (line: string) => void;
}

/** What the drill measured, and every violation it found. */
export interface DrillReport {
  idempotent: boolean;
  recipients: number;
  workers: number;
  durationMs: number;
  /** Kills that landed while the first campaign still had open deliveries. */
  killsDuringRun: number;
  kills: number;
  pauseResumeCycles: number;
  /** The kill campaign and the pause/resume campaign, checked against the outbox. */
  runs: { kills: RunCheck; pauses: RunCheck };
  /**
   * Non-idempotent outbox only: how the held messages were resolved through
   * `org.campaigns` as a person would (the provider's log — the outbox — shows the message:
   * mark it sent; it does not: resend it), and both runs checked again afterwards.
   */
  resolution?: {
    markedSent: number;
    resent: number;
    runs: { kills: RunCheck; pauses: RunCheck };
  };
  violations: string[];
}

const here = dirname(fileURLToPath(import.meta.url));
const FINAL_STATES = ['sent', 'failed', 'skipped', 'unknown'] as const;

/** Runs the drill; never throws for a violation (they are in the report). */
export async function runDrill(options: DrillOptions): Promise<DrillReport> {
  const started = Date.now();
  const log = options.log ?? (() => {});
  const workerCount = options.workers ?? 4;
  const leaseMs = options.leaseMs ?? 2000;
  const violations: string[] = [];
  const gt = await createGreenTrack({ database: { url: options.databaseUrl, maxConnections: 4 } });
  const pool = new WorkerPool(options, leaseMs, violations);
  try {
    const seeded = await seed(gt, options.recipients);
    const db = gt.database.tenant(seeded.organizationId);
    const progress = async (runId: string) => {
      const row = await db
        .selectFrom('campaign_deliveries')
        .select((eb) => [
          eb.fn.countAll<string>().as('total'),
          eb.fn
            .count<string>('audience_id')
            .filterWhere('state', 'in', [...FINAL_STATES])
            .as('final'),
          eb.fn
            .count<string>('audience_id')
            .filterWhere('state', 'in', ['claimed', 'handed'])
            .as('inFlight'),
        ])
        .where('campaign_run_id', '=', runId)
        .executeTakeFirstOrThrow();
      return { total: Number(row.total), final: Number(row.final), inFlight: Number(row.inFlight) };
    };
    const deadline = started + (options.timeoutMs ?? 600_000);
    // The ledger is final before a worker's next tick marks the campaign completed.
    const completion = async (campaignId: string) => {
      while (Date.now() < deadline) {
        if ((await seeded.org.campaigns.get(campaignId)).status === 'completed') return;
        await sleep(50);
      }
    };
    const startRun = async (campaignId: string) => {
      await seeded.org.campaigns.schedule(campaignId);
      for (;;) {
        const [run] = await seeded.org.campaigns.runs(campaignId);
        if (run) return run.id;
        if (Date.now() > deadline) throw new Error('the workers never started the campaign');
        await sleep(50);
      }
    };

    await pool.start(workerCount);
    log(
      `${workerCount} workers up; campaign 1: ${options.recipients} recipients, ${options.kills} kills`,
    );

    // Campaign 1: a random worker is killed at each k/(kills+1) of the audience.
    const killRun = await startRun(seeded.campaigns.kills);
    let killsDuringRun = 0;
    for (;;) {
      const p = await progress(killRun);
      const due = Math.floor(((killsDuringRun + 1) * p.total) / (options.kills + 1));
      if (p.final === p.total) break;
      if (killsDuringRun < options.kills && p.final >= due) {
        await pool.killOneAndRestart();
        killsDuringRun++;
      }
      if (Date.now() > deadline) {
        violations.push(`campaign 1 did not finish in time (${p.final}/${p.total} final)`);
        break;
      }
      await sleep(20);
    }
    // Kills the run finished too fast for still happen, so the drill always kills `kills` times.
    while (pool.kills < options.kills) await pool.killOneAndRestart();
    await completion(seeded.campaigns.kills);
    log(`campaign 1 done: ${killsDuringRun}/${options.kills} kills landed during the run`);
    if (killsDuringRun < options.kills)
      violations.push(`only ${killsDuringRun} of ${options.kills} kills landed during the run`);

    // Campaign 2: paused at each k/(cycles+1) of the audience; nothing may go out while paused.
    const pauseRun = await startRun(seeded.campaigns.pauses);
    let cycles = 0;
    for (;;) {
      const p = await progress(pauseRun);
      if (p.final === p.total) break;
      const due = Math.floor(((cycles + 1) * p.total) / (options.pauseResumeCycles + 1));
      if (cycles < options.pauseResumeCycles && p.final >= due) {
        await seeded.org.campaigns.pause(seeded.campaigns.pauses);
        // Batches claimed before the pause may finish; then the ledger must stand still.
        let settled = await progress(pauseRun);
        while (settled.inFlight > 0 && Date.now() < deadline) {
          await sleep(20);
          settled = await progress(pauseRun);
        }
        await sleep(options.pauseHoldMs ?? 300);
        const after = await progress(pauseRun);
        if (after.final !== settled.final || after.inFlight > 0)
          violations.push(
            `pause ${cycles + 1}: deliveries moved while paused (${settled.final} → ${after.final} final, ${after.inFlight} in flight)`,
          );
        await seeded.org.campaigns.resume(seeded.campaigns.pauses);
        cycles++;
      }
      if (Date.now() > deadline) {
        violations.push(`campaign 2 did not finish in time (${p.final}/${p.total} final)`);
        break;
      }
      await sleep(20);
    }
    await completion(seeded.campaigns.pauses);
    log(`campaign 2 done: ${cycles} pause/resume cycles`);
    if (cycles < options.pauseResumeCycles)
      violations.push(`only ${cycles} of ${options.pauseResumeCycles} pause/resume cycles ran`);
    await pool.stop();

    // Through an idempotent provider nothing may stay held; through one without idempotency,
    // interrupted calls are held (never resent by the workers) and must all be explained.
    const runs = {
      kills: await verifyRun(db, killRun, !options.idempotent),
      pauses: await verifyRun(db, pauseRun, !options.idempotent),
    };
    for (const [name, check] of Object.entries(runs))
      for (const v of check.violations) violations.push(`${name}: ${v}`);
    let resolution: DrillReport['resolution'];
    if (!options.idempotent) {
      const resolved = await resolveHeld(gt, seeded.organizationId, seeded.org);
      resolution = {
        ...resolved,
        runs: {
          kills: await verifyRun(db, killRun, false),
          pauses: await verifyRun(db, pauseRun, false),
        },
      };
      for (const [name, check] of Object.entries(resolution.runs))
        for (const v of check.violations) violations.push(`${name}, after resolving: ${v}`);
    }
    for (const id of Object.values(seeded.campaigns)) {
      const { status } = await seeded.org.campaigns.get(id);
      if (status !== 'completed') violations.push(`campaign ${id} is ${status}, not completed`);
    }
    return {
      idempotent: options.idempotent,
      recipients: options.recipients,
      workers: workerCount,
      durationMs: Date.now() - started,
      killsDuringRun,
      kills: pool.kills,
      pauseResumeCycles: cycles,
      runs,
      ...(resolution ? { resolution } : {}),
      violations,
    };
  } finally {
    await pool.stop();
    await gt.close();
  }
}

/** The drill's worker processes; each is replaced the moment it is killed. */
class WorkerPool {
  kills = 0;
  private readonly children = new Set<ChildProcess>();
  private stopping = false;

  constructor(
    private readonly options: DrillOptions,
    private readonly leaseMs: number,
    private readonly violations: string[],
  ) {}

  async start(count: number): Promise<void> {
    await Promise.all(Array.from({ length: count }, () => this.spawn()));
  }

  /** SIGKILLs a random worker (no warning, no cleanup) and starts a new one. */
  async killOneAndRestart(): Promise<void> {
    const victims = [...this.children];
    const victim = victims[Math.floor(Math.random() * victims.length)];
    if (victim) {
      const gone = new Promise((resolve) => victim.once('exit', resolve));
      this.children.delete(victim);
      victim.kill('SIGKILL');
      await gone;
      this.kills++;
    }
    // Not awaited: the others keep working while the replacement boots, as in production.
    void this.spawn();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    const all = [...this.children];
    this.children.clear();
    await Promise.all(
      all.map((child) => {
        if (child.exitCode !== null || child.signalCode !== null) return undefined;
        const gone = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGKILL');
        return gone;
      }),
    );
  }

  private spawn(): Promise<void> {
    if (this.stopping) return Promise.resolve();
    const child = fork(join(here, 'worker.ts'), [], {
      execArgv: ['--import', 'tsx'],
      env: {
        ...process.env,
        DATABASE_URL: this.options.databaseUrl,
        DRILL_IDEMPOTENT: this.options.idempotent ? '1' : '0',
        DRILL_LEASE_MS: String(this.leaseMs),
        // The provider call must end well inside the lease (the config refuses otherwise).
        DRILL_SEND_TIMEOUT_MS: String(Math.floor(this.leaseMs / 2)),
        DRILL_BATCH_SIZE: String(this.options.batchSize ?? 100),
      },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    this.children.add(child);
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-2000);
    });
    child.once('exit', (code, signal) => {
      // Killed by the drill: expected. Anything else is a worker that crashed by itself.
      if (signal !== 'SIGKILL' && !this.stopping)
        this.violations.push(`a worker exited by itself (${signal ?? code}): ${stderr.trim()}`);
      this.children.delete(child);
    });
    return new Promise((resolve) => {
      child.once('message', () => resolve());
      child.once('exit', () => resolve());
    });
  }
}

/**
 * Resolves every held message as a person with the provider's log at hand would: the
 * outbox recorded it → mark it sent; it did not → resend it (under its same id).
 */
async function resolveHeld(gt: GreenTrack, organizationId: string, org: TenantFacade) {
  let markedSent = 0;
  let resent = 0;
  for (;;) {
    const { items } = await org.campaigns.unknownOutcomes({ limit: 500 });
    if (items.length === 0) return { markedSent, resent };
    const logged = new Set(
      (
        await gt.database
          .tenant(organizationId)
          .selectFrom('outbox_messages')
          .select('message_id')
          .where(
            'message_id',
            'in',
            items.map((i) => i.message_id),
          )
          .execute()
      ).map((r) => r.message_id),
    );
    for (const item of items) {
      if (logged.has(item.message_id)) {
        await org.campaigns.resolveUnknown(item.message_id, {
          outcome: 'sent',
          note: 'recorded by the outbox',
        });
        markedSent++;
      } else {
        await org.campaigns.resendUnknown(item.message_id);
        resent++;
      }
    }
  }
}

/** An organization with two email campaigns, each over its own `recipients` customers. */
async function seed(gt: GreenTrack, recipients: number) {
  const owner = await gt.users.create({
    email: `drill-${Date.now()}@drill.test`,
    name: 'Drill owner',
  });
  const { organization } = await gt.organizations.create({
    name: 'Drill',
    ownerUserId: owner.id,
  });
  const organizationId = organization.id;
  const org = gt.as({ userId: owner.id, organizationId });
  const db = gt.database.tenant(organizationId);
  const { id: templateId } = await db
    .insertInto('templates')
    .values({
      organization_id: organizationId,
      name: 'Drill',
      channel: 'email',
      subject: 'Drill for {{ customer.name }}',
      content: '<p>Hello {{ customer.name }}</p>',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const campaignOver = async (name: string, domain: string) => {
    // One set-based insert: seeding 20k customers through the API would take minutes.
    await sql`
      INSERT INTO customers (organization_id, type, name, email)
      SELECT ${organizationId}, 'customer', 'Drill ' || g, 'r' || g || '@' || ${domain}
        FROM generate_series(1, ${recipients}) AS g`.execute(db);
    const segment = await org.segments.create({
      name,
      rule: { field: 'email_domain', op: 'eq', value: domain },
    });
    const campaign = await org.campaigns.create({
      name,
      channel: 'email',
      template_id: templateId,
      segment_id: segment.id,
    });
    return campaign.id;
  };
  return {
    organizationId,
    org,
    campaigns: {
      kills: await campaignOver('Drill: kills', 'kills.drill.test'),
      pauses: await campaignOver('Drill: pauses', 'pauses.drill.test'),
    },
  };
}
