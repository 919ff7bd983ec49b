/**
 * `campaigns`: a 100k-recipient email campaign (MJML template, every customer a member).
 *
 * - `campaigns.snapshot`: rows/s of the audience snapshot (`snapshotAudience`, ONE
 *   `INSERT … SELECT` into `campaign_audience`), p50 of 5, beside a hand-written
 *   `INSERT … SELECT` of the same rows (same segment, consent policy known in advance, one
 *   row per address). Both run as the login (no RLS), like `segments.members`; the service's
 *   time under RLS, as the worker runs it, is logged. ratio = service ÷ hand-written.
 * - `campaigns.dispatch`: messages/s of the whole run sent to the outbox provider by one
 *   worker PROCESS calling `gt.worker.tick()` (render, hand-off, send, record), beside a
 *   bare claim-and-mark SQL loop over a ledger of the same size (claim a batch with
 *   `FOR UPDATE SKIP LOCKED`, mark it sent; nothing rendered or written elsewhere).
 * - `campaigns.worker_rss_mb`: that worker's peak RSS, beside an idle worker's (same
 *   script, one tick with nothing to send).
 * - `campaigns.queries_per_message`: database round trips per message sent (every
 *   `pg.Client#query`, BEGIN/COMMIT and preambles included), beside the bare loop's.
 * - `campaigns.dispatch_2_workers`: messages/s of two worker processes on a second run of
 *   the same size, beside the one-worker figure.
 *
 * Every sent run is checked: one outbox record and one `sent` message per audience member,
 * no duplicates. Without `DATABASE_URL` (PGlite, one process) the dispatch runs in this
 * process and the process-based figures are skipped. `GREENTRACK_BENCH_SCALE` scales the
 * audience (default 1 on Postgres, 0.01 on PGlite). `GREENTRACK_BENCH_PROFILE=<dir>` writes
 * a V8 CPU profile of each worker process there (`node --cpu-prof`; open it in Chrome's
 * DevTools or VS Code).
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { type Kysely, sql } from 'kysely';
import { snapshotAudience } from '../src/campaigns/audience.js';
import { startDueCampaigns } from '../src/campaigns/index.js';
import { systemClock } from '../src/clock.js';
import type { Database } from '../src/db/types.js';
import type { GreenTrack } from '../src/greentrack.js';
import type { Scope } from '../src/scope.js';
import { parseRule, renderRule, segmentDefinition } from '../src/segments/index.js';
import type { WorkerReport } from './campaigns-worker.js';
import { timed } from './harness.js';
import { type Bench, percentile } from './lib.js';

const RULE_INPUT = { field: 'type', op: 'eq', value: 'customer' } as const;

/** A realistic marketing email: Liquid in text, attributes and around a block. */
const TEMPLATE = `<mjml>
  <mj-head>
    <mj-style>.note div { color: #555555 !important; }</mj-style>
  </mj-head>
  <mj-body background-color="#f4f4f4">
    <mj-section background-color="#ffffff">
      <mj-column>
        <mj-text font-size="20px" color="#0a7f3f">Hello {{ customer.first_name }},</mj-text>
        <mj-text css-class="note">Our spring sale for {{ organization.name }} customers in
          {{ customer.city | default: "your city" }} starts today: everything is 20 % off until Sunday.
          {% if customer.tags contains "vip" %}As a VIP you get early access.{% endif %}</mj-text>
        <mj-button href="https://shop.example/sale" background-color="#0a7f3f">Shop the sale</mj-button>
        <mj-text font-size="11px"><a href="{{ urls.unsubscribe }}">Unsubscribe</a> ·
          <a href="{{ urls.preferences }}">Preferences</a></mj-text>
      </mj-column>
    </mj-section>
  </mj-body>
</mjml>`;

const CITIES = ['London', 'Austin', 'Lyon', 'Turin', 'Toronto', 'Berlin'];

