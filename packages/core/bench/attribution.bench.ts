/**
 * `attribution.*`: credits over a realistic organization — 1M events (50k of them
 * `payment_received` conversions, 10 % of the rest UTM-tagged visits), 100k messages with
 * 200k message events (a delivery each, then a click or an open), 20k customers, 20
 * campaigns of 5 runs — seeded with set-based SQL (`generate_series`).
 *
 * Figures (latencies; ratio = baseline ÷ value, 1.0 = as fast as the baseline):
 * - `attribution.recompute`: `org.attribution.recompute` of every conversion, all four
 *   models (delete + rebuild in one transaction), beside the baseline;
 * - `attribution.recompute.last_click`: the same, last_click alone, beside the baseline;
 * - baseline (same run): ONE hand-written `INSERT … SELECT` of last_click credits (latest
 *   click or UTM visit within 7 days per conversion, `DISTINCT ON`-free LATERAL LIMIT 1),
 *   after deleting the last_click rows, in one transaction;
 * - `attribution.mv_refresh`: `gt.refreshMaterializedViews()` over that data, beside the
 *   views' own SELECTs run into temp tables (`CREATE TEMP TABLE … AS`).
 *
 * `GREENTRACK_BENCH_SCALE` scales every count (default 1 on Postgres, 0.02 on PGlite).
 */
import { sql } from 'kysely';
import { timed } from './harness.js';
import type { Bench } from './lib.js';

const START = '2026-03-01T00:00:00Z';
const DAYS = 60;

