/**
 * The worker's loop: `start` ticks at once and drains full batches back to back, ticks never
 * overlap, `stop` waits for the running tick, and errors do not end the loop. Waits are on
 * events (the embedder being called), never on sleeps.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestGreenTrack, databaseKind, makeOrganization } from '../../test/harness.js';
import { createTemplateRenderer } from '../campaigns/index.js';
import { fixedClock } from '../clock.js';
import type { GreenTrack } from '../greentrack.js';
import type { Embedder } from '../providers/embedder.js';
import { hashingEmbedder } from '../providers/hashing-embedder.js';
import type { TenantFacade } from '../tenant.js';
import { createWorker } from './worker.js';

describe(`worker loop [${databaseKind}]`, () => {
  let gt: GreenTrack;
  let cleanup: () => Promise<void>;
  let org: TenantFacade;
  const inner = hashingEmbedder({ dimensions: 1536 });
  const state = {
    calls: 0,
    inFlight: 0,
    maxInFlight: 0,
    gate: undefined as Promise<void> | undefined,
    /** Resolved when `calls` reaches `until.count`. */
    until: undefined as { count: number; resolve: () => void } | undefined,
  };
  const embedder: Embedder = {
    id: 'worker-test',
    dimensions: 1536,
    async embed(texts) {
      state.calls++;
      state.inFlight++;
      state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
      if (state.until && state.calls >= state.until.count) state.until.resolve();
      try {
        if (state.gate) await state.gate;
        return await inner.embed(texts);
      } finally {
        state.inFlight--;
      }
    },
  };
  /** Resolves once the embedder has been called `count` times in total. */
  const calledTimes = (count: number) =>
    new Promise<void>((resolve) => {
      state.until = { count, resolve };
      if (state.calls >= count) resolve();
    });
  const pending = async () =>
    (await gt.db.selectFrom('embedding_jobs').select('customer_id').execute()).length;

  beforeAll(async () => {
    ({ gt, cleanup } = await createTestGreenTrack({
      clock: fixedClock('2026-05-01T00:00:00Z'),
      embedder,
    }));
    const fixture = await makeOrganization(gt, 'Worker');
    org = gt.as({ userId: fixture.owner.id, organizationId: fixture.organization.id });
  });
  afterAll(() => cleanup());
  beforeEach(async () => {
    await gt.db.deleteFrom('embedding_jobs').execute();
    Object.assign(state, {
      calls: 0,
      inFlight: 0,
      maxInFlight: 0,
      gate: undefined,
      until: undefined,
    });
  });

  it('ticks at once on start; stop after start runs exactly that tick', async () => {
    await org.customers.create({ type: 'customer', name: 'Started Sam' });
    expect(gt.worker.running).toBe(false);
    gt.worker.start({ intervalMs: 60_000 });
    expect(gt.worker.running).toBe(true);
    gt.worker.start({ intervalMs: 1 }); // already running: ignored
    await gt.worker.stop();
    expect(gt.worker.running).toBe(false);
    expect(state.calls).toBe(1);
    expect(await pending()).toBe(0);
  });

  it('drains a backlog in back-to-back ticks that never overlap', async () => {
    for (let i = 0; i < 5; i++)
      await org.customers.create({ type: 'customer', name: `Drain ${i}` });
    const drained = calledTimes(3);
    // With a one-minute interval only "full batch → next tick at once" can reach 3 calls.
    gt.worker.start({ batchSize: 2, intervalMs: 60_000 });
    await drained;
    await gt.worker.stop();
    expect(state.calls).toBe(3);
    expect(state.maxInFlight).toBe(1);
    expect(await pending()).toBe(0);
  });

  // Regression (issue 8, defect 5): this test used to check `stop()` after one microtask,
  // which any `stop` passes. Now the event loop really runs (a database round trip, timer
  // turns) while the tick is held, and a zero interval would start the next tick at once.
  it('stop resolves only after the running tick ended, and no tick starts after it', async () => {
    let ticks = 0;
    // A tick reads the clock first, synchronously: `ticks` counts tick starts.
    const clock = {
      now: () => {
        ticks++;
        return new Date('2026-05-01T00:00:00Z');
      },
    };
    const worker = createWorker({
      embeddings: { db: gt.db, clock, embedder },
      scheduler: { database: gt.database, clock, emit: () => {} },
      dispatch: {
        database: gt.database,
        clock,
        emit: () => {},
        providers: gt.providers,
        render: createTemplateRenderer(),
      },
    });
    await org.customers.create({ type: 'customer', name: 'Slow Sue' });
    let release = () => {};
    state.gate = new Promise<void>((r) => {
      release = r;
    });
    const called = calledTimes(1);
    worker.start({ intervalMs: 0 });
    await called;
    let stopped = false;
    let inFlightAtStop = -1;
    const stopping = worker.stop().then(() => {
      stopped = true;
      inFlightAtStop = state.inFlight;
    });
    expect(worker.running).toBe(false);
    const turns = async () => {
      for (let i = 0; i < 5; i++) await new Promise<void>((r) => setTimeout(r, 0));
    };
    expect(await pending()).toBe(1);
    await turns();
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(inFlightAtStop).toBe(0);
    expect(await pending()).toBe(0);

    // A job due now, a zero interval, and event-loop turns: a loop that survived stop()
    // would have started another tick by now.
    const ticksAtStop = ticks;
    await org.customers.create({ type: 'customer', name: 'After Stop' });
    await turns();
    expect(await pending()).toBe(1);
    await turns();
    expect(ticks).toBe(ticksAtStop);
    expect(await pending()).toBe(1);
  });

  it('reports a failing tick to onError and keeps looping', async () => {
    let failures = 0;
    let reached = () => {};
    const twice = new Promise<void>((r) => {
      reached = r;
    });
    const failingClock = {
      now: (): Date => {
        throw new Error('clock unavailable');
      },
    };
    const broken = createWorker({
      embeddings: { db: gt.db, clock: failingClock, embedder },
      scheduler: { database: gt.database, clock: failingClock, emit: () => {} },
      dispatch: {
        database: gt.database,
        clock: failingClock,
        emit: () => {},
        providers: gt.providers,
        render: createTemplateRenderer(),
      },
    });
    broken.start({
      intervalMs: 0,
      onError: (error) => {
        expect((error as Error).message).toBe('clock unavailable');
        if (++failures === 2) reached();
      },
    });
    await twice;
    await broken.stop();
    expect(failures).toBeGreaterThanOrEqual(2);
    expect(broken.running).toBe(false);
  });
});
