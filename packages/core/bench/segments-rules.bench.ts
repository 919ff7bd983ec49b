/**
 * `segments.rules`: an 8-predicate rule segment over 1M customers with their invoices,
 * payments, subscriptions, tags and events, all generated here with set-based SQL.
 *
 * `segments.count`: latency (p50 over 7 runs after a warm-up) of `countSegmentMembers` —
 * the rule compiled by `compileRule`, sent with bind parameters. Baseline, measured in the
 * same run: the count written by hand for the same 8 predicates (plain columns, EXISTS /
 * NOT EXISTS and correlated sums, the consent policy known in advance).
 * ratio = baseline ÷ value (≥ 0.9 is the goal).
 *
 * `segments.members`: rows/s of one `INSERT INTO scratch (customer_id, included_reason)
 * SELECT …` from `segmentMembersQuery` (p50 of 5 runs), vs the hand-written
 * `INSERT … SELECT` of the same rows with the same reason text. The scratch table is
 * emptied before each run. ratio = value ÷ baseline (≥ 0.9 is the goal).
 *
 * Both sides must return the same members, and the member count must equal the count
 * figure's: a benchmark that measures a wrong answer is worthless, so it throws instead.
 * The plans of the four statements (EXPLAIN ANALYZE) are printed.
 *
 * The service's warm-ups run under a statement timeout of BUDGET_FACTOR × the hand-written
 * warm-up: a plan that degrades (e.g. a `NOT IN` subplan too large to hash, scanned once
 * per customer) is then recorded as a bound — "slower than the budget" — with its EXPLAIN,
 * instead of running for hours. The note of such a figure says so.
 *
 * `GREENTRACK_BENCH_SCALE` scales the row counts (default 1 on Postgres, 0.01 on PGlite).
 */
import {
  CompiledQuery,
  type Kysely,
  type KyselyPlugin,
  PostgresQueryCompiler,
  type RawBuilder,
  sql,
} from 'kysely';
import { fixedClock } from '../src/clock.js';
import { TENANT_PLANNER_SETTINGS } from '../src/db/planner-settings.js';
import type { Database } from '../src/db/types.js';
import type { Scope } from '../src/scope.js';
import { parseRule, renderRule } from '../src/segments/index.js';
import { countSegmentMembers, segmentMembersQuery } from '../src/segments/members.js';
import { timed } from './harness.js';
import { type Bench, percentile } from './lib.js';

const DAY_MS = 86_400_000;
/**
 * The service's warm-up may take this many times the hand-written warm-up (at least 30 s,
 * at most 15 min) before it is cancelled and recorded as a lower bound.
 */
const BUDGET_FACTOR = 15;
/** Customers are created over the 3 years before the benchmark's `now`. */
const SPAN_SECONDS = 3 * 365 * 86_400;

/**
 * The rule: 8 predicates under `all`, with an `any` group (tags, invoices, payments) and
 * two `not`s (consent, email domain). On the generated data about 5–7 % of the customers
 * match (tens of thousands at 1M).
 */
const RULE_INPUT = {
  all: [
    { field: 'type', op: 'eq', value: 'customer' },
    { field: 'country', op: 'in', values: ['US', 'CA'] },
    { field: 'created_at', op: 'within_days', days: 365 },
    {
      any: [
        { field: 'tags', op: 'has_any', values: ['vip', 'wholesale'] },
        { field: 'overdue_amount', op: 'gt', value: 20_000 },
        { field: 'paid_total', op: 'gt', value: 20_000, days: 365 },
      ],
    },
    { not: { field: 'consent', op: 'unsubscribed', channel: 'email' } },
    { not: { field: 'email_domain', op: 'eq', value: 'competitor.example' } },
  ],
};