export const attributionBench: Bench = {
  name: 'attribution',
  description:
    'recompute of 50k conversions over 1M events / 200k message events (all models, last_click) vs a one-statement last_click INSERT; MV refresh vs CREATE TEMP TABLE AS',
  async run({ gt, db, dialect, record, log }) {
    const scale = Number(process.env.GREENTRACK_BENCH_SCALE ?? (dialect === 'postgres' ? 1 : 0.02));
    const n = (count: number) => Math.max(100, Math.round(count * scale));
    const customers = n(20_000);
    const messages = n(100_000);
    const conversions = n(50_000);
    const visits = n(1_000_000) - conversions;
    const owner = await gt.users.create({ email: 'bench-attr@example.com', name: 'Bench' });
    const org = (await gt.organizations.create({ name: 'Attribution', ownerUserId: owner.id }))
      .organization.id;
    const asOwner = gt.as({ userId: owner.id, organizationId: org });

    const seed = await timed(async () => {
      await sql`INSERT INTO customers (organization_id, type, name)
        SELECT ${org}::uuid, 'customer', 'Customer ' || i FROM generate_series(1, ${customers}::int) i`.execute(
        db,
      );
      await sql`CREATE TEMP TABLE bench_customers AS
        SELECT row_number() OVER (ORDER BY id) - 1 AS k, id FROM customers WHERE organization_id = ${org}`.execute(
        db,
      );
      await sql`INSERT INTO campaigns (organization_id, name, channel, utm_campaign, status)
        SELECT ${org}::uuid, 'Campaign ' || i, 'email', 'camp-' || i, 'completed'
        FROM generate_series(0, 19) i`.execute(db);
      await sql`INSERT INTO campaign_runs (campaign_id, started_at)
        SELECT c.id, ${START}::timestamptz + (r * 12 + (c.utm_campaign_no % 12)) * interval '1 day'
        FROM (SELECT id, substring(utm_campaign from 6)::int AS utm_campaign_no FROM campaigns
              WHERE organization_id = ${org}) c, generate_series(0, 4) r`.execute(db);
      await sql`CREATE TEMP TABLE bench_runs AS
        SELECT row_number() OVER (ORDER BY r.started_at, r.id) - 1 AS k, r.id, r.started_at
        FROM campaign_runs r JOIN campaigns c ON c.id = r.campaign_id WHERE c.organization_id = ${org}`.execute(
        db,
      );
      // Message i: customer i mod C, run ((i div C) * 17 + i mod 100) mod 100: one message per
      // (run, customer), as the dispatcher's unique index wants.
      await sql`INSERT INTO messages (organization_id, campaign_run_id, customer_id, channel,
          to_address, body, status, sent_at)
        SELECT ${org}::uuid, r.id, c.id, 'email', 'c' || c.k || '@example.com', 'Hi', 'delivered',
               r.started_at + (i % 48) * interval '1 hour'
        FROM generate_series(0, ${messages}::int - 1) i
        JOIN bench_customers c ON c.k = i % ${customers}::int
        JOIN bench_runs r ON r.k = ((i / ${customers}::int) * 17 + i % 100) % 100`.execute(db);
      await sql`INSERT INTO message_events (organization_id, message_id, type, occurred_at)
        SELECT ${org}::uuid, m.id, t.type,
               m.sent_at + CASE t.type WHEN 'delivered' THEN interval '1 minute'
                 ELSE (1 + abs(hashtext(m.id::text)) % 72) * interval '1 hour' END
        FROM messages m
        CROSS JOIN LATERAL (VALUES ('delivered'),
          (CASE WHEN abs(hashtext(m.id::text)) % 10 < 4 THEN 'click' ELSE 'open' END)) t(type)
        WHERE m.organization_id = ${org}`.execute(db);
      await sql`INSERT INTO events (organization_id, customer_id, name, source, utm_campaign,
          properties, occurred_at)
        SELECT ${org}::uuid, CASE WHEN i % 10 < 3 THEN c.id END, 'page_view', 'web',
               CASE WHEN i % 10 = 0 THEN 'camp-' || (i / 10) % 20 END, '{}'::jsonb,
               ${START}::timestamptz + (abs(hashint4(i)) % (${DAYS} * 86400)) * interval '1 second'
        FROM generate_series(0, ${visits}::int - 1) i
        JOIN bench_customers c ON c.k = (i * 7) % ${customers}::int`.execute(db);
      await sql`INSERT INTO events (organization_id, customer_id, name, source, properties, occurred_at)
        SELECT ${org}::uuid, c.id, 'payment_received', 'system',
               jsonb_build_object('revenue_cents', 500 + abs(hashint4(i)) % 50000, 'currency', 'usd'),
               ${START}::timestamptz + (abs(hashint4(i + 7)) % (${DAYS} * 86400)) * interval '1 second'
        FROM generate_series(0, ${conversions}::int - 1) i
        JOIN bench_customers c ON c.k = (i * 13) % ${customers}::int`.execute(db);
      await sql`ANALYZE`.execute(db);
    });
    log(
      `seeded in ${(seed.ms / 1000).toFixed(1)} s: ${customers} customers, ${messages} messages, ${messages * 2} message events, ${visits + conversions} events (${conversions} conversions)`,
    );

    const since = new Date('2000-01-01T00:00:00Z');
    const warm = await asOwner.attribution.recompute({ since });
    log(`first recompute: ${JSON.stringify(warm)}`);
    const all = await timed(() => asOwner.attribution.recompute({ since }));
    const lastClick = await timed(() =>
      asOwner.attribution.recompute({ since, model: 'last_click' }),
    );

    // The baseline: last_click credits by one statement, written by hand.
    const baseline = await timed(() =>
      db.transaction().execute(async (tx) => {
        await sql`DELETE FROM attributions
          WHERE organization_id = ${org} AND attributed_model = 'last_click'`.execute(tx);
        return sql`INSERT INTO attributions (organization_id, customer_id, message_id,
            campaign_run_id, event_id, conversion_name, revenue_cents, attributed_model)
          SELECT c.organization_id, c.customer_id, t.message_id, t.campaign_run_id, c.id, c.name,
                 (c.properties ->> 'revenue_cents')::int, 'last_click'
          FROM events c
          CROSS JOIN LATERAL (
            SELECT * FROM (
              SELECT m.id AS message_id, m.campaign_run_id, me.occurred_at
              FROM messages m JOIN message_events me ON me.message_id = m.id
              WHERE m.organization_id = c.organization_id AND m.customer_id = c.customer_id
                AND me.type = 'click' AND me.occurred_at <= c.occurred_at
                AND me.occurred_at >= c.occurred_at - interval '7 days'
              UNION ALL
              SELECT NULL, run.id, v.occurred_at
              FROM events v
              CROSS JOIN LATERAL (
                SELECT r.id FROM campaigns k JOIN campaign_runs r ON r.campaign_id = k.id
                WHERE k.organization_id = v.organization_id AND k.utm_campaign = v.utm_campaign
                  AND r.started_at <= v.occurred_at
                ORDER BY r.started_at DESC LIMIT 1) run
              WHERE v.organization_id = c.organization_id AND v.customer_id = c.customer_id
                AND v.utm_campaign IS NOT NULL AND v.occurred_at <= c.occurred_at
                AND v.occurred_at >= c.occurred_at - interval '7 days' AND v.id <> c.id
            ) touches ORDER BY occurred_at DESC LIMIT 1) t
          WHERE c.organization_id = ${org} AND c.name = 'payment_received'
            AND c.customer_id IS NOT NULL`.execute(tx);
      }),
    );
    const ours = await sql<{ model: string; n: number }>`
      SELECT attributed_model AS model, count(*)::int AS n FROM attributions
      WHERE organization_id = ${org} GROUP BY 1 ORDER BY 1`.execute(db);
    log(
      `credits: ${ours.rows.map((r) => `${r.model} ${r.n}`).join(', ')}; baseline last_click rows ${Number(baseline.result.numAffectedRows ?? 0)}`,
    );
    record({
      name: 'attribution.recompute',
      value: all.ms,
      unit: 'ms',
      baseline: baseline.ms,
      ratio: baseline.ms / all.ms,
      note: `all 4 models, ${conversions} conversions; baseline = one last_click INSERT … SELECT`,
    });
    record({
      name: 'attribution.recompute.last_click',
      value: lastClick.ms,
      unit: 'ms',
      baseline: baseline.ms,
      ratio: baseline.ms / lastClick.ms,
      note: 'last_click alone vs one hand-written last_click INSERT … SELECT',
    });
    // Leave the credits as recompute writes them for the views.
    await asOwner.attribution.recompute({ since, model: 'last_click' });

    const views = await sql<{ name: string; definition: string }>`
      SELECT matviewname AS name, definition FROM pg_matviews
      WHERE schemaname = current_schema() ORDER BY 1`.execute(db);
    await gt.refreshMaterializedViews();
    const refresh = await timed(() => gt.refreshMaterializedViews());
    const concurrently = await timed(() => gt.refreshMaterializedViews({ concurrently: true }));
    const temp = await timed(() =>
      db.connection().execute(async (connection) => {
        for (const view of views.rows) {
          await sql`CREATE TEMP TABLE ${sql.id(`bench_${view.name}`)} AS ${sql.raw(view.definition.replace(/;\s*$/, ''))}`.execute(
            connection,
          );
          await sql`DROP TABLE ${sql.id(`bench_${view.name}`)}`.execute(connection);
        }
      }),
    );
    record({
      name: 'attribution.mv_refresh',
      value: refresh.ms,
      unit: 'ms',
      baseline: temp.ms,
      ratio: temp.ms / refresh.ms,
      note: `${views.rows.map((v) => v.name).join(' + ')}; baseline = their SELECTs into temp tables`,
    });
    record({
      name: 'attribution.mv_refresh.concurrently',
      value: concurrently.ms,
      unit: 'ms',
      baseline: temp.ms,
      ratio: temp.ms / concurrently.ms,
      note: 'REFRESH … CONCURRENTLY (what a schedule runs on Postgres)',
    });
  },
};
