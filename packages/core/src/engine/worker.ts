/**
 * The worker: background work that must not run in a request. Postgres is the queue, so
 * any number of worker processes on any number of machines can run against one database;
 * they coordinate only through row locks (`FOR UPDATE SKIP LOCKED`) and leases.
 *
 * Two ways to run it:
 * - **Long-running process:** `gt.worker.start({ intervalMs })` ticks now, then again
 *   `intervalMs` after each tick ends (at once while batches come back full), never two
 *   ticks at a time; `await gt.worker.stop()` waits for the running tick.
 * - **Cron / serverless:** call `await gt.worker.tick()` from a scheduled function.
 *
 * A tick starts the campaigns whose time has come (`campaigns/runs.ts`: a run with its
 * frozen audience each), sends what is due in running campaigns (`campaigns/dispatch.ts`:
 * exactly once per recipient), then runs the embedding task (`embeddings/process.ts`): claim due
 * `embedding_jobs`, embed the customers' profiles, write `customers.embedding` — and embeds
 * the templates whose embedding is missing (`embeddings/templates.ts`), and syncs the invoice
 * accounts that are due (`invoice-sync/schedule.ts`). Once an hour it also runs the invoice
 * status pass (`invoices/pass.ts`): overdue status and customer links. Every tick also
 * processes the webhooks left pending and deletes expired ones (`webhooks/pass.ts`), and
 * refreshes the KPI materialized views when they are `kpis.refreshIntervalMs` old
 * (`kpis/refresh-pass.ts`).
 */
import {
  type DispatchDeps,
  type DispatchOptions,
  dispatchDue,
  type SchedulerDeps,
  startDueCampaigns,
} from '../campaigns/index.js';
import {
  DEFAULT_EMBEDDING_BATCH_SIZE,
  type EmbeddingDeps,
  processEmbeddingJobs,
  processTemplateEmbeddings,
} from '../embeddings/index.js';
import { type InvoiceSyncWorkerDeps, syncDueInvoiceAccounts } from '../invoice-sync/index.js';
import { type InvoicePassDeps, runInvoiceStatusPass } from '../invoices/index.js';
import type { createViewRefreshPass } from '../kpis/index.js';
import type { ModuleDeps } from '../module.js';
import { runWebhookPass } from '../webhooks/index.js';

/** How often a worker process runs the invoice status pass (see `runInvoiceStatusPass`). */
const INVOICE_PASS_INTERVAL_MS = 60 * 60 * 1000;

/** Options of one tick. */
export interface WorkerTickOptions {
  /** Most embedding jobs one tick claims. @default 100 */
  batchSize?: number;
}

/** What one tick did. */
export interface WorkerTickResult {
  /** Customers whose embedding was written. */
  embedded: number;
  /** Embedding jobs that failed; they stay queued and are retried with backoff. */
  failed: number;
  /** Scheduled campaigns this tick started (a run with a frozen audience each). */
  campaignsStarted: number;
  /** Campaign messages the provider accepted in this tick. */
  messagesSent: number;
  /** Campaign messages that failed for good in this tick. */
  messagesFailed: number;
  /** Templates whose embedding was written (edited ones are embedded again). */
  templatesEmbedded: number;
  /** Invoice integration accounts synced in this tick (`providers.invoices`). */
  invoiceAccountsSynced: number;
  /** Invoice integration accounts whose sync failed (see `invoice_sync_state.last_error`). */
  invoiceAccountsFailed: number;
}

/** Options of `gt.worker.start`. */
export interface WorkerStartOptions extends WorkerTickOptions {
  /**
   * Pause between the end of one tick and the start of the next. A tick whose batch came
   * back full is followed at once, so a backlog drains without waiting.
   * @default 5000
   */
  intervalMs?: number;
  /**
   * Called when a tick throws (e.g. the database is unreachable); the loop keeps going.
   * @default logs with console.error
   */
  onError?: (error: unknown) => void;
}

/** `gt.worker`. */
export interface Worker {
  /**
   * Runs one tick now and resolves with what it did. Safe to call from several processes
   * at once: each claims a disjoint batch.
   * @example const { embedded, failed } = await gt.worker.tick({ batchSize: 500 });
   */
  tick(options?: WorkerTickOptions): Promise<WorkerTickResult>;
  /**
   * Starts ticking in this process (no-op when already started). The first tick starts
   * immediately.
   * @example gt.worker.start({ intervalMs: 2000 }); process.on('SIGTERM', () => gt.worker.stop());
   */
  start(options?: WorkerStartOptions): void;
  /** Stops the loop and resolves once the running tick (if any) has finished. */
  stop(): Promise<void>;
  /** True between `start()` and `stop()`. */
  readonly running: boolean;
}

