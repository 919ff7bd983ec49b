/**
 * `webhooks.ingest`: signed SendGrid Event Webhook batches (100 requests × 1,000 events by
 * default) posted through `gt.handler` end to end — route, account lookup, decryption of the
 * account's key, ECDSA verification by `@sendgrid/eventwebhook`, the stored row, then
 * processing by the worker (batches above the inline limit are left to it): events resolved
 * to messages, `message_events` rows, status moves and consent changes.
 *
 * Figure: events/s from the first request to the last stored webhook processed. Baseline, in
 * the same run: the same `message_events` rows written into a second organization's messages
 * by plain multi-row `INSERT … VALUES` (1,000 rows per statement) in one transaction — no
 * HTTP, no verification, no JSON, no resolution, no status or consent. ratio = ingest ÷ raw.
 * Goal (issue 13): ≥ 5,000 events/s on PostgreSQL.
 *
 * `GREENTRACK_BENCH_SCALE` scales the request count (default 1 on Postgres, 0.05 on PGlite).
 * Run: `DATABASE_URL=postgres://… pnpm bench webhooks.ingest`
 */
import { sendgridWebhooks } from '../src/sendgrid/index.js';
import { planDeliveries, renderWebhook } from '../test/delivery-replay.js';
import { drainWebhooks, seedPlanMessages } from '../test/delivery-seed.js';
import { sendgridSigner } from '../test/sendgrid-webhook.js';
import {
  type BenchFigure,
  benchGreenTrack,
  printFigure,
  selected,
  timed,
  writeFigures,
} from './results.js';

const NAME = 'webhooks.ingest';
const STORED_TYPES: Record<string, string> = {
  delivered: 'delivered',
  open: 'open',
  click: 'click',
  bounce: 'bounce',
  spamreport: 'spam',
  unsubscribe: 'unsubscribe',
  group_unsubscribe: 'unsubscribe',
};

/** The `webhooks.ingest` benchmark (run by `bench/run.ts`). */
export async function webhooksIngestBench(): Promise<void> {
  if (!selected(NAME)) return;
  const url = process.env.DATABASE_URL;
  const scale = Number(process.env.GREENTRACK_BENCH_SCALE ?? (url ? 1 : 0.05));
  const requests = Math.max(1, Math.round(100 * scale));
  const batchSize = 1000;
  const plan = planDeliveries({
    seed: 7,
    events: requests * batchSize,
    postmarkMessages: 0,
    batchSize,
  });
  const batches = plan.webhooks.slice(0, requests);
  const events = batches.reduce((n, b) => n + b.events.length, 0);
  console.log(
    `\n## ${NAME}: ${batches.length} signed SendGrid batches, ${events} events, ${plan.sendgridMessages} messages`,
  );

  const { gt, owner, makeOrg, close } = await benchGreenTrack({ webhooks: [sendgridWebhooks()] });
  const figures: BenchFigure[] = [];
  try {
    const ingestOrg = await makeOrg('Ingest');
    const rawOrg = await makeOrg('Raw');
    const signer = sendgridSigner();
    const account = await gt
      .as({ userId: owner.id, organizationId: ingestOrg })
      .integrations.create({
        provider: 'sendgrid',
        credentials: { webhookPublicKey: signer.publicKey },
      });
    const base = Math.floor(Date.now() / 1000);
    const ingestIds = await seedPlanMessages(gt, ingestOrg, plan, base);
    const rawIds = await seedPlanMessages(gt, rawOrg, plan, base);
    const bodies = batches.map((b) => renderWebhook(b, ingestIds));

    const system = gt.database.system('the benchmark reads failed webhooks');
    const post = await timed(async () => {
      for (const body of bodies) {
        const response = await gt.handler(
          new Request(`http://bench.test/api/greentrack/webhooks/sendgrid/${account.id}`, {
            method: 'POST',
            headers: signer.headers(body),
            body,
          }),
        );
        if (response.status !== 200)
          throw new Error(`answered ${response.status}: ${await response.text()}`);
      }
    });
    const drain = await timed(() => drainWebhooks(gt));
    const failed = await system
      .selectFrom('webhooks_inbound')
      .select('error')
      .where('status', '=', 'failed')
      .execute();
    if (failed.length > 0)
      throw new Error(`failed webhooks: ${JSON.stringify(failed.slice(0, 3))}`);
    const stored = await gt.database
      .tenant(ingestOrg)
      .selectFrom('message_events')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    console.log(
      `  requests answered in ${post.ms.toFixed(0)} ms (${(bodies.length / (post.ms / 1000)).toFixed(1)} req/s), worker drained in ${drain.ms.toFixed(0)} ms; message_events: ${stored.n}`,
    );

    // The baseline's rows: what the ingest stored, mapped to the raw organization's messages.
    const seen = new Set<string>();
    const rows = batches.flatMap((b) =>
      b.events.flatMap((e) => {
        const type = STORED_TYPES[e.kind];
        if (type === undefined || e.message < 0) return [];
        const key = `${e.message}:${type}:${e.at}`;
        if (seen.has(key)) return [];
        seen.add(key);
        return [
          {
            organization_id: rawOrg,
            message_id: rawIds.messageIds[e.message] as string,
            type: type as 'delivered',
            occurred_at: new Date((base + e.at) * 1000),
            metadata: JSON.stringify({ ...e.extra, provider_event_id: e.id }),
          },
        ];
      }),
    );
    const raw = await timed(() =>
      gt.database
        .tenant(rawOrg)
        .transaction()
        .execute(async (trx) => {
          for (let start = 0; start < rows.length; start += 1000)
            await trx
              .insertInto('message_events')
              .values(rows.slice(start, start + 1000))
              .execute();
        }),
    );
    console.log(`  raw INSERT of ${rows.length} message_events rows: ${raw.ms.toFixed(0)} ms`);

    const value = events / ((post.ms + drain.ms) / 1000);
    const baseline = events / (raw.ms / 1000);
    figures.push({
      name: NAME,
      db: gt.dialect,
      value,
      unit: 'events/s',
      baseline,
      ratio: value / baseline,
      note: `${bodies.length} signed SendGrid batches of ${batchSize} through gt.handler, stored and processed (worker); baseline = multi-row INSERT of the same message_events rows; ratio = ingest ÷ raw`,
    });
    for (const f of figures) printFigure(f);
  } finally {
    await close();
  }
  await writeFigures(figures);
}
