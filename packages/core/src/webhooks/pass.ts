/**
 * The worker's webhook pass: processes the rows left `pending` (payloads too big to process
 * inline, inline runs that timed out, a process that died between storing and processing,
 * rows put back by `reprocess`), then deletes processed rows past their retention.
 *
 * Candidates are read across organizations (oldest first, by the pending-rows index); each
 * is then claimed in its own organization's transaction with `FOR UPDATE SKIP LOCKED`, so
 * any number of workers share the queue without taking one row twice.
 */
import { sql } from 'kysely';
import type { ModuleDeps } from '../module.js';
import { webhookRuntime } from './options.js';
import { processStoredWebhook } from './process.js';

/** What one pass did. */
export interface WebhookPassResult {
  /** Pending rows whose handlers succeeded. */
  processed: number;
  /** Pending rows whose handlers failed (now `failed`, with `error`). */
  failed: number;
  /** Processed rows deleted for being older than `webhooks.retentionDays`. */
  deleted: number;
}

/** Most pending rows one pass takes, so a tick stays short. */
const PASS_BATCH = 100;
/**
 * How long the worker gives one row before abandoning the run (rolled back, still pending,
 * tried again next tick): a handler stuck on a call that never returns must not stop the
 * tick, and with it every later row. Generous: a thousand-event batch fits many times over.
 */
const WORKER_TIMEOUT_MS = 60_000;
/** Rows one retention statement deletes, so it never holds many locks at once. */
const RETENTION_BATCH = 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

/** Processes up to `batchSize` pending webhooks, oldest first. */
async function processPendingWebhooks(
  deps: ModuleDeps,
  batchSize = PASS_BATCH,
): Promise<Pick<WebhookPassResult, 'processed' | 'failed'>> {
  const candidates = await deps.database
    .system('the worker finds pending webhooks of every organization')
    .selectFrom('webhooks_inbound')
    .select(['id', 'organization_id'])
    .where('status', '=', 'pending')
    .orderBy('received_at')
    .limit(batchSize)
    .execute();
  let processed = 0;
  let failed = 0;
  for (const row of candidates) {
    const result = await processStoredWebhook(
      deps,
      { id: row.id, organizationId: row.organization_id },
      { skipLocked: true, onlyPending: true, timeoutMs: WORKER_TIMEOUT_MS },
    );
    if (result.status === 'processed') processed++;
    if (result.status === 'failed') failed++;
  }
  return { processed, failed };
}

/**
 * Deletes processed webhooks received before `retentionDays` ago (their receipts go with
 * them). Failed and pending rows stay: they still need someone, or the worker.
 */
async function deleteExpiredWebhooks(deps: ModuleDeps): Promise<number> {
  const cutoff = new Date(
    deps.clock.now().getTime() - webhookRuntime(deps).options.retentionDays * DAY_MS,
  );
  const db = deps.database.system('webhook retention spans every organization');
  let deleted = 0;
  for (;;) {
    const result = await sql`
      DELETE FROM webhooks_inbound WHERE id IN (
        SELECT id FROM webhooks_inbound
        WHERE status = 'processed' AND received_at < ${cutoff}
        ORDER BY received_at LIMIT ${RETENTION_BATCH})`.execute(db);
    const count = Number(result.numAffectedRows ?? 0);
    deleted += count;
    if (count < RETENTION_BATCH) return deleted;
  }
}

/** One pass: pending rows, then retention. */
export async function runWebhookPass(deps: ModuleDeps): Promise<WebhookPassResult> {
  const { processed, failed } = await processPendingWebhooks(deps);
  const deleted = await deleteExpiredWebhooks(deps);
  return { processed, failed, deleted };
}