const FIRST = ['Ana', 'Bo', 'Carla', 'Dan', 'Eve', 'Finn', 'Gus', 'Hana', 'Ines', 'Jon'];
const LAST = ['Martin', 'Stone', 'Diaz', 'Baker', 'Novak', 'Silva', 'Rossi', 'Meyer', 'Nagy'];
/** 20 slots, so a domain's share is its slot count × 5 % (competitor.example: 5 %). */
const DOMAINS = [
  ...Array<string>(7).fill('gmail.example'),
  ...Array<string>(5).fill('outlook.example'),
  ...Array<string>(3).fill('corp.example.com'),
  ...Array<string>(2).fill('shop.example.org'),
  ...Array<string>(2).fill('mail.example'),
  'competitor.example',
];
/** [city, state, postal code, country]: half of the customers are in the US or Canada. */
const PLACES: Array<[string, string, string, string]> = [
  ['San Francisco', 'CA', '94110', 'US'],
  ['Austin', 'TX', '78701', 'US'],
  ['New York', 'NY', '10001', 'US'],
  ['Chicago', 'IL', '60601', 'US'],
  ['Toronto', 'ON', 'M5H 2N2', 'CA'],
  ['London', '', 'SW1A 1AA', 'GB'],
  ['Berlin', '', '10115', 'DE'],
  ['Lyon', '', '69001', 'FR'],
  ['Madrid', '', '28013', 'ES'],
  ['Turin', '', '10121', 'IT'],
];
const NOTES = ['Met at the spring fair', 'Prefers invoices by email', 'Referred by a partner'];
const TAGS = ['vip', 'wholesale', 'newsletter', 'retail', 'b2b', 'loyalty'];
const EVENT_NAMES = ['page_view', 'page_view', 'product_view', 'add_to_cart', 'order_completed'];

/** A Postgres text[] literal of simple words (no quotes or commas in them). */
const textArray = (values: readonly string[]) =>
  sql`${sql.lit(`{${values.map((v) => `"${v}"`).join(',')}}`)}::text[]`;

/**
 * A deterministic pseudo-random integer in [0, m) from a row key and a salt: every run loads
 * the same rows, and different salts give independent draws for the same row.
 */
const draw = (key: string, salt: number, m: number) =>
  sql.raw(`(abs(hashint8((${key})::bigint * 1009 + ${salt})::bigint) % ${m})`);

/** A plugin that records the SQL of every query (compiled as the Postgres dialect does). */
function recordTo(sent: CompiledQuery[]): KyselyPlugin {
  const compiler = new PostgresQueryCompiler();
  return {
    transformQuery: ({ node, queryId }) => {
      sent.push(compiler.compileQuery(node, queryId));
      return node;
    },
    transformResult: async ({ result }) => result,
  };
}

/** The plan of a compiled statement (EXPLAIN ANALYZE unless `analyze` is false), by line. */
async function explain(
  db: Kysely<Database>,
  query: CompiledQuery,
  analyze = true,
): Promise<string[]> {
  const options = analyze ? '(ANALYZE, BUFFERS OFF) ' : '';
  const plan = await db.executeQuery<{ 'QUERY PLAN': string }>(
    CompiledQuery.raw(`EXPLAIN ${options}${query.sql}`, [...query.parameters]),
  );
  return plan.rows.map((r) => r['QUERY PLAN']);
}

/**
 * Runs `work` in a transaction whose statements Postgres cancels after `budgetMs`
 * (`SET LOCAL statement_timeout`); `null` when it did. Used for warm-ups only: a plan that
 * blows up is then reported as a lower bound instead of running for hours.
 */
async function withinBudget<T>(
  db: Kysely<Database>,
  budgetMs: number,
  work: (trx: Kysely<Database>) => Promise<T>,
): Promise<{ ms: number; result: T } | null> {
  try {
    return await db.transaction().execute(async (trx) => {
      await sql`SELECT set_config('statement_timeout', ${String(budgetMs)}, true)`.execute(trx);
      return timed(() => work(trx));
    });
  } catch (error) {
    // 57014 query_canceled: the statement timeout fired.
    if (error instanceof Error && 'code' in error && error.code === '57014') return null;
    throw error;
  }
}

/** Runs each side once, alternating which goes first so caching and noise favour neither. */
async function alternate(run: number, sides: Array<() => Promise<void>>): Promise<void> {
  for (const side of run % 2 === 0 ? sides : [...sides].reverse()) await side();
}

/** The first lines of a plan plus its footer (planning time, JIT, execution time). */
function planSummary(lines: readonly string[], top = 45): string {
  const end = lines.findIndex((l) => /^(Planning Time|JIT:)/.test(l));
  const body = end < 0 ? lines : lines.slice(0, end);
  const footer = end < 0 ? [] : lines.slice(end);
  const shown =
    body.length > top ? [...body.slice(0, top), `… ${body.length - top} more lines`] : body;
  return [...shown, ...footer].join('\n    ');
}

/** The scratch table members are snapshotted into (created by the benchmark). */
type Scratch = {
  segment_members_scratch: { customer_id: string; included_reason: string | null };
};

