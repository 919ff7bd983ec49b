/**
 * Embeddings end to end on the real database: enqueue in the write transaction, worker
 * ticks, failures with backoff, leases, backfill, startup dimension checks, and a cosine
 * nearest-neighbour query over the stored vectors.
 */
import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { failure } from '../../test/errors.js';
import {
  createTestDatabase,
  createTestGreenTrack,
  databaseKind,
  makeOrganization,
} from '../../test/harness.js';
import { fixedClock } from '../clock.js';
import { connectDatabase } from '../db/connect.js';
import type { Database } from '../db/types.js';
import { fromVector, toVector } from '../db/values.js';
import type { GreenTrackEventMap } from '../events.js';
import { createGreenTrack, type GreenTrack } from '../greentrack.js';
import type { Embedder } from '../providers/embedder.js';
import { hashingEmbedder } from '../providers/hashing-embedder.js';
import type { TenantFacade } from '../tenant.js';
import {
  customerProfileText,
  DEFAULT_EMBEDDING_LEASE_MS,
  DEFAULT_EMBEDDING_RETRY_BASE_MS,
  enqueueEmbeddings,
} from './index.js';

/** A promise and its resolver, to hold an embedder call open from the test. */
function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = () => {};
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/**
 * A test double of our own `Embedder` interface: hashing vectors, plus switches to fail,
 * break the contract, or hold calls open. `maxBatch: 3` so batching is visible.
 */
function controllableEmbedder() {
  const inner = hashingEmbedder({ dimensions: 1536 });
  const state = {
    mode: 'ok' as 'ok' | 'fail' | 'wrong-length',
    /** While set, every call waits for it. */
    gate: undefined as Promise<void> | undefined,
    calls: [] as string[][],
    inFlight: 0,
    maxInFlight: 0,
    /** Called when a call starts, before the gate. */
    onCall: undefined as (() => void) | undefined,
  };
  const embedder: Embedder = {
    id: 'test-double',
    dimensions: 1536,
    maxBatch: 3,
    async embed(texts) {
      state.calls.push(texts);
      state.inFlight++;
      state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
      try {
        state.onCall?.();
        if (state.gate) await state.gate;
        if (state.mode === 'fail') throw new Error('provider unavailable (503)');
        if (state.mode === 'wrong-length') return texts.map(() => [1, 0, 0]);
        return inner.embed(texts);
      } finally {
        state.inFlight--;
      }
    },
  };
  const reset = () => {
    state.mode = 'ok';
    state.gate = undefined;
    state.calls = [];
    state.inFlight = 0;
    state.maxInFlight = 0;
    state.onCall = undefined;
  };
  return { embedder, state, reset };
}

const jobsOf = (db: Kysely<Database>) =>
  db
    .selectFrom('embedding_jobs')
    .select(['customer_id', 'organization_id', 'attempts', 'locked_until', 'last_error'])
    .orderBy('customer_id')
    .execute();

async function storedEmbedding(db: Kysely<Database>, customerId: string) {
  const row = await db
    .selectFrom('customers')
    .select('embedding')
    .where('id', '=', customerId)
    .executeTakeFirstOrThrow();
  return fromVector(row.embedding);
}