/** Snapshots per side: the p50 is taken (other processes share the machine). */
const SNAPSHOT_RUNS = 5;

/** Rows claimed per iteration of the bare loop (the dispatcher's default batch). */
const BARE_BATCH = 2000;

const WORKER = join(dirname(fileURLToPath(import.meta.url)), 'campaigns-worker.ts');

/** Starts worker processes, waits until all are ready, starts them together, collects reports. */
async function runWorkers(url: string, count: number): Promise<WorkerReport[]> {
  const children: ChildProcessWithoutNullStreams[] = [];
  const reports: Array<Promise<WorkerReport>> = [];
  const ready: Array<Promise<void>> = [];
  const profile = process.env.GREENTRACK_BENCH_PROFILE;
  const profiling = profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : [];
  for (let i = 0; i < count; i++) {
    const child = spawn(process.execPath, [...profiling, '--import', 'tsx', WORKER, url], {
      cwd: dirname(dirname(WORKER)),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    child.stderr.on('data', (chunk: Buffer) => process.stderr.write(chunk));
    children.push(child);
    const lines = createInterface({ input: child.stdout });
    let isReady: () => void = () => {};
    ready.push(new Promise<void>((resolve) => (isReady = resolve)));
    reports.push(
      new Promise<WorkerReport>((resolve, reject) => {
        lines.on('line', (line) => {
          if (line === 'ready') isReady();
          else if (line.startsWith('{')) resolve(JSON.parse(line) as WorkerReport);
        });
        child.on('exit', (code) => reject(new Error(`worker exited with ${code}`)));
      }),
    );
  }
  await Promise.all(ready);
  for (const child of children) child.stdin.write('go\n');
  return Promise.all(reports);
}

/** Every audience member of the run got exactly one outbox record and one sent message. */
async function verifySent(db: Kysely<Database>, runId: string, expected: number): Promise<void> {
  const { rows } = await sql<{ outbox: string; distinct_ids: string; sent: string }>`
    SELECT (SELECT count(*) FROM outbox_messages WHERE campaign_run_id = ${runId})::text AS outbox,
           (SELECT count(DISTINCT recipient) FROM outbox_messages WHERE campaign_run_id = ${runId})::text AS distinct_ids,
           (SELECT count(*) FROM messages WHERE campaign_run_id = ${runId} AND status = 'sent')::text AS sent`.execute(
    db,
  );
  const check = rows[0];
  if (
    Number(check?.outbox) !== expected ||
    Number(check?.distinct_ids) !== expected ||
    Number(check?.sent) !== expected
  ) {
    throw new Error(`run ${runId}: expected ${expected} sends, found ${JSON.stringify(check)}`);
  }
}

/** Schedules a copy of the campaign and starts it (snapshot + ledger) outside the timing. */
async function startedRun(
  gt: GreenTrack,
  org: ReturnType<GreenTrack['as']>,
  input: { name: string; templateId: string; segmentId: string },
): Promise<{ runId: string; ms: number; audience: number }> {
  const campaign = await org.campaigns.create({
    name: input.name,
    channel: 'email',
    template_id: input.templateId,
    segment_id: input.segmentId,
    utm_source: 'greentrack',
    utm_medium: 'email',
    utm_campaign: 'spring',
  });
  await org.campaigns.schedule(campaign.id);
  const { ms, result } = await timed(() =>
    startDueCampaigns({ database: gt.database, clock: systemClock, emit: () => {} }),
  );
  const run = result.find((r) => r.campaign_id === campaign.id);
  if (!run) throw new Error(`campaign ${input.name} did not start`);
  return { runId: run.id, ms, audience: run.stats.audience ?? 0 };
}

export const campaignsBench: Bench = {
  name: 'campaigns',
  description:
    '100k-recipient email campaign: snapshot, dispatch through the worker, round trips, RSS, 1 vs 2 workers',
  async run({ gt, db, dialect, databaseUrl, record, log }) {
    const scale = Number(process.env.GREENTRACK_BENCH_SCALE ?? (dialect === 'postgres' ? 1 : 0.01));
    const rows = Math.max(500, Math.round(100_000 * scale));
    const owner = await gt.users.create({ email: 'bench-campaigns@example.com', name: 'Bench' });
    const { organization } = await gt.organizations.create({
      name: 'Campaigns',
      ownerUserId: owner.id,
    });
    const orgId = organization.id;
    const org = gt.as({ userId: owner.id, organizationId: orgId });

    // ---- Data ---------------------------------------------------------------------------
    await sql`
      INSERT INTO customers (organization_id, type, name, email, city, country)
      SELECT ${orgId}, 'customer', 'Customer ' || i, 'bench.' || i || '@example.com',
             (${sql.lit(`{${CITIES.join(',')}}`)}::text[])[1 + i % ${CITIES.length}], 'GB'
      FROM generate_series(1, ${rows}) AS i`.execute(db);
    // The worker would otherwise spend its ticks embedding the new customers.
    await db.deleteFrom('embedding_jobs').where('organization_id', '=', orgId).execute();
    await sql`ANALYZE customers`.execute(db);
    const template = await org.templates.create({
      name: 'Spring sale',
      channel: 'email',
      format: 'mjml',
      subject: 'Spring sale, {{ customer.first_name }}',
      content: TEMPLATE,
    });
    const segment = await org.segments.create({ name: 'Customers', rule: RULE_INPUT });
    const ids = { templateId: template.id, segmentId: segment.id };

    // ---- campaigns.snapshot ---------------------------------------------------------------
    const holder = await org.campaigns.create({
      name: 'Snapshot runs',
      channel: 'email',
      template_id: template.id,
      segment_id: segment.id,
    });
    const newRun = async () =>
      (
        await db
          .insertInto('campaign_runs')
          .values({ campaign_id: holder.id, started_at: new Date() })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
    const scope: Scope = {
      db,
      organizationId: orgId,
      actor: { type: 'system', id: null },
      role: 'owner',
      clock: systemClock,
      emit: () => {},
    };
    const definition = await segmentDefinition(scope, segment.id);
    const reason = renderRule(parseRule(RULE_INPUT));
    const handInsert = (runId: string) => sql`
      INSERT INTO campaign_audience (campaign_run_id, customer_id, channel, address, included_reason)
      SELECT DISTINCT ON (lower(c.email)) ${runId}::uuid, c.id, 'email', c.email, ${reason}::text
        FROM customers c
       WHERE c.organization_id = ${orgId} AND c.type = 'customer' AND c.email IS NOT NULL
         AND NOT EXISTS (SELECT 1 FROM subscriptions s
                          WHERE s.organization_id = ${orgId} AND s.customer_id = c.id
                            AND s.channel = 'email' AND s.status <> 'subscribed')
       ORDER BY lower(c.email), c.id`;
    const serviceSnapshot = (s: Scope, runId: string) =>
      snapshotAudience(s, { campaignRunId: runId, channel: 'email', definition });
    const clear = (runId: string) =>
      db.deleteFrom('campaign_audience').where('campaign_run_id', '=', runId).execute();

    const serviceMs: number[] = [];
    const handMs: number[] = [];
    let serviceRun = '';
    let handRun = '';
    for (let i = 0; i < SNAPSHOT_RUNS; i++) {
      // Alternating which side goes first, so caching and noise favour neither.
      const sides = [
        async () => {
          if (serviceRun) await clear(serviceRun);
          serviceRun = await newRun();
          const { ms, result } = await timed(() => serviceSnapshot(scope, serviceRun));
          if (result !== rows) throw new Error(`snapshot froze ${result} of ${rows} recipients`);
          serviceMs.push(ms);
        },
        async () => {
          if (handRun) await clear(handRun);
          handRun = await newRun();
          const { ms, result } = await timed(() => handInsert(handRun).execute(db));
          if (Number(result.numAffectedRows) !== rows) throw new Error('hand-written rows differ');
          handMs.push(ms);
        },
      ];
      for (const side of i % 2 === 0 ? sides : [...sides].reverse()) await side();
    }
    const diff = await sql<{ n: string }>`
      SELECT count(*)::text AS n FROM (
        (SELECT customer_id, address, included_reason FROM campaign_audience WHERE campaign_run_id = ${serviceRun}
         EXCEPT SELECT customer_id, address, included_reason FROM campaign_audience WHERE campaign_run_id = ${handRun})
        UNION ALL
        (SELECT customer_id, address, included_reason FROM campaign_audience WHERE campaign_run_id = ${handRun}
         EXCEPT SELECT customer_id, address, included_reason FROM campaign_audience WHERE campaign_run_id = ${serviceRun})) d`.execute(
      db,
    );
    if (diff.rows[0]?.n !== '0') throw new Error(`snapshots differ in ${diff.rows[0]?.n} rows`);
    await clear(serviceRun);
    const secured = await timed(async () => {
      const runId = await newRun();
      await serviceSnapshot({ ...scope, db: gt.database.tenant(orgId) }, runId);
      await clear(runId);
    });
    const show = (samples: number[]) => samples.map((ms) => ms.toFixed(0)).join(' ');
    log(
      `snapshot runs (ms): service ${show(serviceMs)}; hand-written ${show(handMs)}; service under RLS once ${secured.ms.toFixed(0)}`,
    );
    const snapshotRate = rows / (percentile(serviceMs, 50) / 1000);
    const handRate = rows / (percentile(handMs, 50) / 1000);
    record({
      name: 'campaigns.snapshot',
      value: snapshotRate,
      unit: 'rows/s',
      baseline: handRate,
      ratio: snapshotRate / handRate,
      note: `${rows} recipients, p50 of ${SNAPSHOT_RUNS}; same rows verified; goal ≥ 0.9; ratio = service ÷ hand-written`,
    });

    // ---- Baseline: the bare claim-and-mark loop over a ledger of the same size -------------
    await db
      .insertInto('campaign_deliveries')
      .columns(['audience_id', 'organization_id', 'campaign_run_id', 'customer_id', 'not_before'])
      .expression((eb) =>
        eb
          .selectFrom('campaign_audience')
          .select((s) => [
            'id',
            s.val(orgId).as('organization_id'),
            'campaign_run_id',
            'customer_id',
            s.val(new Date()).as('not_before'),
          ])
          .where('campaign_run_id', '=', handRun),
      )
      .execute();
    await sql`ANALYZE campaign_deliveries`.execute(db);
    let bareTrips = 0;
    const bare = await timed(async () => {
      for (;;) {
        bareTrips += 1;
        const marked = await sql`
          WITH picked AS (
            SELECT audience_id FROM campaign_deliveries
             WHERE organization_id = ${orgId} AND campaign_run_id = ${handRun} AND state = 'pending'
               AND not_before <= now()
             ORDER BY not_before, audience_id LIMIT ${BARE_BATCH} FOR UPDATE SKIP LOCKED)
          UPDATE campaign_deliveries d SET state = 'sent', updated_at = now()
            FROM picked WHERE d.audience_id = picked.audience_id`.execute(db);
        if (Number(marked.numAffectedRows) === 0) break;
      }
    });
    const bareRate = rows / (bare.ms / 1000);
    const bareTripsPerMessage = bareTrips / rows;
    log(`bare claim-and-mark: ${rows} rows in ${bare.ms.toFixed(0)} ms, ${bareTrips} statements`);

    // ---- campaigns.dispatch, worker_rss_mb, queries_per_message: one worker ---------------
    const first = await startedRun(gt, org, { name: 'Spring', ...ids });
    if (first.audience !== rows) throw new Error(`run froze ${first.audience} of ${rows}`);
    log(
      `campaign start (snapshot + ledger + audit, as the worker does it): ${first.ms.toFixed(0)} ms`,
    );
    if (!databaseUrl) {
      // PGlite: one process; the worker runs here.
      const { ms } = await timed(async () => {
        for (;;) if ((await gt.worker.tick()).messagesSent === 0) break;
      });
      await verifySent(db, first.runId, rows);
      const rate = rows / (ms / 1000);
      record({
        name: 'campaigns.dispatch',
        value: rate,
        unit: 'msgs/s',
        baseline: bareRate,
        ratio: rate / bareRate,
        note: `${rows} messages, in-process worker (PGlite); goal ≥ 2000 msgs/s on Postgres`,
      });
      log('worker processes need DATABASE_URL: RSS, round trips and 2 workers skipped');
      return;
    }
    const [one] = await runWorkers(databaseUrl, 1);
    if (!one) throw new Error('no worker report');
    await verifySent(db, first.runId, rows);
    const oneRate = one.sent / ((one.endedAt - one.startedAt) / 1000);
    const cpuPerMessage = (report: WorkerReport) =>
      (report.cpuMs * 1000) / Math.max(1, report.sent);
    const dbCpuPerMessage = (report: WorkerReport) =>
      (report.dbCpuMs * 1000) / Math.max(1, report.sent);
    const cpuNote = (report: WorkerReport) =>
      `worker CPU ${cpuPerMessage(report).toFixed(0)} µs/msg, its Postgres backends ${dbCpuPerMessage(report).toFixed(0)} µs/msg`;
    log(`1 worker: ${JSON.stringify(one)}; ${cpuNote(one)}`);
    record({
      name: 'campaigns.dispatch',
      value: oneRate,
      unit: 'msgs/s',
      baseline: bareRate,
      ratio: oneRate / bareRate,
      note: `${one.sent} messages, 1 worker process, ${one.ticks} ticks, ${cpuNote(one)}; goal ≥ 2000 msgs/s; ratio = dispatch ÷ bare claim-and-mark`,
    });
    const [idle] = await runWorkers(databaseUrl, 1);
    if (!idle) throw new Error('no idle worker report');
    record({
      name: 'campaigns.worker_rss_mb',
      value: one.rssMiB,
      unit: 'MiB',
      baseline: idle.rssMiB,
      ratio: idle.rssMiB / one.rssMiB,
      note: 'peak RSS (VmHWM) of the worker process vs an idle worker; ratio = idle ÷ busy',
    });
    const perMessage = one.queries / one.sent;
    record({
      name: 'campaigns.queries_per_message',
      value: perMessage,
      unit: 'trips',
      baseline: bareTripsPerMessage,
      ratio: bareTripsPerMessage / perMessage,
      note: `${one.queries} pg round trips for ${one.sent} messages (BEGIN/COMMIT/preambles included); goal ≤ 0.01; ratio = bare ÷ dispatch`,
    });

    // ---- campaigns.dispatch_2_workers -------------------------------------------------------
    const second = await startedRun(gt, org, { name: 'Spring again', ...ids });
    const two = await runWorkers(databaseUrl, 2);
    await verifySent(db, second.runId, rows);
    const sentByTwo = two.reduce((n, r) => n + r.sent, 0);
    const span = Math.max(...two.map((r) => r.endedAt)) - Math.min(...two.map((r) => r.startedAt));
    const twoRate = sentByTwo / (span / 1000);
    log(`2 workers: ${two.map((r) => `${JSON.stringify(r)}; ${cpuNote(r)}`).join(' ')}`);
    record({
      name: 'campaigns.dispatch_2_workers',
      value: twoRate,
      unit: 'msgs/s',
      baseline: oneRate,
      ratio: twoRate / oneRate,
      note: `${sentByTwo} messages by 2 worker processes vs 1 (2 cores shared with the database)`,
    });
  },
};
