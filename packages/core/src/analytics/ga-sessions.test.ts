/**
 * `ga_sessions` is independent of delivery order: the same events sent in any order, split
 * into any batches, some sent twice, some batches at the same time, leave the same rows as
 * one in-order batch — first seen = the earliest event, last seen = the latest, customer =
 * the customer of the newest event that names one, never reset by anonymous events.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestGreenTrack, databaseKind, makeOrganization } from '../../test/harness.js';
import type { GreenTrack } from '../greentrack.js';
import type { TenantFacade } from '../tenant.js';
import type { TrackEvent } from './schema.js';

const T = Date.parse('2026-06-01T12:00:00.000Z');
const at = (minutes: number) => new Date(T + minutes * 60_000).toISOString();

/** An event of the scenario: `customer` is an index into the organization's customers. */
interface Sent {
  ga: string;
  minutes: number;
  customer: number | null;
}

/**
 * GA.1: customers 0 then 1 (1 is newest); a later anonymous event must not unlink it.
 * GA.2: anonymous only. GA.3: two customers at the SAME instant (the larger id wins).
 * GA.4: one customer, by email.
 */
const SCENARIO: Sent[] = [
  { ga: 'GA1.1', minutes: 0, customer: null },
  { ga: 'GA1.1', minutes: 5, customer: 0 },
  { ga: 'GA1.1', minutes: 30, customer: 1 },
  { ga: 'GA1.1', minutes: 90, customer: null },
  { ga: 'GA2.2', minutes: -60, customer: null },
  { ga: 'GA2.2', minutes: 240, customer: null },
  { ga: 'GA3.3', minutes: 10, customer: 0 },
  { ga: 'GA3.3', minutes: 10, customer: 2 },
  { ga: 'GA3.3', minutes: -5, customer: null },
  { ga: 'GA4.4', minutes: 15, customer: 3 },
];

describe(`ga_sessions, order-independent [${databaseKind}]`, () => {
  let gt: GreenTrack;
  let cleanup: () => Promise<void>;
  let n = 0;

  beforeAll(async () => {
    ({ gt, cleanup } = await createTestGreenTrack({
      secret: 'ga-sessions-test-secret-0123456789',
    }));
  });
  afterAll(() => cleanup());

  /** A fresh organization with four customers (the last one found by email). */
  async function freshOrganization(): Promise<{ org: TenantFacade; customers: string[] }> {
    const { organization, admin } = await makeOrganization(gt, `GA ${++n}`);
    const org = gt.as({ userId: admin.id, organizationId: organization.id });
    const customers: string[] = [];
    for (let i = 0; i < 4; i++) {
      const email = `c${i}@example.com`;
      customers.push((await org.customers.create({ name: `C${i}`, type: 'customer', email })).id);
    }
    return { org, customers };
  }

  const toEvent = (sent: Sent, customers: string[]): TrackEvent => {
    const base = { name: 'page_view', occurred_at: at(sent.minutes), ga_client_id: sent.ga };
    if (sent.customer === null) return base;
    // Customer 3 is named by email (each organization has its own c3@), the others by id.
    return sent.customer === 3
      ? { ...base, email: 'C3@example.com' }
      : { ...base, customer_id: customers[sent.customer] ?? '' };
  };

  /** The organization's sessions, customers named by their index in `customers`. */
  async function sessions(org: TenantFacade, customers: string[]) {
    const rows = await gt.database
      .tenant(org.actor.organizationId)
      .selectFrom('ga_sessions')
      .select(['ga_client_id', 'first_seen_at', 'last_seen_at', 'customer_id'])
      .orderBy('ga_client_id')
      .execute();
    // Customers 0 and 2 tie on GA3.3; which one's id is larger differs per organization.
    const [c0 = '', , c2 = ''] = customers;
    const label = (id: string) =>
      id === c0 || id === c2
        ? id === [c0, c2].sort()[1]
          ? 'larger of 0, 2'
          : 'smaller of 0, 2'
        : customers.indexOf(id);
    return rows.map((r) => ({
      ga: r.ga_client_id,
      first: r.first_seen_at?.toISOString(),
      last: r.last_seen_at?.toISOString(),
      customer: r.customer_id === null ? null : label(r.customer_id),
    }));
  }

  it('one in-order batch gives the expected rows', async () => {
    const { org, customers } = await freshOrganization();
    const inOrder = [...SCENARIO].sort((a, b) => a.minutes - b.minutes);
    await org.events.track(inOrder.map((s) => toEvent(s, customers)));
    expect(await sessions(org, customers)).toEqual([
      { ga: 'GA1.1', first: at(0), last: at(90), customer: 1 },
      { ga: 'GA2.2', first: at(-60), last: at(240), customer: null },
      { ga: 'GA3.3', first: at(-5), last: at(10), customer: 'larger of 0, 2' },
      { ga: 'GA4.4', first: at(15), last: at(15), customer: 3 },
    ]);
  });

  it('any order, any batching, duplicates and concurrent batches give the same rows', async () => {
    // Each event's batch number (0-3) and a random order; every 4th run sends one event twice.
    const delivery = fc.record({
      order: fc.shuffledSubarray(
        SCENARIO.map((_, i) => i),
        { minLength: SCENARIO.length, maxLength: SCENARIO.length },
      ),
      batchOf: fc.array(fc.integer({ min: 0, max: 3 }), {
        minLength: SCENARIO.length,
        maxLength: SCENARIO.length,
      }),
      duplicate: fc.option(fc.integer({ min: 0, max: SCENARIO.length - 1 }), { nil: undefined }),
      concurrent: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(delivery, async ({ order, batchOf, duplicate, concurrent }) => {
        const reference = await freshOrganization();
        await reference.org.events.track(SCENARIO.map((s) => toEvent(s, reference.customers)));
        const expected = await sessions(reference.org, reference.customers);

        const { org, customers } = await freshOrganization();
        const batches: TrackEvent[][] = [[], [], [], []];
        for (const i of order)
          batches[batchOf[i] ?? 0]?.push(toEvent(SCENARIO[i] as Sent, customers));
        if (duplicate !== undefined)
          batches[3]?.push(toEvent(SCENARIO[duplicate] as Sent, customers));
        const nonEmpty = batches.filter((b) => b.length > 0);
        if (concurrent) await Promise.all(nonEmpty.map((b) => org.events.track(b)));
        else for (const b of nonEmpty) await org.events.track(b);
        expect(await sessions(org, customers)).toEqual(expected);
      }),
      { seed: 20_260_601, numRuns: 12 },
    );
  }, 120_000);
});