/** Default pause between ticks of `start`. */
const DEFAULT_WORKER_INTERVAL_MS = 5000;

/** Builds the worker of a GreenTrack instance. */
export function createWorker(deps: {
  embeddings: EmbeddingDeps;
  scheduler: SchedulerDeps;
  dispatch: DispatchDeps;
  /** The instance's `dispatch` config: leases, timeouts, the `resendUnknown` policy. */
  dispatchOptions?: DispatchOptions;
  /** The invoice sync schedule (it does nothing without `providers.invoices`). */
  invoiceSync?: InvoiceSyncWorkerDeps;
  /** The invoice status pass; run on the first tick, then hourly by `invoicePass.clock`. */
  invoicePass?: InvoicePassDeps;
  /** The webhook pass (pending rows, retention) runs with the instance's module deps. */
  webhooks?: () => ModuleDeps;
  /** The materialized views' refresh, when due (`kpis.refreshIntervalMs`). */
  viewRefresh?: ReturnType<typeof createViewRefreshPass>;
}): Worker {
  let active = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  /** The loop's current tick, awaited by `stop`. */
  let current: Promise<void> = Promise.resolve();
  let generations = 0;
  /** When this process last ran the invoice pass (ms, by the instance clock). */
  let invoicePassAt: number | undefined;

  /** The invoice pass when it is due: idempotent, so a pass per process is harmless. */
  const invoicePassIfDue = async () => {
    const pass = deps.invoicePass;
    if (!pass) return;
    const now = pass.clock.now().getTime();
    if (invoicePassAt !== undefined && now - invoicePassAt < INVOICE_PASS_INTERVAL_MS) return;
    await runInvoiceStatusPass(pass);
    invoicePassAt = now;
  };

  const runTick = async (options: WorkerTickOptions = {}) => {
    const started = await startDueCampaigns(deps.scheduler);
    const messages = await dispatchDue(deps.dispatch, deps.dispatchOptions);
    const jobs = await processEmbeddingJobs(deps.embeddings, { batchSize: options.batchSize });
    const templates = await processTemplateEmbeddings(deps.embeddings);
    const invoices = deps.invoiceSync
      ? await syncDueInvoiceAccounts(deps.invoiceSync)
      : { synced: 0, failed: 0 };
    await invoicePassIfDue();
    if (deps.webhooks) await runWebhookPass(deps.webhooks());
    if (deps.viewRefresh) await deps.viewRefresh();
    return {
      invoiceAccountsSynced: invoices.synced,
      invoiceAccountsFailed: invoices.failed,
      ...jobs,
      templatesEmbedded: templates.embedded,
      campaignsStarted: started.length,
      messagesSent: messages.sent,
      messagesFailed: messages.failed,
    };
  };

  const tick: Worker['tick'] = async (options) => {
    const result = await runTick(options);
    const { embedded, failed, campaignsStarted, messagesSent, messagesFailed } = result;
    const { templatesEmbedded, invoiceAccountsSynced, invoiceAccountsFailed } = result;
    return {
      embedded,
      failed,
      campaignsStarted,
      messagesSent,
      messagesFailed,
      templatesEmbedded,
      invoiceAccountsSynced,
      invoiceAccountsFailed,
    };
  };

  const start: Worker['start'] = (options = {}) => {
    if (active) return;
    active = true;
    // A loop started after a `stop()` that was not awaited must not run beside the old
    // one: each loop only reschedules itself while it is the current generation.
    const generation = ++generations;
    const batchSize = options.batchSize ?? DEFAULT_EMBEDDING_BATCH_SIZE;
    const intervalMs = options.intervalMs ?? DEFAULT_WORKER_INTERVAL_MS;
    const onError =
      options.onError ??
      ((error: unknown) => console.error('[greentrack] worker tick failed:', error));
    const loop = async (): Promise<void> => {
      timer = undefined;
      let full = false;
      try {
        const result = await runTick({ batchSize });
        full = result.claimed >= batchSize;
      } catch (error) {
        try {
          onError(error);
        } catch {
          // A throwing error handler must not end the loop.
        }
      }
      // The next tick is scheduled only after this one ended: ticks never overlap.
      if (active && generation === generations)
        timer = setTimeout(
          () => {
            current = loop();
          },
          full ? 0 : intervalMs,
        );
    };
    // Chained after the previous loop's tick, in case a stop() was not awaited.
    current = current.then(loop);
  };

  const stop: Worker['stop'] = async () => {
    active = false;
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    await current;
  };

  return {
    tick,
    start,
    stop,
    get running() {
      return active;
    },
  };
}
