/**
 * The GreenTrack demo: opens the embedded database (no server to install), applies the
 * migrations, makes sure a demo organization exists, and prints what the schema holds.
 *
 *   GREENTRACK_DATA_DIR  where the embedded database lives (default ./.greentrack/demo)
 *   DATABASE_URL         use a Postgres server instead
 */
import { createGreenTrack, type GreenTrack, seedColumns, seedTableNames } from '@greentrack/core';
import { ensureDemoData } from './demo-data.js';

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
  log(`Schema: ${seedTableNames.length} tables + 2 materialized views`);
  for (const table of seedTableNames) {
    const columns = Object.keys(seedColumns[table]);
    log(`  ${table.padEnd(32)} ${String(columns.length).padStart(2)} columns`);
  }
  log('  mv_campaign_performance          (per campaign run: sent … revenue_cents)');
  log('  mv_revenue_by_campaign           (per campaign run and attribution model)');
}

const isMain =
  process.argv[1] !== undefined && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isMain) {
  const url = process.env.DATABASE_URL;
  const gt = await createGreenTrack({
    database: url ? { url } : { dataDir: process.env.GREENTRACK_DATA_DIR ?? './.greentrack/demo' },
  });
  try {
    await runDemo(gt, (line) => console.log(line));
  } finally {
    await gt.close();
  }
}
