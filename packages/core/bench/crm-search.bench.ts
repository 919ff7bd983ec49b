/**
 * `crm.search`: the first page of a customer search over 1M customers in one organization.
 *
 * Figure: latency (p50, p95) of `org.customers.list({ q })` — the full service path:
 * membership + RBAC check, validation, Kysely, the database. Baseline, measured in the same
 * run: the same page fetched by one hand-written SQL statement sent as is (no builder, no checks).
 * ratio = baseline ÷ value (1.0 = no overhead over hand-written SQL); the naive statement's
 * plan depends on the planner's LIKE estimate, the service's does not. The plans of the
 * service's two statements are printed and must use their indexes, never a seq scan.
 */
import { sql } from 'kysely';
import { timed } from './harness.js';
import { type Bench, percentile } from './lib.js';

const FIRST = [
  'Ana',
  'Bo',
  'Carla',
  'Dan',
  'Eve',
  'Finn',
  'Gus',
  'Hana',
  'Ines',
  'Jon',
  'Kai',
  'Lea',
  'Max',
  'Nia',
  'Oto',
  'Pia',
  'Quin',
  'Rosa',
  'Sam',
  'Tea',
];
const LAST = [
  'Martin',
  'Stone',
  'Diaz',
  'Baker',
  'Novak',
  'Kowalski',
  'Silva',
  'Rossi',
  'Meyer',
  'Dubois',
  'Jensen',
  'Larsen',
  'Horvat',
  'Nagy',
  'Popescu',
  'Ivanov',
  'Moreau',
  'Costa',
  'Weber',
  'Fischer',
];
const CITIES = [
  'Paris',
  'Berlin',
  'Austin',
  'Lyon',
  'Porto',
  'Oslo',
  'Graz',
  'Turin',
  'Ghent',
  'Cork',
];

/** Search terms of different selectivity: a surname+given name, an email fragment, phone digits. */
const TERMS = ['carla rossi', 'rossi.', '555-0199', 'novak'];

