/**
 * Processing a stored webhook: the source reads the payload back as effects, each kind
 * goes to the one module handler that owns it, and the row ends `processed` or `failed`.
 *
 * One transaction per row. It locks the row, runs the handlers after a savepoint, and
 * records the outcome after it: a handler that throws is rolled back to the savepoint (none
 * of its writes or events survive) while the row's `failed` and its error still commit in
 * the same transaction. The lock keeps two processes from applying one row at once; the
 * handlers are idempotent anyway, since a provider may deliver the same events twice.
 *
 * A run that outlives `timeoutMs` is abandoned: its transaction rolls back and the row stays
 * `pending` for the worker's pass, as it does when the process dies mid-run.
 */
import { sql } from 'kysely';
import type { GreenTrackEventMap, GreenTrackEventName } from '../events.js';
import type { ModuleDeps, WebhookHandler } from '../module.js';
import type {
  StoredWebhook,
  WebhookEffect,
  WebhookEffectKind,
  WebhookProvider,
} from '../providers/webhooks.js';
import { inTransaction, type Scope } from '../scope.js';
import { webhookRuntime } from './options.js';
import { webhookScope } from './webhook-scope.js';

/** How one processing run ended. `skipped`: locked by another run, or no longer pending. */
export interface ProcessResult {
  status: 'processed' | 'failed' | 'pending' | 'skipped';
  replies: string[];
  error?: string;
}

/** How a caller wants a row processed. */
export interface ProcessOptions {
  /** Skip a row another run holds (inline, worker); replay waits for it instead. */
  skipLocked: boolean;
  /** Only a `pending` row (inline, worker); replay processes any. */
  onlyPending: boolean;
  /** Abandon the run after this long, leaving the row `pending`. */
  timeoutMs?: number;
}

/** Longest error text kept on the row. */
const MAX_ERROR_LENGTH = 2000;
const TIMED_OUT = Symbol('webhook processing timed out');

function errorText(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.slice(0, MAX_ERROR_LENGTH);
}

/** A promise that rejects with `TIMED_OUT` after `ms` (never, without `ms`), and its canceller. */
function deadline(ms: number | undefined): { expired: Promise<never>; cancel: () => void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    if (ms !== undefined) timer = setTimeout(() => reject(TIMED_OUT), ms);
  });
  // Nobody may be listening when it fires (the run finished first, or was abandoned).
  expired.catch(() => {});
  return { expired, cancel: () => clearTimeout(timer) };
}

/** Effects grouped by kind, kinds in order of first appearance. */
function byKind(effects: readonly WebhookEffect[]): Map<WebhookEffectKind, WebhookEffect[]> {
  const groups = new Map<WebhookEffectKind, WebhookEffect[]>();
  for (const effect of effects) {
    const group = groups.get(effect.kind);
    if (group) group.push(effect);
    else groups.set(effect.kind, [effect]);
  }
  return groups;
}

type StoredRow = StoredWebhook & { provider: WebhookProvider; integrationAccountId: string };

/** Runs the handlers of one stored webhook on `scope`; returns the replies they produced. */
async function applyEffects(deps: ModuleDeps, scope: Scope, row: StoredRow): Promise<string[]> {
  const source = webhookRuntime(deps).sources.get(row.provider);
  if (!source) throw new Error(`no webhook source is configured for ${row.provider}`);
  const { provider: _provider, integrationAccountId: _account, ...stored } = row;
  const replies: string[] = [];
  for (const [kind, effects] of byKind(source.interpret(stored))) {
    const handler = webhookRuntime(deps).handlers[kind] as WebhookHandler<typeof kind> | undefined;
    if (!handler) throw new Error(`no module handles webhook effects of kind '${kind}'`);
    const result = await handler(scope, effects as never, { deps, webhook: row });
    replies.push(...(result?.replies ?? []));
  }
  return replies;
}

/** The row (locked) with what its handlers need, or undefined when it is not ours to run. */
async function lockRow(tx: Scope, id: string, options: ProcessOptions) {
  let query = tx.db
    .selectFrom('webhooks_inbound as w')
    .innerJoin('webhook_receipts as r', 'r.webhook_id', 'w.id')
    .select([
      'w.id',
      'w.provider',
      'w.event_type',
      'w.payload',
      'w.received_at',
      'w.status',
      'r.integration_account_id',
    ])
    .where('w.id', '=', id)
    .where('w.organization_id', '=', tx.organizationId)
    .forUpdate('w');
  if (options.skipLocked) query = query.skipLocked();
  const row = await query.executeTakeFirst();
  if (!row || (options.onlyPending && row.status !== 'pending')) return undefined;
  return row;
}

/**
 * Processes one stored webhook (see the file comment). Never throws for a handler's
 * failure: that is the row's `failed` status and `error`, and a `webhook.failed` event.
 */
export async function processStoredWebhook(
  deps: ModuleDeps,
  ref: { id: string; organizationId: string },
  options: ProcessOptions,
): Promise<ProcessResult> {
  const { expired, cancel } = deadline(options.timeoutMs);
  const run = inTransaction(webhookScope(deps, ref.organizationId, ref.id), async (tx) => {
    const row = await Promise.race([lockRow(tx, ref.id, options), expired]);
    if (!row) return { status: 'skipped', replies: [] } satisfies ProcessResult;
    await tx.db
      .updateTable('webhook_receipts')
      .set({ attempts: sql`attempts + 1` })
      .where('webhook_id', '=', row.id)
      .execute();
    // The handlers' events wait for their success: a rolled-back handler announces nothing.
    const events: Array<[GreenTrackEventName, unknown]> = [];
    const handlerScope: Scope = {
      ...tx,
      emit: (name, payload) => {
        events.push([name, payload]);
      },
    };
    const stored: StoredRow = {
      id: row.id,
      organizationId: tx.organizationId,
      eventType: row.event_type,
      payload: row.payload,
      receivedAt: row.received_at,
      provider: row.provider as WebhookProvider,
      integrationAccountId: row.integration_account_id,
    };
    await sql`SAVEPOINT webhook_handlers`.execute(tx.db);
    let replies: string[] = [];
    let error: string | undefined;
    try {
      replies = await Promise.race([applyEffects(deps, handlerScope, stored), expired]);
      await sql`RELEASE SAVEPOINT webhook_handlers`.execute(tx.db);
    } catch (failure) {
      if (failure === TIMED_OUT) throw failure;
      await sql`ROLLBACK TO SAVEPOINT webhook_handlers`.execute(tx.db);
      error = errorText(failure);
      events.length = 0;
    }
    await tx.db
      .updateTable('webhooks_inbound')
      .set({
        status: error === undefined ? 'processed' : 'failed',
        processed_at: error === undefined ? tx.clock.now() : null,
        error: error ?? null,
      })
      .where('id', '=', row.id)
      .execute();
    for (const [name, payload] of events) tx.emit(name, payload as GreenTrackEventMap[typeof name]);
    if (error !== undefined) {
      tx.emit('webhook.failed', {
        organizationId: tx.organizationId,
        webhookId: row.id,
        provider: stored.provider,
        integrationAccountId: stored.integrationAccountId,
        error,
      });
      return { status: 'failed', replies: [], error } satisfies ProcessResult;
    }
    return { status: 'processed', replies } satisfies ProcessResult;
  });
  // An abandoned run rolls back on its own; it must not surface as an unhandled rejection.
  run.catch(() => {});
  try {
    return await Promise.race([run, expired]);
  } catch (failure) {
    if (failure === TIMED_OUT) return { status: 'pending', replies: [] };
    throw failure;
  } finally {
    cancel();
  }
}
