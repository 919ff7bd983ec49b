/**
 * One drill worker process: a GreenTrack instance on the drill's database that ticks its
 * worker in a loop until it is killed. The drill SIGKILLs these at random moments, so this
 * file has no shutdown path on purpose — a real worker on a host that loses power has none.
 *
 * Configured by environment (the drill sets it): DATABASE_URL, DRILL_IDEMPOTENT (`1`/`0`),
 * DRILL_LEASE_MS, DRILL_SEND_TIMEOUT_MS, DRILL_BATCH_SIZE.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { createGreenTrack } from '../src/greentrack.js';

const number = (name: string): number => {
  const value = Number(process.env[name]);
  if (!Number.isFinite(value)) throw new Error(`${name} must be a number`);
  return value;
};

const gt = await createGreenTrack({
  database: { url: process.env.DATABASE_URL, maxConnections: 2 },
  providers: { email: { outbox: { idempotent: process.env.DRILL_IDEMPOTENT === '1' } } },
  dispatch: {
    leaseMs: number('DRILL_LEASE_MS'),
    sendTimeoutMs: number('DRILL_SEND_TIMEOUT_MS'),
    batchSize: number('DRILL_BATCH_SIZE'),
    // One batch per tick: ticks are short, so a kill lands in any phase of a batch.
    batchesPerRun: 1,
  },
});
process.send?.('ready');
for (;;) {
  try {
    const tick = await gt.worker.tick();
    if (tick.messagesSent === 0) await sleep(25);
  } catch (error) {
    // A tick that loses its database (the drill drops it at the end) must not spin.
    console.error('[drill worker] tick failed:', error instanceof Error ? error.message : error);
    await sleep(200);
  }
}
