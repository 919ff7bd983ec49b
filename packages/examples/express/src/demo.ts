/**
 * The GreenTrack demo: opens the embedded database (no server to install), applies the
 * migrations, makes sure a demo organization exists, imports a few sample customers from
 * CSV (an upsert: re-running changes nothing), embeds them, searches, shows consent, and
 * prints what the schema holds. Then it seeds ~2,000 generated customers and leads (once; a
 * second run finds them and skips) and serves the Express example's page — the segment
 * builder and the customer list over that data — until Ctrl-C, printing its URL.
 * `--no-serve` exits after the summary instead (scripts, CI).
 *
 *   PORT                 port of the page (default 3000)
 *   GREENTRACK_DATA_DIR  where the embedded database lives (default ./.greentrack/demo)
 *   DATABASE_URL         use a Postgres server instead
 */
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGreenTrack, type GreenTrack, seedColumns, seedTableNames } from '@greentrack/core';
import { createExampleApp } from './app.js';
import { ensureDemoData } from './demo-data.js';
import { seedDemoCustomers } from './demo-seed.js';

/** Sample customers; row 4 is deliberately bad, to show per-row error reporting. */
const SAMPLE_CSV = [
  'Name,E-mail,Phone,City,Country,Tags',
  'Ana Baker,ana@bakery.example,(415) 555-2671,San Francisco,US,vip',
  'Bruno Baker,bruno@bakery.example,030 12345678,Berlin,DE,wholesale',
  'Chloé Martin,chloe@patisserie.example,06 12 34 56 78,Lyon,FR,',
  'Broken Row,not-an-email,,Nowhere,US,',
].join('\n');

export async function runDemo(gt: GreenTrack, log: (line: string) => void): Promise<void> {
  const { applied } = await gt.migrate();
  log(applied.length ? `Applied migrations: ${applied.join(', ')}` : 'Migrations: up to date');

  const { owner, organization } = await ensureDemoData(gt);
  const org = gt.as({ userId: owner.id, organizationId: organization.id });
  const members = await org.memberships.list();
  const audit = await org.auditLog.list({ limit: 5 });

  log(`Database: ${gt.dialect}, embedding dimension ${await gt.embeddingDimensions()}`);
  log(
    `Organization: ${organization.name} (${organization.id}), ${members.length} member(s), role of demo user: ${await org.role()}`,
  );
  log(`Latest audit entries: ${audit.items.map((a) => a.action).join(', ')}`);
  log('');

  // CRM: a small CSV import (an upsert by email: running the demo again changes nothing),
  // embeddings computed by one worker tick, a search, and consent.
  const imported = await org.customers.import(SAMPLE_CSV, { tags: ['demo'] });
  log(
    `CSV import: ${imported.processed} rows → ${imported.created} created, ${imported.updated} updated, ${imported.skipped} unchanged, ${imported.failed} rejected`,
  );
  for (const error of imported.errors)
    log(`  row ${error.row}: ${error.field ?? ''} ${error.message}`);
  const { embedded } = await gt.worker.tick();
  log(`Worker tick: ${embedded} customer profile(s) embedded`);
  const found = await org.customers.list({ q: 'baker', include_total: true });
  log(
    `Search "baker": ${found.total} match(es): ${found.items.map((c) => `${c.name} <${c.email}> ${c.phone ?? ''}`).join('; ')}`,
  );
  const first = found.items[0];
  if (first) {
    const consent = await org.consent.get(first.id);
    log(
      `Consent of ${first.name}: email ${consent.email.canSend ? 'can' : 'cannot'} be sent (${consent.email.reason}), SMS ${consent.sms.canSend ? 'can' : 'cannot'} (${consent.sms.reason})`,
    );
  }

  // Segments: previews of drafts (nothing saved), with why each member is included.
  const ruleDraft = await org.segments.previewDraft({
    rule: {
      any: [
        { field: 'tags', op: 'has_any', values: ['vip'] },
        { field: 'country', op: 'eq', value: 'DE' },
      ],
    },
  });
  log(`Segment draft "vip OR in DE": ${ruleDraft.count} member(s)`);
  for (const member of ruleDraft.sample)
    log(`  ${member.customer.name}: ${member.matched.join(' + ')}`);
  const vectorDraft = await org.segments.previewDraft({
    vector: { text: 'wholesale baker in Berlin', threshold: 0.2 },
    sampleSize: 3,
  });
  log(
    `Segment draft "similar to 'wholesale baker in Berlin'": ${vectorDraft.count} member(s), nearest: ${vectorDraft.sample
      .map((m) => `${m.customer.name} (${(m.similarity ?? 0).toFixed(2)})`)
      .join(', ')}`,
  );
  log('');
  log(`Schema: ${seedTableNames.length} tables + 2 materialized views`);
  for (const table of seedTableNames) {
    const columns = Object.keys(seedColumns[table]);
    log(`  ${table.padEnd(32)} ${String(columns.length).padStart(2)} columns`);
  }
  log('  mv_campaign_performance          (per campaign run: sent … revenue_cents)');
  log('  mv_revenue_by_campaign           (per campaign run and attribution model)');
}