describe(`embeddings [${databaseKind}]`, () => {
  let gt: GreenTrack;
  let cleanup: () => Promise<void>;
  let org: TenantFacade;
  let organizationId: string;
  let otherOrg: TenantFacade;
  const clock = fixedClock('2026-03-01T09:00:00.000Z');
  const double = controllableEmbedder();

  beforeAll(async () => {
    ({ gt, cleanup } = await createTestGreenTrack({ clock, embedder: double.embedder }));
    const fixture = await makeOrganization(gt, 'Embeddings');
    organizationId = fixture.organization.id;
    org = gt.as({ userId: fixture.staff.id, organizationId });
    const other = await makeOrganization(gt, 'Other');
    otherOrg = gt.as({ userId: other.owner.id, organizationId: other.organization.id });
  });
  afterAll(() => cleanup());
  beforeEach(async () => {
    double.reset();
    await gt.db.deleteFrom('embedding_jobs').execute();
  });

  it('has the queue table with the columns its Kysely type declares', async () => {
    const { rows } = await sql<{ column_name: string; is_nullable: string; data_type: string }>`
      SELECT column_name, is_nullable, data_type FROM information_schema.columns
      WHERE table_schema = 'public' AND table_name = 'embedding_jobs' ORDER BY ordinal_position`.execute(
      gt.db,
    );
    expect(rows.map((r) => [r.column_name, r.is_nullable === 'YES', r.data_type])).toEqual([
      ['organization_id', false, 'uuid'],
      ['customer_id', false, 'uuid'],
      ['enqueued_at', false, 'timestamp with time zone'],
      ['attempts', false, 'integer'],
      ['locked_until', true, 'timestamp with time zone'],
      ['last_error', true, 'text'],
    ]);
  });

  it('queues a created customer in the same transaction, and embeds nothing in the request', async () => {
    const customer = await org.customers.create({ type: 'customer', name: 'Queued Quinn' });
    expect(await jobsOf(gt.db)).toEqual([
      {
        customer_id: customer.id,
        organization_id: organizationId,
        attempts: 0,
        locked_until: null,
        last_error: null,
      },
    ]);
    expect(double.state.calls).toEqual([]);
    expect(await storedEmbedding(gt.db, customer.id)).toBeNull();
    // A failed create (invalid email) queues nothing.
    await expect(
      org.customers.create({ type: 'customer', name: 'Bad', email: 'not-an-email' }),
    ).rejects.toThrow();
    expect(await jobsOf(gt.db)).toHaveLength(1);
  });

  it('re-queues on an update only when the profile text changes', async () => {
    const customer = await org.customers.create({
      type: 'customer',
      name: 'Ursula Update',
      email: 'ursula@alpha.example',
      phone: '+14155550100',
      city: 'Portland',
    });
    await gt.db.deleteFrom('embedding_jobs').execute();
    const queued = async () => (await jobsOf(gt.db)).map((j) => j.customer_id);

    // Not in the profile: phone, street address, postal code, the email's local part.
    await org.customers.update(customer.id, {
      phone: '+14155550199',
      address_line1: '1 Main St',
      postal_code: '97201',
      email: 'u.update@alpha.example',
    });
    // Same values again.
    await org.customers.update(customer.id, { name: 'Ursula Update', city: 'Portland' });
    expect(await queued()).toEqual([]);

    const changes = [
      { name: 'Ursula Updated' },
      { type: 'lead' as const },
      { notes: 'Prefers email' },
      { tags: ['vip'] },
      { city: 'Salem' },
      { state: 'OR' },
      { country: 'CA' },
      { email: 'ursula@beta.example' },
    ];
    for (const change of changes) {
      await org.customers.update(customer.id, change);
      expect(await queued(), JSON.stringify(change)).toEqual([customer.id]);
      await gt.db.deleteFrom('embedding_jobs').execute();
    }
  });

  it('embeds due jobs in embedder-sized batches: the stored vector is embed(profile), unit length', async () => {
    const customers = [];
    for (const name of ['Ada', 'Bea', 'Cy', 'Dee', 'Eve', 'Flo', 'Gus']) {
      customers.push(
        await org.customers.create({
          type: 'customer',
          name: `${name} Batch`,
          email: `${name.toLowerCase()}@batch.example`,
          city: 'Austin',
          tags: ['batch'],
        }),
      );
    }
    const result = await gt.worker.tick();
    expect(result).toEqual({
      embedded: 7,
      failed: 0,
      campaignsStarted: 0,
      messagesSent: 0,
      messagesFailed: 0,
      templatesEmbedded: 0,
      invoiceAccountsSynced: 0,
      invoiceAccountsFailed: 0,
      conversionsAttributed: 0,
    });
    expect(double.state.calls.map((c) => c.length)).toEqual([3, 3, 1]);
    expect(await jobsOf(gt.db)).toEqual([]);
    double.reset();

    for (const customer of customers) {
      const profile = customerProfileText(customer);
      expect(profile).toBe(
        `${customer.name} (customer)\nEmail domain: batch.example\nLocation: Austin, US\nTags: batch`,
      );
      const [expected] = await gt.embedder.embed([profile]);
      const stored = await storedEmbedding(gt.db, customer.id);
      expect(stored).toHaveLength(1536);
      const maxDiff = Math.max(...(stored ?? []).map((v, i) => Math.abs(v - (expected?.[i] ?? 0))));
      expect(maxDiff).toBeLessThan(1e-6);
      const length = Math.sqrt((stored ?? []).reduce((s, v) => s + v * v, 0));
      expect(length).toBeCloseTo(1, 5);
    }
    // Nothing left: the next tick is a no-op that calls no embedder.
    const callsBefore = double.state.calls.length;
    expect(await gt.worker.tick()).toEqual({
      embedded: 0,
      failed: 0,
      campaignsStarted: 0,
      messagesSent: 0,
      messagesFailed: 0,
      templatesEmbedded: 0,
      invoiceAccountsSynced: 0,
      invoiceAccountsFailed: 0,
      conversionsAttributed: 0,
    });
    expect(double.state.calls).toHaveLength(callsBefore);
  });

  it('keeps failed jobs with attempts, last_error and a doubling backoff, then succeeds', async () => {
    const customer = await org.customers.create({ type: 'lead', name: 'Fiona Fail' });
    double.state.mode = 'fail';
    const start = clock.now().getTime();
    expect(await gt.worker.tick()).toEqual({
      embedded: 0,
      failed: 1,
      campaignsStarted: 0,
      messagesSent: 0,
      messagesFailed: 0,
      templatesEmbedded: 0,
      invoiceAccountsSynced: 0,
      invoiceAccountsFailed: 0,
      conversionsAttributed: 0,
    });
    let [job] = await jobsOf(gt.db);
    expect(job).toMatchObject({ customer_id: customer.id, attempts: 1 });
    expect(job?.last_error).toContain('provider unavailable (503)');
    expect(job?.locked_until?.getTime()).toBe(start + DEFAULT_EMBEDDING_RETRY_BASE_MS);

    // Backing off: not due yet.
    expect(await gt.worker.tick()).toEqual({
      embedded: 0,
      failed: 0,
      campaignsStarted: 0,
      messagesSent: 0,
      messagesFailed: 0,
      templatesEmbedded: 0,
      invoiceAccountsSynced: 0,
      invoiceAccountsFailed: 0,
      conversionsAttributed: 0,
    });
    clock.advance(DEFAULT_EMBEDDING_RETRY_BASE_MS);
    expect(await gt.worker.tick()).toEqual({
      embedded: 0,
      failed: 1,
      campaignsStarted: 0,
      messagesSent: 0,
      messagesFailed: 0,
      templatesEmbedded: 0,
      invoiceAccountsSynced: 0,
      invoiceAccountsFailed: 0,
      conversionsAttributed: 0,
    });
    [job] = await jobsOf(gt.db);
    expect(job?.attempts).toBe(2);
    expect(job?.locked_until?.getTime()).toBe(
      clock.now().getTime() + 2 * DEFAULT_EMBEDDING_RETRY_BASE_MS,
    );

    // An embedder that breaks its contract (wrong dimension) is a failure too, not a write.
    clock.advance(2 * DEFAULT_EMBEDDING_RETRY_BASE_MS);
    double.state.mode = 'wrong-length';
    expect(await gt.worker.tick()).toEqual({
      embedded: 0,
      failed: 1,
      campaignsStarted: 0,
      messagesSent: 0,
      messagesFailed: 0,
      templatesEmbedded: 0,
      invoiceAccountsSynced: 0,
      invoiceAccountsFailed: 0,
      conversionsAttributed: 0,
    });
    [job] = await jobsOf(gt.db);
    expect(job?.attempts).toBe(3);
    expect(job?.last_error).toContain('returned a vector of length 3, expected 1536');
    expect(await storedEmbedding(gt.db, customer.id)).toBeNull();

    clock.advance(4 * DEFAULT_EMBEDDING_RETRY_BASE_MS);
    double.state.mode = 'ok';
    expect(await gt.worker.tick()).toEqual({
      embedded: 1,
      failed: 0,
      campaignsStarted: 0,
      messagesSent: 0,
      messagesFailed: 0,
      templatesEmbedded: 0,
      invoiceAccountsSynced: 0,
      invoiceAccountsFailed: 0,
      conversionsAttributed: 0,
    });
    expect(await jobsOf(gt.db)).toEqual([]);
    expect(await storedEmbedding(gt.db, customer.id)).toHaveLength(1536);
  });

  it("makes a crashed worker's jobs claimable again when the lease runs out", async () => {
    const customer = await org.customers.create({ type: 'customer', name: 'Stuck Stan' });
    // A worker that claims, then never comes back (its embed call never returns).
    const called = deferred();
    double.state.onCall = called.resolve;
    double.state.gate = new Promise<void>(() => {});
    void gt.worker.tick();
    await called.promise;
    const [leased] = await jobsOf(gt.db);
    expect(leased?.locked_until?.getTime()).toBe(
      clock.now().getTime() + DEFAULT_EMBEDDING_LEASE_MS,
    );

    double.reset();
    // Leased: another worker skips it.
    expect(await gt.worker.tick()).toEqual({
      embedded: 0,
      failed: 0,
      campaignsStarted: 0,
      messagesSent: 0,
      messagesFailed: 0,
      templatesEmbedded: 0,
      invoiceAccountsSynced: 0,
      invoiceAccountsFailed: 0,
      conversionsAttributed: 0,
    });
    clock.advance(DEFAULT_EMBEDDING_LEASE_MS - 1);
    expect(await gt.worker.tick()).toEqual({
      embedded: 0,
      failed: 0,
      campaignsStarted: 0,
      messagesSent: 0,
      messagesFailed: 0,
      templatesEmbedded: 0,
      invoiceAccountsSynced: 0,
      invoiceAccountsFailed: 0,
      conversionsAttributed: 0,
    });
    clock.advance(1);
    expect(await gt.worker.tick()).toEqual({
      embedded: 1,
      failed: 0,
      campaignsStarted: 0,
      messagesSent: 0,
      messagesFailed: 0,
      templatesEmbedded: 0,
      invoiceAccountsSynced: 0,
      invoiceAccountsFailed: 0,
      conversionsAttributed: 0,
    });
    expect(await storedEmbedding(gt.db, customer.id)).toHaveLength(1536);
    expect(await jobsOf(gt.db)).toEqual([]);
  });

  it('re-embeds a customer edited while its embedding was being computed', async () => {
    const customer = await org.customers.create({ type: 'customer', name: 'Racing Rita' });
    const called = deferred();
    const gate = deferred();
    double.state.onCall = called.resolve;
    double.state.gate = gate.promise;
    const inFlight = gt.worker.tick();
    await called.promise;
    const renamed = await org.customers.update(customer.id, { notes: 'Wholesale flour buyer' });
    gate.resolve();
    // The stale vector is written, but the job stays, due again at once.
    expect(await inFlight).toEqual({
      embedded: 1,
      failed: 0,
      campaignsStarted: 0,
      messagesSent: 0,
      messagesFailed: 0,
      templatesEmbedded: 0,
      invoiceAccountsSynced: 0,
      invoiceAccountsFailed: 0,
      conversionsAttributed: 0,
    });
    expect(await jobsOf(gt.db)).toMatchObject([
      { customer_id: customer.id, locked_until: null, attempts: 0 },
    ]);
    double.reset();
    expect(await gt.worker.tick()).toEqual({
      embedded: 1,
      failed: 0,
      campaignsStarted: 0,
      messagesSent: 0,
      messagesFailed: 0,
      templatesEmbedded: 0,
      invoiceAccountsSynced: 0,
      invoiceAccountsFailed: 0,
      conversionsAttributed: 0,
    });
    expect(double.state.calls).toEqual([[customerProfileText(renamed)]]);
    expect(await jobsOf(gt.db)).toEqual([]);
  });

  it('lets concurrent ticks claim disjoint batches (FOR UPDATE SKIP LOCKED)', async () => {
    for (let i = 0; i < 12; i++)
      await org.customers.create({ type: 'customer', name: `Parallel ${i}` });
    // Hold every embed call until all four ticks have claimed and called the embedder, so
    // the claims really overlap (on PGlite's single connection the claims themselves run
    // one after another; on Postgres they race on separate connections).
    const gate = deferred();
    let calls = 0;
    double.state.gate = gate.promise;
    double.state.onCall = () => {
      if (++calls === 4) gate.resolve();
    };
    const results = await Promise.all([1, 2, 3, 4].map(() => gt.worker.tick({ batchSize: 3 })));
    expect(results).toEqual(
      Array.from({ length: 4 }, () => ({
        embedded: 3,
        failed: 0,
        campaignsStarted: 0,
        messagesSent: 0,
        messagesFailed: 0,
        templatesEmbedded: 0,
        invoiceAccountsSynced: 0,
        invoiceAccountsFailed: 0,
        conversionsAttributed: 0,
      })),
    );
    const texts = double.state.calls.flat();
    expect(texts).toHaveLength(12);
    expect(new Set(texts).size).toBe(12);
    expect(double.state.maxInFlight).toBe(4);
    expect(await jobsOf(gt.db)).toEqual([]);
  });

  it('queues many customers in one statement for bulk paths, only in the scope organization', async () => {
    const mine = [
      await org.customers.create({ type: 'customer', name: 'Bulk One' }),
      await org.customers.create({ type: 'customer', name: 'Bulk Two' }),
    ];
    const theirs = await otherOrg.customers.create({ type: 'customer', name: 'Not Mine' });
    await gt.db.deleteFrom('embedding_jobs').execute();
    const scope = { db: gt.db, organizationId };
    const queued = await enqueueEmbeddings(scope, [...mine.map((c) => c.id), theirs.id]);
    expect(queued).toBe(2);
    expect((await jobsOf(gt.db)).map((j) => j.customer_id).sort()).toEqual(
      mine.map((c) => c.id).sort(),
    );
    // Idempotent: still one job per customer.
    expect(
      await enqueueEmbeddings(
        scope,
        mine.map((c) => c.id),
      ),
    ).toBe(2);
    expect(await jobsOf(gt.db)).toHaveLength(2);
    expect(await enqueueEmbeddings(scope, [])).toBe(0);
  });

  it('drops the job with the customer (ON DELETE CASCADE)', async () => {
    const customer = await org.customers.create({ type: 'customer', name: 'Gone Gina' });
    expect(await jobsOf(gt.db)).toHaveLength(1);
    await sql`DELETE FROM customers WHERE id = ${customer.id}`.execute(gt.db);
    expect(await jobsOf(gt.db)).toEqual([]);
  });

  it('backfills an organization with progress, then everyone', async () => {
    // Clear embeddings of this organization so the backfill has visible work.
    await gt.db
      .updateTable('customers')
      .set({ embedding: null })
      .where('organization_id', '=', organizationId)
      .execute();
    const count = async (organization?: string) => {
      let query = gt.db.selectFrom('customers').select((eb) => eb.fn.countAll<string>().as('n'));
      if (organization) query = query.where('organization_id', '=', organization);
      return Number((await query.executeTakeFirstOrThrow()).n);
    };
    const total = await count(organizationId);
    expect(total).toBeGreaterThan(10);

    const progress: Array<{ embedded: number; total: number }> = [];
    const events: Array<GreenTrackEventMap['embedding.progress']> = [];
    const listener = (e: GreenTrackEventMap['embedding.progress']) => events.push(e);
    gt.on('embedding.progress', listener);
    const result = await gt.customers.reembedAll({
      organizationId,
      batchSize: 5,
      onProgress: (p) => progress.push({ embedded: p.embedded, total: p.total }),
    });
    gt.off('embedding.progress', listener);

    expect(result).toEqual({ organizationId, embedded: total, failed: 0, total });
    const expected = [0];
    for (let done = 5; done < total; done += 5) expected.push(done);
    expected.push(total);
    expect(progress).toEqual(expected.map((embedded) => ({ embedded, total })));
    expect(events.map((e) => e.embedded)).toEqual(expected);
    expect(events.every((e) => e.organizationId === organizationId && e.failed === 0)).toBe(true);
    const missing = await gt.db
      .selectFrom('customers')
      .select('id')
      .where('organization_id', '=', organizationId)
      .where('embedding', 'is', null)
      .execute();
    expect(missing).toEqual([]);

    // Every organization.
    const all = await gt.customers.reembedAll();
    expect(all).toMatchObject({ organizationId: null, failed: 0, total: await count() });
    expect(all.embedded).toBe(all.total);
    expect(await jobsOf(gt.db)).toEqual([]);
  });

  it('stops a backfill whose embedder is down, leaving the jobs queued with backoff', async () => {
    double.state.mode = 'fail';
    const result = await gt.customers.reembedAll({ organizationId, batchSize: 4 });
    expect(result.embedded).toBe(0);
    expect(result.failed).toBe(4);
    const jobs = await jobsOf(gt.db);
    expect(jobs.length).toBe(result.total);
    expect(jobs.filter((j) => j.attempts === 1)).toHaveLength(4);
  });

  it('finds the lexically nearest customer with a pgvector cosine query', async () => {
    const people = {
      bakery: await org.customers.create({
        type: 'customer',
        name: 'Rosa Baker',
        tags: ['bakery', 'wholesale'],
        city: 'Portland',
        notes: 'Sourdough bakery, orders flour every week',
      }),
      dentist: await org.customers.create({
        type: 'customer',
        name: 'Dr. Dent',
        tags: ['dental'],
        city: 'Boston',
        notes: 'Dental clinic, teeth whitening',
      }),
      florist: await org.customers.create({
        type: 'lead',
        name: 'Flora Bloom',
        tags: ['flowers'],
        city: 'Miami',
        notes: 'Florist, wedding bouquets',
      }),
    };
    await gt.worker.tick();
    const [query] = await gt.embedder.embed(['sourdough bakeries in portland']);
    const ids = Object.values(people).map((c) => c.id);
    const { rows } = await sql<{ id: string; distance: number }>`
      SELECT id, embedding <=> ${toVector(query ?? [])}::vector AS distance
      FROM customers
      WHERE organization_id = ${organizationId} AND id = ANY(${ids}::uuid[])
      ORDER BY embedding <=> ${toVector(query ?? [])}::vector
      LIMIT 3`.execute(gt.db);
    expect(rows).toHaveLength(3);
    expect(rows[0]?.id).toBe(people.bakery.id);
    expect(Number(rows[0]?.distance)).toBeLessThan(Number(rows[1]?.distance) - 0.2);
  });
});