export const segmentsRulesBench: Bench = {
  name: 'segments.rules',
  description: '8-predicate rule segment over 1M customers: count and INSERT … SELECT of members',
  async run({ gt, db, dialect, record, log }) {
    const scale = Number(process.env.GREENTRACK_BENCH_SCALE ?? (dialect === 'postgres' ? 1 : 0.01));
    const rows = Math.max(1000, Math.round(1_000_000 * scale));
    const owner = await gt.users.create({ email: 'bench-segments@example.com', name: 'Bench' });
    const { organization } = await gt.organizations.create({
      name: 'Segments',
      ownerUserId: owner.id,
    });
    const org = organization.id;
    // One instant for the data, the service's clock and the hand-written cut-offs, so a
    // row on a window's edge cannot fall in for one side and out for the other.
    const now = new Date();
    const rule = parseRule(RULE_INPUT);
    const scope: Scope = {
      db,
      organizationId: org,
      actor: { type: 'system', id: null },
      role: 'owner',
      clock: fixedClock(now),
      emit: () => {},
    };

    // ---- Data: set-based, one INSERT … SELECT per table -----------------------------
    // Customer i has a deterministic id, so every table is generated from the same series
    // without joining back to customers.
    const customerId = sql`md5(${org}::text || ':' || i)::uuid`;
    const customerCreated = sql`(${now}::timestamptz - ${draw('i', 8, SPAN_SECONDS)} * interval '1 second')`;
    /** 0, 1, 2 or 3 invoices (10 / 40 / 40 / 10 %): 1.5 per customer. */
    const invoiceCount = sql`(CASE WHEN ${draw('i', 10, 10)} = 0 THEN 0 WHEN ${draw('i', 10, 10)} < 5 THEN 1 WHEN ${draw('i', 10, 10)} < 9 THEN 2 ELSE 3 END)`;
    const steps: Array<[string, () => Promise<unknown>]> = [
      [
        'customers',
        () =>
          sql`
          INSERT INTO customers (id, organization_id, type, name, email, phone, address_line1, city,
                                 state, postal_code, country, notes,
                                 external_zeroinvoice_customer_id, created_at, updated_at)
          SELECT ${customerId}, ${org}, g.type,
                 (${textArray(FIRST)})[1 + g.first] || ' ' || (${textArray(LAST)})[1 + g.last],
                 CASE WHEN g.no_email THEN NULL
                      ELSE lower((${textArray(LAST)})[1 + g.last]) || '.' || i || '@' || (${textArray(DOMAINS)})[1 + g.domain] END,
                 CASE WHEN g.has_phone THEN '+1415' || lpad(i::text, 7, '0') END,
                 (1 + i % 900) || ' Main St',
                 (${textArray(PLACES.map((p) => p[0]))})[1 + g.place],
                 nullif((${textArray(PLACES.map((p) => p[1]))})[1 + g.place], ''),
                 (${textArray(PLACES.map((p) => p[2]))})[1 + g.place],
                 (${textArray(PLACES.map((p) => p[3]))})[1 + g.place],
                 CASE WHEN g.note < ${NOTES.length} THEN (${textArray(NOTES)})[1 + g.note] END,
                 CASE WHEN ${invoiceCount} > 0 THEN 'zi_cus_' || i END,
                 g.created_at,
                 g.created_at + (${now}::timestamptz - g.created_at) * (${draw('i', 9, 100)} / 100.0)
          FROM (
            SELECT i,
                   CASE WHEN ${draw('i', 1, 4)} = 0 THEN 'lead' ELSE 'customer' END AS type,
                   ${draw('i', 2, FIRST.length)} AS first,
                   ${draw('i', 3, LAST.length)} AS last,
                   ${draw('i', 4, 100)} < 3 AS no_email,
                   ${draw('i', 5, DOMAINS.length)} AS domain,
                   ${draw('i', 6, 10)} < 6 AS has_phone,
                   ${draw('i', 7, PLACES.length)} AS place,
                   ${draw('i', 11, NOTES.length * 10)} AS note,
                   ${customerCreated} AS created_at
            FROM generate_series(1, ${rows}) AS i
          ) g`.execute(db),
      ],
      [
        'tags',
        async () => {
          await db
            .insertInto('tags')
            .values(TAGS.map((name) => ({ organization_id: org, name })))
            .execute();
          // 30 % tagged, half of them with a second, different tag. The statement trigger
          // rewrites the customers.tags mirror of every tagged customer (migration 0009).
          await sql`
            INSERT INTO customer_tags (customer_id, tag_id)
            SELECT ${customerId}, t.id
            FROM generate_series(1, ${rows}) AS i
            CROSS JOIN LATERAL (VALUES (${draw('i', 12, TAGS.length)}),
                                       (CASE WHEN ${draw('i', 13, 2)} = 0
                                             THEN (${draw('i', 12, TAGS.length)} + 1 + ${draw('i', 14, TAGS.length - 1)}) % ${TAGS.length} END)) AS v(k)
            JOIN tags t ON t.organization_id = ${org} AND t.name = (${textArray(TAGS)})[1 + v.k]
            WHERE ${draw('i', 15, 10)} < 3`.execute(db);
        },
      ],
      [
        'customer search index (rebuilt after the customers and their tag mirror)',
        () =>
          sql`CREATE INDEX customers_search_trgm_idx ON customers
              USING gin (greentrack_customer_search_text(name, email, phone) gin_trgm_ops)`.execute(
            db,
          ),
      ],
      [
        'subscriptions',
        // 25 % have an email status (70 % subscribed, 20 % unsubscribed, 6 % bounced,
        // 4 % complained); 10 % have an SMS status.
        () =>
          sql`
          INSERT INTO subscriptions (organization_id, customer_id, channel, status, updated_at)
          SELECT ${org}, ${customerId}, c.channel,
                 CASE WHEN c.s < 70 THEN 'subscribed' WHEN c.s < 90 THEN 'unsubscribed'
                      WHEN c.s < 96 THEN 'bounced' ELSE 'complained' END,
                 ${now}::timestamptz - ${draw('i', 16, 365)} * interval '1 day'
          FROM generate_series(1, ${rows}) AS i
          CROSS JOIN LATERAL (VALUES ('email', ${draw('i', 17, 100)} < 25, ${draw('i', 18, 100)}),
                                     ('sms', ${draw('i', 19, 100)} < 10, ${draw('i', 20, 100)})) AS c(channel, has, s)
          WHERE c.has`.execute(db),
      ],
      [
        'invoices',
        // Status: 50 % paid, 20 % sent, 15 % overdue, 10 % draft, 5 % void; dated between
        // the customer's creation and now.
        () =>
          sql`
          INSERT INTO zeroinvoice_invoices_cache (organization_id, external_invoice_id,
            external_customer_id, customer_id, status, currency, subtotal_cents, tax_cents,
            total_cents, amount_due_cents, due_date, snapshot, created_at, updated_at)
          SELECT ${org}, 'zi_in_' || i || '_' || n, 'zi_cus_' || i, ${customerId}, v.status, 'usd',
                 round(v.total / 1.08)::int, v.total - round(v.total / 1.08)::int, v.total,
                 CASE WHEN v.status IN ('paid', 'void') THEN 0 ELSE v.total END,
                 (v.created_at + interval '30 days')::date,
                 jsonb_build_object('number', 'INV-' || i || '-' || n, 'lines', 1 + n),
                 v.created_at, v.created_at
          FROM generate_series(1, ${rows}) AS i
          CROSS JOIN LATERAL generate_series(1, ${invoiceCount}) AS n
          CROSS JOIN LATERAL (
            SELECT (${textArray([...Array<string>(10).fill('paid'), ...Array<string>(4).fill('sent'), 'overdue', 'overdue', 'overdue', 'draft', 'draft', 'void'])})[1 + ${draw('i * 4 + n', 21, 20)}] AS status,
                   (1000 + ${draw('i * 4 + n', 22, 49_000)})::int AS total,
                   ${customerCreated} + (${now}::timestamptz - ${customerCreated}) * (${draw('i * 4 + n', 23, 1000)} / 1000.0) AS created_at
          ) v`.execute(db),
      ],
      [
        'payments',
        // A succeeded payment for every paid invoice (5 % without processed_at); a failed
        // attempt on 30 % of sent/overdue ones.
        () =>
          sql`
          INSERT INTO payments (organization_id, external_payment_id, external_invoice_id,
            amount_cents, currency, status, method, processed_at, raw_payload, created_at)
          SELECT i.organization_id, 'zi_pay_' || i.external_invoice_id, i.external_invoice_id,
                 i.total_cents, 'usd', CASE WHEN i.status = 'paid' THEN 'succeeded' ELSE 'failed' END,
                 CASE WHEN h % 3 = 0 THEN 'ach' ELSE 'card' END,
                 CASE WHEN h % 20 <> 0 THEN p.at END,
                 jsonb_build_object('source', 'bench'), p.at
          FROM zeroinvoice_invoices_cache i
          CROSS JOIN LATERAL (SELECT abs(hashtext(i.external_invoice_id)::bigint) AS h) x
          CROSS JOIN LATERAL (SELECT least(${now}::timestamptz, i.created_at + (1 + h % 45) * interval '1 day') AS at) p
          WHERE i.organization_id = ${org}
            AND (i.status = 'paid' OR (i.status IN ('sent', 'overdue') AND h % 10 < 3))`.execute(
            db,
          ),
      ],
      [
        'events',
        // 0–4 events per customer (2 on average), between creation and now.
        () =>
          sql`
          INSERT INTO events (organization_id, customer_id, name, source, properties, occurred_at)
          SELECT ${org}, ${customerId}, (${textArray(EVENT_NAMES)})[1 + ${draw('i * 8 + n', 24, EVENT_NAMES.length)}], 'web',
                 jsonb_build_object('path', '/products/' || ${draw('i * 8 + n', 25, 500)},
                                    'value_cents', ${draw('i * 8 + n', 26, 20_000)}),
                 ${customerCreated} + (${now}::timestamptz - ${customerCreated}) * (${draw('i * 8 + n', 27, 1000)} / 1000.0)
          FROM generate_series(1, ${rows}) AS i
          CROSS JOIN LATERAL generate_series(1, ${draw('i', 28, 5)}::int) AS n`.execute(db),
      ],
    ];
    const generation = await timed(async () => {
      // Bulk load with the trigram index dropped and rebuilt afterwards (as crm.search
      // does): maintaining a GIN index row by row — and again for every tag-mirror update —
      // is what makes a load slow. Segments never use it.
      await sql`DROP INDEX customers_search_trgm_idx`.execute(db);
      for (const [what, step] of steps) {
        const { ms } = await timed(step);
        log(`  ${what}: ${(ms / 1000).toFixed(1)} s`);
      }
      // Settle the table as autovacuum would (the tag mirror rewrote 30 % of the
      // customers), and give the planner statistics.
      await sql`VACUUM (ANALYZE) customers, customer_tags, tags, subscriptions, zeroinvoice_invoices_cache, payments, events`.execute(
        db,
      );
    });
    const sizes = await sql<{ relation: string; n: string; mib: string }>`
      SELECT relation, n::text, round(pg_total_relation_size(relation::regclass) / 1048576.0, 1)::text AS mib
      FROM (VALUES ('customers', (SELECT count(*) FROM customers)),
                   ('customer_tags', (SELECT count(*) FROM customer_tags)),
                   ('subscriptions', (SELECT count(*) FROM subscriptions)),
                   ('zeroinvoice_invoices_cache', (SELECT count(*) FROM zeroinvoice_invoices_cache)),
                   ('payments', (SELECT count(*) FROM payments)),
                   ('events', (SELECT count(*) FROM events))) AS t(relation, n)`.execute(db);
    log(
      `generated in ${(generation.ms / 1000).toFixed(1)} s (incl. VACUUM ANALYZE): ${sizes.rows.map((r) => `${r.relation} ${r.n} rows (${r.mib} MiB)`).join(', ')}`,
    );

    // ---- The hand-written statements ----------------------------------------------------
    // What an engineer who knows the schema writes for the same 8 predicates: the consent
    // policy of this organization is known (email is opt-out, the default), so consent is
    // "has an address and no blocking status"; tag names are citext, so `=` ignores case.
    const createdSince = new Date(now.getTime() - 365 * DAY_MS);
    const paidSince = new Date(now.getTime() - 365 * DAY_MS);
    const handWhere = sql`
      c.organization_id = ${org}
      AND c.type = 'customer'
      AND upper(c.country) IN ('US', 'CA')
      AND c.created_at >= ${createdSince}
      AND c.email IS NOT NULL
      AND lower(split_part(c.email::text, '@', 2)) <> 'competitor.example'
      AND NOT EXISTS (SELECT 1 FROM subscriptions s
                      WHERE s.organization_id = ${org} AND s.customer_id = c.id AND s.channel = 'email'
                        AND s.status IN ('unsubscribed', 'bounced', 'complained'))
      AND (EXISTS (SELECT 1 FROM customer_tags ct JOIN tags t ON t.id = ct.tag_id
                   WHERE ct.customer_id = c.id AND t.organization_id = ${org}
                     AND t.name IN ('vip', 'wholesale'))
           OR (SELECT sum(i.amount_due_cents) FROM zeroinvoice_invoices_cache i
               WHERE i.organization_id = ${org} AND i.customer_id = c.id AND i.status = 'overdue') > 20000
           OR (SELECT sum(p.amount_cents)
               FROM zeroinvoice_invoices_cache i
               JOIN payments p ON p.organization_id = i.organization_id
                              AND p.external_invoice_id = i.external_invoice_id
               WHERE i.organization_id = ${org} AND i.customer_id = c.id AND p.status = 'succeeded'
                 AND coalesce(p.processed_at, p.created_at) >= ${paidSince}) > 20000)`;
    // The service stores the rule's rendering as the reason of every member (the root is
    // `all`, so there are no per-member alternatives); the hand-written insert stores the
    // same constant text.
    const reason = renderRule(rule);
    const handCount: RawBuilder<{ n: string }> =
      sql`SELECT count(*) AS n FROM customers c WHERE ${handWhere}`;
    const handInsert = sql`
      INSERT INTO segment_members_scratch (customer_id, included_reason)
      SELECT c.id, ${reason}::text FROM customers c WHERE ${handWhere}`;
    const serviceInsert = (s: Scope) =>
      s.db
        .withTables<Scratch>()
        .insertInto('segment_members_scratch')
        .columns(['customer_id', 'included_reason'])
        .expression(segmentMembersQuery(s, { rule }));
    await sql`CREATE TABLE segment_members_scratch (customer_id uuid NOT NULL, included_reason text)`.execute(
      db,
    );
    const truncate = () => sql`TRUNCATE segment_members_scratch`.execute(db);

    // ---- segments.count -----------------------------------------------------------------
    // Warm-ups. The hand-written count first: it gives the reference answer and the time
    // budget of the service's warm-up, whose statement is recorded for its plan.
    const handWarm = await timed(() => handCount.execute(db));
    const expected = Number(handWarm.result.rows[0]?.n);
    const budgetMs = Math.round(
      Math.min(15 * 60_000, Math.max(30_000, BUDGET_FACTOR * handWarm.ms)),
    );
    log(`rule (${expected} members, ${((100 * expected) / rows).toFixed(2)} %): ${reason}`);
    const sent: CompiledQuery[] = [];
    const serviceWarm = await withinBudget(db, budgetMs, (trx) =>
      countSegmentMembers({ ...scope, db: trx.withPlugin(recordTo(sent)) }, { rule }),
    );
    const serviceCountSql = sent[0];
    if (!serviceCountSql) throw new Error('countSegmentMembers sent no query');
    if (serviceWarm && serviceWarm.result !== expected) {
      throw new Error(`service counts ${serviceWarm.result} members, hand-written SQL ${expected}`);
    }
    const overBudget = `cancelled after ${(budgetMs / 1000).toFixed(0)} s (${BUDGET_FACTOR}× the hand-written warm-up)`;
    if (serviceWarm) {
      log(`plan of the service count:\n    ${planSummary(await explain(db, serviceCountSql))}`);
    } else {
      log(
        `service count ${overBudget}; its plan (EXPLAIN only):\n    ${planSummary(await explain(db, serviceCountSql, false))}`,
      );
    }
    log(
      `plan of the hand-written count:\n    ${planSummary(await explain(db, handCount.compile(db)))}`,
    );

    const countRuns = 7;
    const service: number[] = [];
    const hand: number[] = [];
    for (let run = 0; run < countRuns; run++) {
      await alternate(run, [
        async () => {
          if (!serviceWarm) return;
          const { ms, result } = await timed(() => countSegmentMembers(scope, { rule }));
          if (result !== expected) throw new Error(`service count ${result} ≠ ${expected}`);
          service.push(ms);
        },
        async () => {
          const { ms, result } = await timed(() => handCount.execute(db));
          const n = Number(result.rows[0]?.n);
          if (n !== expected) throw new Error(`hand-written count ${n} ≠ ${expected}`);
          hand.push(ms);
        },
      ]);
    }
    const countValue = serviceWarm ? percentile(service, 50) : budgetMs;
    const countBaseline = percentile(hand, 50);
    const show = (samples: number[]) => samples.map((ms) => ms.toFixed(0)).join(' ') || '—';
    log(`count runs (ms): service ${show(service)}; hand-written ${show(hand)}`);
    record({
      name: 'segments.count',
      value: countValue,
      unit: 'ms',
      baseline: countBaseline,
      ratio: countBaseline / countValue,
      note: `${serviceWarm ? `p50 of ${countRuns}` : `service ${overBudget}: value is a lower bound, ratio an upper bound`}; ${expected} of ${rows} customers; goal ≥ 0.9; ratio = hand-written SQL ÷ service`,
    });

    // ---- segments.members ---------------------------------------------------------------
    // Warm-ups, then the plans (EXPLAIN ANALYZE of an INSERT inserts: emptied afterwards).
    await truncate();
    const serviceInsertWarm = await withinBudget(db, budgetMs, (trx) =>
      serviceInsert({ ...scope, db: trx }).executeTakeFirstOrThrow(),
    );
    const serviceInsertSql = serviceInsert(scope).compile();
    if (serviceInsertWarm) {
      const n = Number(serviceInsertWarm.result.numInsertedOrUpdatedRows);
      if (n !== expected) throw new Error(`service inserted ${n} members, expected ${expected}`);
      await truncate();
      log(
        `plan of the service INSERT … SELECT:\n    ${planSummary(await explain(db, serviceInsertSql), 25)}`,
      );
    } else {
      log(
        `service INSERT … SELECT ${overBudget}; its plan (EXPLAIN only):\n    ${planSummary(await explain(db, serviceInsertSql, false), 25)}`,
      );
    }
    await truncate();
    await handInsert.execute(db);
    await truncate();
    log(
      `plan of the hand-written INSERT … SELECT:\n    ${planSummary(await explain(db, handInsert.compile(db)), 25)}`,
    );

    const memberRuns = 5;
    const serviceMs: number[] = [];
    const handMs: number[] = [];
    for (let run = 0; run < memberRuns; run++) {
      await alternate(run, [
        async () => {
          if (!serviceInsertWarm) return;
          await truncate();
          const { ms, result } = await timed(() => serviceInsert(scope).executeTakeFirstOrThrow());
          const n = Number(result.numInsertedOrUpdatedRows);
          if (n !== expected)
            throw new Error(`service inserted ${n} members, expected ${expected}`);
          serviceMs.push(ms);
        },
        async () => {
          await truncate();
          const { ms, result } = await timed(() => handInsert.execute(db));
          const n = Number(result.numAffectedRows);
          if (n !== expected)
            throw new Error(`hand-written INSERT wrote ${n} rows, expected ${expected}`);
          handMs.push(ms);
        },
      ]);
    }

    // Same rows, same reasons: the service's snapshot vs the hand-written SELECT, both ways.
    if (serviceInsertWarm) {
      await truncate();
      await serviceInsert(scope).execute();
      const diff = await sql<{ missing: string; extra: string; distinct_ids: string }>`
        SELECT (SELECT count(*) FROM (SELECT c.id, ${reason}::text FROM customers c WHERE ${handWhere}
                                      EXCEPT SELECT customer_id, included_reason FROM segment_members_scratch) d)::text AS missing,
               (SELECT count(*) FROM (SELECT customer_id, included_reason FROM segment_members_scratch
                                      EXCEPT SELECT c.id, ${reason}::text FROM customers c WHERE ${handWhere}) d)::text AS extra,
               (SELECT count(DISTINCT customer_id) FROM segment_members_scratch)::text AS distinct_ids`.execute(
        db,
      );
      const check = diff.rows[0];
      if (
        check?.missing !== '0' ||
        check.extra !== '0' ||
        Number(check.distinct_ids) !== expected
      ) {
        throw new Error(`service and hand-written members differ: ${JSON.stringify(check)}`);
      }
      log(`members verified: the service's ${expected} rows equal the hand-written ones`);
    }
    await truncate();

    log(`INSERT … SELECT runs (ms): service ${show(serviceMs)}; hand-written ${show(handMs)}`);
    const serviceP50 = serviceInsertWarm ? percentile(serviceMs, 50) : budgetMs;
    const handP50 = percentile(handMs, 50);
    const membersValue = expected / (serviceP50 / 1000);
    const membersBaseline = expected / (handP50 / 1000);
    record({
      name: 'segments.members',
      value: membersValue,
      unit: 'rows/s',
      baseline: membersBaseline,
      ratio: membersValue / membersBaseline,
      note: `${expected} rows per INSERT … SELECT, ${serviceInsertWarm ? `p50 of ${memberRuns} (${serviceP50.toFixed(0)} vs ${handP50.toFixed(0)} ms)` : `service ${overBudget}: value and ratio are upper bounds`}; goal ≥ 0.9; ratio = service ÷ hand-written SQL`,
    });

    // ---- rls.* : the same service statements with row-level security on vs off ----------
    // On: the scope's database is `gt.database.tenant(org)` — every statement in a
    // transaction begun as greentrack_app with the organization and the tenant planner
    // settings set, so each tenant table's policy is part of the plan. Off: the login, a
    // superuser here, which policies do not bind, in a transaction begun with the SAME
    // planner settings (`jit = off`, decision 121), so only the policies differ. Same
    // statements, same data, alternating sides.
    if (!serviceWarm || !serviceInsertWarm) {
      log('rls.*: skipped, the service statements ran over budget');
      return;
    }
    await sql`GRANT SELECT, INSERT, DELETE, TRUNCATE ON segment_members_scratch TO greentrack_app`.execute(
      db,
    );
    const secured: Scope = { ...scope, db: gt.database.tenant(org) };
    const withoutRls = <T>(work: (s: Scope) => Promise<T>) =>
      db.transaction().execute(async (trx) => {
        await sql.raw(`SELECT ${TENANT_PLANNER_SETTINGS}`).execute(trx);
        return work({ ...scope, db: trx });
      });
    const plainCount = await countSegmentMembers(secured, { rule });
    if (plainCount !== expected) throw new Error(`RLS count ${plainCount} ≠ ${expected}`);
    log(
      `plan of the service count under RLS:\n    ${planSummary(
        await secured.db.transaction().execute(async (trx) => explain(trx, serviceCountSql)),
      )}`,
    );
    log(
      `plan of the service count without RLS, same settings:\n    ${planSummary(
        await withoutRls((s) => explain(s.db, serviceCountSql)),
      )}`,
    );
    const rlsOn: number[] = [];
    const rlsOff: number[] = [];
    for (let run = 0; run < countRuns; run++) {
      await alternate(run, [
        async () => {
          const { ms, result } = await timed(() => countSegmentMembers(secured, { rule }));
          if (result !== expected) throw new Error(`RLS count ${result} ≠ ${expected}`);
          rlsOn.push(ms);
        },
        async () => {
          const { ms, result } = await timed(() =>
            withoutRls((s) => countSegmentMembers(s, { rule })),
          );
          if (result !== expected) throw new Error(`count ${result} ≠ ${expected}`);
          rlsOff.push(ms);
        },
      ]);
    }
    log(`count runs (ms): RLS on ${show(rlsOn)}; RLS off ${show(rlsOff)}`);
    const countOn = percentile(rlsOn, 50);
    const countOff = percentile(rlsOff, 50);
    record({
      name: 'rls.segments_count_overhead',
      value: countOn,
      unit: 'ms',
      baseline: countOff,
      ratio: countOff / countOn,
      note: `p50 of ${countRuns}: segments.count with RLS on (value) vs off (baseline); ${((countOn / countOff - 1) * 100).toFixed(1)} % slower; goal ≤ 10 % (ratio ≥ 0.91)`,
    });

    // EXPLAIN ANALYZE of an INSERT inserts: emptied after each.
    await truncate();
    log(
      `plan of the service INSERT … SELECT under RLS:\n    ${planSummary(
        await secured.db.transaction().execute(async (trx) => explain(trx, serviceInsertSql)),
        25,
      )}`,
    );
    await truncate();
    log(
      `plan of the service INSERT … SELECT without RLS, same settings:\n    ${planSummary(
        await withoutRls((s) => explain(s.db, serviceInsertSql)),
        25,
      )}`,
    );
    const insertOn: number[] = [];
    const insertOff: number[] = [];
    for (let run = 0; run < memberRuns; run++) {
      await alternate(run, [
        async () => {
          await truncate();
          const { ms, result } = await timed(() =>
            serviceInsert(secured).executeTakeFirstOrThrow(),
          );
          if (Number(result.numInsertedOrUpdatedRows) !== expected)
            throw new Error('RLS members differ');
          insertOn.push(ms);
        },
        async () => {
          await truncate();
          const { ms, result } = await timed(() =>
            withoutRls((s) => serviceInsert(s).executeTakeFirstOrThrow()),
          );
          if (Number(result.numInsertedOrUpdatedRows) !== expected)
            throw new Error('members differ');
          insertOff.push(ms);
        },
      ]);
    }
    await truncate();
    log(`INSERT … SELECT runs (ms): RLS on ${show(insertOn)}; RLS off ${show(insertOff)}`);
    const membersOn = expected / (percentile(insertOn, 50) / 1000);
    const membersOff = expected / (percentile(insertOff, 50) / 1000);
    record({
      name: 'rls.segments_members_overhead',
      value: membersOn,
      unit: 'rows/s',
      baseline: membersOff,
      ratio: membersOn / membersOff,
      note: `p50 of ${memberRuns}: segments.members with RLS on (value) vs off (baseline); ${((membersOff / membersOn - 1) * 100).toFixed(1)} % slower; goal ≤ 10 % (ratio ≥ 0.91)`,
    });
  },
};