/** Prints how long seeding took (or that it was skipped), then the time since start. */
export async function seedDemo(gt: GreenTrack, log: (line: string) => void): Promise<void> {
  const { owner, organization } = await ensureDemoData(gt);
  const seed = await seedDemoCustomers(
    gt.as({ userId: owner.id, organizationId: organization.id }),
  );
  const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  log(
    seed.seeded
      ? `Demo data: ${seed.created} customers and leads seeded in ${seconds(seed.ms)} (${seed.consents} consent records, ${seed.failed} rejected)`
      : `Demo data: ${seed.total} customers and leads already seeded (checked in ${Math.round(seed.ms)} ms)`,
  );
}

/** Serves the example app on `port` (0: any free port); resolves once it listens. */
export async function serveDemo(
  gt: GreenTrack,
  port: number,
): Promise<{ server: Server; url: string }> {
  const server = createExampleApp({ gt }).listen(port);
  await once(server, 'listening');
  const { port: actual } = server.address() as AddressInfo;
  return { server, url: `http://localhost:${actual}/` };
}

const isMain =
  process.argv[1] !== undefined && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isMain) {
  const url = process.env.DATABASE_URL;
  const port = Number(process.env.PORT ?? 3000);
  const gt = await createGreenTrack({
    database: url ? { url } : { dataDir: process.env.GREENTRACK_DATA_DIR ?? './.greentrack/demo' },
    // Tokens are minted per page view, so a per-process secret is enough for the demo.
    secret: process.env.GREENTRACK_SECRET ?? randomBytes(32).toString('base64url'),
    // No user accounts here: every API call carries the page's widget token.
    authenticate: () => null,
  });
  let serving: Server | undefined;
  try {
    await runDemo(gt, (line) => console.log(line));
    console.log('');
    await seedDemo(gt, (line) => console.log(line));
    if (!process.argv.includes('--no-serve')) {
      const { server, url: pageUrl } = await serveDemo(gt, port);
      serving = server;
      console.log(`Ready in ${(performance.now() / 1000).toFixed(1)} s since start.`);
      console.log(`Demo page (segment builder + customer list): ${pageUrl}`);
      console.log('Serving until Ctrl-C (`npm run demo -- --no-serve` exits after the summary).');
    }
  } catch (error) {
    await gt.close();
    throw error;
  }
  const stop = async () => {
    serving?.closeAllConnections();
    serving?.close();
    await gt.close();
    process.exit(0);
  };
  if (serving) {
    process.once('SIGINT', () => void stop());
    process.once('SIGTERM', () => void stop());
  } else {
    await gt.close();
  }
}
