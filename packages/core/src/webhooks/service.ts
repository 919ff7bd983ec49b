/**
 * Reading and re-running stored webhooks, inside one organization (RBAC is the facade's):
 * list (keyset pages, newest first), get, reprocess failed rows, replay one row, stats.
 */
import { sql } from 'kysely';
import { z } from 'zod';
import { recordAudit } from '../audit/index.js';
import { GreenTrackError } from '../errors.js';
import type { ModuleDeps } from '../module.js';
import { decodeCursor, encodeCursor } from '../pagination/cursor.js';
import { inTransaction, type Scope } from '../scope.js';
import { parseInput } from '../validation.js';
import { WebhookErrorCode } from './error-codes.js';
import { processStoredWebhook } from './process.js';
import {
  type WebhookListQuery,
  type WebhookOut,
  type WebhookPage,
  type WebhookReprocessInput,
  type WebhookStats,
  type WebhookSummary,
  webhookListQuerySchema,
  webhookReprocessSchema,
} from './schema.js';

const idSchema = z.uuid();
/** Sort key of the list: (received_at, id), newest first. */
const cursorSchema = z.object({ at: z.iso.datetime(), id: z.uuid() });

function notFound(): GreenTrackError {
  return new GreenTrackError({
    code: WebhookErrorCode.WEBHOOK_NOT_FOUND,
    message: 'Webhook not found',
  });
}

/** The organization's rows joined with their receipts, summary columns selected. */
function summaries(scope: Scope) {
  return scope.db
    .selectFrom('webhooks_inbound as w')
    .innerJoin('webhook_receipts as r', 'r.webhook_id', 'w.id')
    .select([
      'w.id',
      'w.provider',
      'r.integration_account_id',
      'w.event_type',
      'r.event_count',
      'w.status',
      'r.attempts',
      'w.error',
      'w.received_at',
      'w.processed_at',
    ])
    .where('w.organization_id', '=', scope.organizationId);
}

/** The organization's stored webhooks, newest first, keyset-paginated on `(received_at, id)`. */
export async function listWebhooks(
  scope: Scope,
  query: WebhookListQuery = {},
): Promise<WebhookPage> {
  const filters = parseInput(webhookListQuerySchema, query);
  const limit = filters.limit ?? 50;
  let q = summaries(scope);
  if (filters.status !== undefined) q = q.where('w.status', '=', filters.status);
  if (filters.provider !== undefined) q = q.where('w.provider', '=', filters.provider);
  if (filters.since !== undefined) q = q.where('w.received_at', '>=', filters.since);
  if (filters.cursor !== undefined) {
    const cursor = decodeCursor(filters.cursor, cursorSchema, 'webhooks.list');
    const at = new Date(cursor.at);
    q = q.where((eb) =>
      eb.or([
        eb('w.received_at', '<', at),
        eb.and([eb('w.received_at', '=', at), eb('w.id', '<', cursor.id)]),
      ]),
    );
  }
  const rows = await q
    .orderBy('w.received_at', 'desc')
    .orderBy('w.id', 'desc')
    .limit(limit + 1)
    .execute();
  const items = rows.slice(0, limit) as WebhookSummary[];
  const last = items.at(-1);
  return {
    items,
    nextCursor:
      rows.length > limit && last
        ? encodeCursor({ at: last.received_at.toISOString(), id: last.id })
        : null,
  };
}

/** One stored webhook with headers and payload. @throws `WEBHOOK_NOT_FOUND` */
export async function getWebhook(scope: Scope, webhookId: string): Promise<WebhookOut> {
  if (!idSchema.safeParse(webhookId).success) throw notFound();
  const row = await summaries(scope)
    .select(['w.headers', 'w.payload'])
    .where('w.id', '=', webhookId)
    .executeTakeFirst();
  if (!row) throw notFound();
  return row as WebhookOut;
}

/**
 * Puts the organization's failed webhooks (received since `since`) back in the queue:
 * they become `pending` and the worker's next pass processes them, oldest first. Their
 * last `error` stays until a run succeeds. One statement and one audit row.
 * @returns how many rows were queued.
 */
export async function reprocessWebhooks(
  scope: Scope,
  input: WebhookReprocessInput,
): Promise<{ queued: number }> {
  const data = parseInput(webhookReprocessSchema, input);
  return inTransaction(scope, async (tx) => {
    let update = tx.db
      .updateTable('webhooks_inbound')
      .set({ status: 'pending' })
      .where('organization_id', '=', tx.organizationId)
      .where('status', '=', 'failed');
    if (data.since !== undefined) update = update.where('received_at', '>=', data.since);
    const result = await update.executeTakeFirst();
    const queued = Number(result.numUpdatedRows);
    if (queued > 0)
      await recordAudit(tx, {
        action: 'webhook.reprocess',
        entity: 'webhook',
        after: { queued, since: data.since?.toISOString() ?? null },
      });
    return { queued };
  });
}

/**
 * Processes one stored webhook again now, whatever its status (handlers are idempotent, so
 * a processed row changes nothing), waiting for a run already under way. Audited as the
 * caller; the handlers act as the `webhook` actor. @throws `WEBHOOK_NOT_FOUND`
 */
export async function replayWebhook(
  scope: Scope,
  deps: ModuleDeps,
  webhookId: string,
): Promise<WebhookOut> {
  const before = await getWebhook(scope, webhookId);
  await inTransaction(scope, (tx) =>
    recordAudit(tx, {
      action: 'webhook.replay',
      entity: 'webhook',
      entityId: before.id,
      before: { status: before.status, error: before.error },
    }),
  );
  await processStoredWebhook(
    deps,
    { id: before.id, organizationId: scope.organizationId },
    { skipLocked: false, onlyPending: false },
  );
  return getWebhook(scope, webhookId);
}

/** Counts by status, and the verification failures per integration account. */
export async function webhookStats(scope: Scope): Promise<WebhookStats> {
  const counts = await scope.db
    .selectFrom('webhooks_inbound')
    .select(['status', sql<number>`count(*)::int`.as('n')])
    .where('organization_id', '=', scope.organizationId)
    .groupBy('status')
    .execute();
  const byStatus = { pending: 0, processed: 0, failed: 0 };
  for (const { status, n } of counts) byStatus[status] = n;
  const verificationFailures = await scope.db
    .selectFrom('webhook_verification_failures')
    .select(['integration_account_id', 'failures', 'last_reason', 'last_failed_at'])
    .where('organization_id', '=', scope.organizationId)
    .orderBy('last_failed_at', 'desc')
    .execute();
  return { byStatus, verificationFailures };
}