export const crmSearchBench: Bench = {
  name: 'crm.search',
  description: 'first page of a customer search over 1M customers (service vs hand-written SQL)',
  async run({ gt, db, dialect, record, log }) {
    const scale = Number(process.env.GREENTRACK_BENCH_SCALE ?? (dialect === 'postgres' ? 1 : 0.02));
    const rows = Math.round(1_000_000 * scale);
    const owner = await gt.users.create({ email: 'bench-owner@example.com', name: 'Bench' });
    const { organization } = await gt.organizations.create({
      name: 'Bench Org',
      ownerUserId: owner.id,
    });
    const org = gt.as({ userId: owner.id, organizationId: organization.id });

    // Bulk load with the trigram index dropped and rebuilt afterwards (as any bulk load
    // should): maintaining a GIN index row by row is what makes loads slow, not search.
    const load = await timed(async () => {
      await sql`DROP INDEX customers_search_trgm_idx`.execute(db);
      await sql`
        INSERT INTO customers (organization_id, type, name, email, phone, city, country, created_at, updated_at)
        SELECT ${organization.id}::uuid,
               CASE WHEN i % 4 = 0 THEN 'lead' ELSE 'customer' END,
               (${sql.lit(`{${FIRST.join(',')}}`)}::text[])[1 + i % 20] || ' ' || (${sql.lit(`{${LAST.join(',')}}`)}::text[])[1 + (i / 20) % 20],
               lower((${sql.lit(`{${LAST.join(',')}}`)}::text[])[1 + (i / 20) % 20]) || '.' || i || '@example.com',
               '+1415555' || lpad((i % 10000)::text, 4, '0'),
               (${sql.lit(`{${CITIES.join(',')}}`)}::text[])[1 + i % 10],
               'US',
               now() - (i || ' seconds')::interval,
               now() - (i || ' seconds')::interval
        FROM generate_series(1, ${rows}) AS i`.execute(db);
      await sql`CREATE INDEX customers_search_trgm_idx ON customers
                USING gin (greentrack_customer_search_text(name, email, phone) gin_trgm_ops)`.execute(
        db,
      );
      await sql`ANALYZE customers`.execute(db);
    });
    log(`loaded ${rows} customers + trigram index in ${(load.ms / 1000).toFixed(1)} s`);

    const rawSql = `
      SELECT id, organization_id, type, name, email, phone, address_line1, address_line2, city, state,
             postal_code, country, tags, notes, external_zeroinvoice_customer_id, created_at, updated_at,
             created_at::text AS sort_key
      FROM customers
      WHERE organization_id = $1 AND greentrack_customer_search_text(name, email, phone) LIKE $2
      ORDER BY created_at DESC, id DESC
      LIMIT 51`;

    for (const term of TERMS) {
      const pattern = `%${term.replace(/\D/g, '').length >= 3 && /^[\d\s()+.-]+$/.test(term) ? term.replace(/\D/g, '') : term.toLowerCase()}%`;
      // The two statements the service may send for one page (see SEARCH_WINDOW_ROWS in
      // customers/service.ts): an in-order window, then — for rare terms — the trigram path.
      const org_ = `'${organization.id}'`;
      const like = `'${pattern.replace(/'/g, "''")}'`;
      const statements = {
        window: `SELECT * FROM (SELECT *, greentrack_customer_search_text(name, email, phone) AS search_text
                   FROM customers WHERE organization_id = ${org_} ORDER BY created_at DESC, id DESC LIMIT 2000) w
                 WHERE w.search_text LIKE ${like} ORDER BY created_at DESC, id DESC LIMIT 51`,
        trigram: `SELECT * FROM customers WHERE organization_id = ${org_}
                    AND greentrack_customer_search_text(name, email, phone) LIKE ${like}
                  ORDER BY created_at + interval '0' DESC, id DESC LIMIT 51`,
      };
      for (const [step, statement] of Object.entries(statements)) {
        const plan = await sql
          .raw<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, COSTS OFF) ${statement}`)
          .execute(db);
        const planText = plan.rows.map((r) => r['QUERY PLAN']).join('\n');
        log(`plan of the ${step} step for "${term}":\n    ${planText.split('\n').join('\n    ')}`);
        const index = step === 'window' ? 'customers_org_created_idx' : 'customers_search_trgm_idx';
        if (/Seq Scan/.test(planText) || !planText.includes(index)) {
          throw new Error(`the ${step} step for "${term}" does not use ${index}`);
        }
      }

      const service: number[] = [];
      const raw: number[] = [];
      let matches = 0;
      for (let i = 0; i < 25; i++) {
        // Alternate so caching and noise favour neither side.
        const a = await timed(() => org.customers.list({ q: term }));
        service.push(a.ms);
        matches = a.result.items.length;
        const b = await timed(() =>
          sql
            .raw(
              rawSql
                .replace('$1', `'${organization.id}'`)
                .replace('$2', `'${pattern.replace(/'/g, "''")}'`),
            )
            .execute(db),
        );
        raw.push(b.ms);
      }
      const slug = term.replace(/[^a-z0-9]+/gi, '_').replace(/^_|_$/g, '');
      for (const p of [50, 95]) {
        const value = percentile(service, p);
        const baseline = percentile(raw, p);
        record({
          name: `crm.search.${slug}.p${p}_ms`,
          value,
          unit: 'ms',
          baseline,
          ratio: baseline / value,
          note: `${matches} on page; goal < 50 ms; ratio = raw SQL ÷ service`,
        });
      }
    }

    // The unfiltered first page: a backwards scan of (organization_id, created_at, id).
    const first = await timed(() => org.customers.list({ limit: 50 }));
    const firstRaw = await timed(() =>
      sql
        .raw(
          rawSql
            .replace('AND greentrack_customer_search_text(name, email, phone) LIKE $2', '')
            .replace('$1', `'${organization.id}'`),
        )
        .execute(db),
    );
    record({
      name: 'crm.search.first_page_ms',
      value: first.ms,
      unit: 'ms',
      baseline: firstRaw.ms,
      ratio: firstRaw.ms / first.ms,
      note: 'no filter',
    });
  },
};
