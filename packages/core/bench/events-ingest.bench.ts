/**
 * `events.ingest`: analytics events posted in batches of 1,000 to `POST /events` through
 * `gt.handler`, with a widget token scoped to `event.track`, one request after another.
 *
 * Figure: events/s of the whole path — token check and membership lookup, body parse and
 * zod validation of every event, customer resolution (10 % of events name a customer by
 * id), the set-based INSERT, the `ga_sessions` upsert (every event carries a GA client id
 * from a pool of 5,000) and the customer re-link, one transaction per batch. Baseline,
 * measured in the same run: the same rows as they are stored (customers already resolved),
 * written into a second organization by plain multi-row `INSERT … VALUES` statements of
 * 1,000 rows, each its own transaction — no HTTP, validation, lookup or `ga_sessions`.
 * ratio = API ÷ raw (1.0 = as fast as raw INSERTs).
 *
 * `GREENTRACK_BENCH_SCALE` scales the event count (default 1 = 100k on Postgres, 0.05 on PGlite).
 */
import { randomUUID } from 'node:crypto';
import type { Insertable } from 'kysely';
import type { EventsTable } from '../src/db/types.js';
import { timed } from './harness.js';
import { type Bench, prng } from './lib.js';

const NAMES = ['page_view', 'page_view', 'page_view', 'add_to_cart', 'booking_request', 'signup'];
const SOURCES = ['newsletter', 'google', 'facebook', 'partner'];
const MEDIUMS = ['email', 'cpc', 'social', 'referral'];
const PAGES = ['/', '/services', '/book', '/pricing', '/about'];
const BATCH = 1000;

interface Generated {
  /** As posted to the API. */
  body: Record<string, unknown>;
  /** As the baseline writes it (organization set later). */
  row: Omit<Insertable<EventsTable>, 'organization_id'>;
}

function* generateEvents(count: number, customers: readonly string[]): Generator<Generated> {
  const random = prng(20260613);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const start = Date.parse('2026-05-01T00:00:00Z');
  for (let i = 0; i < count; i++) {
    const occurred = new Date(start + Math.floor(random() * 30 * 86_400_000)).toISOString();
    const campaign = random() < 0.3;
    const customer = random() < 0.1 ? pick(customers) : null;
    const event = {
      name: pick(NAMES),
      occurred_at: occurred,
      source: 'web',
      session_id: randomUUID(),
      ga_client_id: `${1_000_000 + Math.floor(random() * 5000)}.1717236000`,
      ...(campaign
        ? { utm_source: pick(SOURCES), utm_medium: pick(MEDIUMS), utm_campaign: 'spring-sale' }
        : {}),
      ...(random() < 0.2 ? { referrer: 'https://search.example/?q=salon+near+me' } : {}),
      properties: { path: pick(PAGES), value_cents: Math.floor(random() * 10_000) },
      ...(customer ? { customer_id: customer } : {}),
    };
    yield {
      body: event,
      row: {
        name: event.name,
        occurred_at: event.occurred_at,
        source: event.source,
        session_id: event.session_id,
        ga_client_id: event.ga_client_id,
        utm_source: event.utm_source ?? null,
        utm_medium: event.utm_medium ?? null,
        utm_campaign: event.utm_campaign ?? null,
        referrer: event.referrer ?? null,
        properties: JSON.stringify(event.properties),
        customer_id: customer,
      },
    };
  }
}

export const eventsIngestBench: Bench = {
  name: 'events.ingest',
  description:
    'analytics events in batches of 1,000 through POST /events (gt.handler, widget token) vs raw multi-row INSERTs',
  async run({ gt, db, dialect, record, log }) {
    const scale = Number(process.env.GREENTRACK_BENCH_SCALE ?? (dialect === 'postgres' ? 1 : 0.05));
    const count = Math.max(BATCH, Math.round(100_000 * scale));
    const owner = await gt.users.create({ email: 'bench-events@example.com', name: 'Bench' });
    const apiOrg = (await gt.organizations.create({ name: 'Events', ownerUserId: owner.id }))
      .organization.id;
    const rawOrg = (await gt.organizations.create({ name: 'Raw', ownerUserId: owner.id }))
      .organization.id;
    // 1,000 customers in each organization; the raw rows name the raw organization's.
    const makeCustomers = async (organizationId: string) =>
      (
        await db
          .insertInto('customers')
          .values(
            Array.from({ length: 1000 }, (_, i) => ({
              organization_id: organizationId,
              type: 'customer' as const,
              name: `Customer ${i}`,
            })),
          )
          .returning('id')
          .execute()
      ).map((r) => r.id);
    const apiCustomers = await makeCustomers(apiOrg);
    const rawCustomers = await makeCustomers(rawOrg);
    const rawOf = new Map(apiCustomers.map((id, i) => [id, rawCustomers[i] ?? '']));

    const generated = [...generateEvents(count, apiCustomers)];
    const bodies: string[] = [];
    for (let i = 0; i < generated.length; i += BATCH) {
      bodies.push(JSON.stringify({ events: generated.slice(i, i + BATCH).map((g) => g.body) }));
    }
    const token = gt.tokens.issue({
      userId: owner.id,
      organizationId: apiOrg,
      scopes: ['event.track'],
      ttlSeconds: 3600,
    });
    const post = (body: string) =>
      gt.handler(
        new Request('http://bench.test/api/greentrack/events', {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body,
        }),
      );

    const latencies: number[] = [];
    const api = await timed(async () => {
      for (const body of bodies) {
        const started = performance.now();
        const response = await post(body);
        if (response.status !== 201)
          throw new Error(`POST /events: ${response.status} ${await response.text()}`);
        await response.arrayBuffer();
        latencies.push(performance.now() - started);
      }
    });
    const sessions = await db
      .selectFrom('ga_sessions')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('organization_id', '=', apiOrg)
      .executeTakeFirst();
    latencies.sort((a, b) => a - b);
    log(
      `API: ${count} events in ${bodies.length} requests in ${(api.ms / 1000).toFixed(1)} s; per batch p50 ${latencies[Math.floor(latencies.length / 2)]?.toFixed(0)} ms, max ${latencies.at(-1)?.toFixed(0)} ms; ${sessions?.n} ga_sessions`,
    );

    const rows = generated.map((g) => ({
      ...g.row,
      organization_id: rawOrg,
      customer_id: g.row.customer_id ? (rawOf.get(g.row.customer_id) ?? null) : null,
    }));
    const raw = await timed(async () => {
      for (let i = 0; i < rows.length; i += BATCH) {
        await db
          .insertInto('events')
          .values(rows.slice(i, i + BATCH))
          .execute();
      }
    });
    log(`raw INSERT: ${rows.length} events in ${(raw.ms / 1000).toFixed(1)} s`);

    const value = count / (api.ms / 1000);
    const baseline = rows.length / (raw.ms / 1000);
    record({
      name: 'events.ingest',
      value,
      unit: 'events/s',
      baseline,
      ratio: value / baseline,
      note: `${count} events, ${BATCH} per POST /events through gt.handler (token, validation, 10 % customer lookups, ga_sessions upsert), one request at a time; baseline = raw multi-row INSERT of the same rows, ${BATCH} per statement; ratio = API ÷ raw`,
    });
  },
};