describe(`embedding dimensions at startup [${databaseKind}]`, () => {
  it('rejects an embedder that does not fit a migrated database (384 on vector(1536))', async () => {
    const database = await createTestDatabase();
    try {
      const error = await failure(
        createGreenTrack({
          database: database.options,
          embedder: hashingEmbedder({ dimensions: 384 }),
        }),
      );
      expect(error.code).toBe('EMBEDDING_DIMENSION_MISMATCH');
      expect(error.message).toContain('384');
      expect(error.message).toContain('vector(1536)');
      expect(error.details).toMatchObject({ embedderDimensions: 384, columnDimensions: 1536 });
      // The default embedder follows the column.
      const gt = await createGreenTrack({ database: database.options });
      expect(gt.embedder.dimensions).toBe(1536);
      await gt.close();
    } finally {
      await database.drop();
    }
  });

  it('rejects contradicting embeddingDimensions and embedder before touching the schema', async () => {
    const database = await createTestDatabase({ migrated: false });
    try {
      const error = await failure(
        createGreenTrack({
          database: database.options,
          embeddingDimensions: 1536,
          embedder: hashingEmbedder({ dimensions: 384 }),
        }),
      );
      expect(error.code).toBe('EMBEDDING_DIMENSION_MISMATCH');
      expect(error.details).toMatchObject({ embedderDimensions: 384, embeddingDimensions: 1536 });
    } finally {
      await database.drop();
    }
  });

  it("migrates a new database with the embedder's dimension, and checks again after migrate()", async () => {
    const database = await createTestDatabase({ migrated: false });
    // One database shared by two instances: on PGlite through one caller-owned instance.
    const shared = database.options.url
      ? { options: database.options, close: async () => {} }
      : await (async () => {
          const connection = await connectDatabase(database.options);
          return { options: { pglite: connection.pglite }, close: () => connection.close() };
        })();
    const small = await createGreenTrack({
      database: shared.options,
      embedder: hashingEmbedder({ dimensions: 384 }),
    });
    // Created before the schema exists: nothing to compare with yet.
    const large = await createGreenTrack({ database: shared.options });
    try {
      await small.migrate();
      expect(await small.embeddingDimensions()).toBe(384);
      const error = await failure(large.migrate());
      expect(error.code).toBe('EMBEDDING_DIMENSION_MISMATCH');
      expect(error.details).toMatchObject({ embedderDimensions: 1536, columnDimensions: 384 });
      // A fresh default instance now picks the column's 384.
      const follower = await createGreenTrack({ database: shared.options });
      expect(follower.embedder.dimensions).toBe(384);
      await follower.close();
    } finally {
      await small.close();
      await large.close();
      await shared.close();
      await database.drop();
    }
  });
});
