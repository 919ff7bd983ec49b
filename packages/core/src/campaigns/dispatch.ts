/**
 * The dispatcher: sends the messages of running campaigns, exactly once per recipient.
 *
 * Per run, a batch goes through the ledger (`campaign_deliveries`, migration 0012):
 * 1. **Recover** deliveries whose lease ran out. A `claimed` one never reached a provider:
 *    back to `pending`. A `handed` one may have: with an idempotent provider (or the
 *    `resendUnknown` policy) it is resent under the SAME message id, else it becomes
 *    `unknown`, held for review and never resent blindly.
 * 2. **Claim** up to a batch of due `pending` deliveries (`FOR UPDATE SKIP LOCKED`, a
 *    lease), only while the campaign is `running`, so a pause stops new claims at once.
 *    The same statement reads each recipient's customer row and re-checks consent: an
 *    unsubscribe after the snapshot still stops the send. Then the frequency cap is
 *    re-checked and quiet hours applied (`send-time.ts`).
 * 3. **Render** each message (the template, per recipient).
 * 4. **Hand off**, in one transaction committed before the provider is called: the
 *    `messages` rows (body = what is sent; one per run, customer and channel by a unique
 *    index) and `handed` deliveries naming them, with a fresh lease for the call. Only deliveries still
 *    held under THIS claim's lease are handed: the lease is a fencing token, so a worker
 *    that was too slow (its lease ran out and another worker re-claimed) sends nothing.
 * 5. **Send** in provider-sized batches, under a timeout, at the provider's rate
 *    (`rate-limit.ts`: the allowance is awaited before the claim).
 * 6. **Record** outcomes in one transaction: messages `sent` (with the provider's id) or
 *    `failed`, deliveries final or back to `pending` after a backoff, run stats — again
 *    only where the hand-off's lease still holds (else recovery has already decided).
 * 7. **Complete** the campaign when no delivery of the run is open.
 *
 * A worker killed anywhere leaves every delivery in a state the next worker resolves;
 * database constraints make a second message row impossible.
 */

import { randomUUID } from 'node:crypto';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { sql } from 'kysely';
import type { Clock } from '../clock.js';
import { consentAllowsSql } from '../consent/index.js';
import type { DatabaseAccess } from '../db/access.js';
import { toJson } from '../db/values.js';
import { isGreenTrackError } from '../errors.js';
import type { Emit } from '../events.js';
import type {
  MessageCustomer,
  MessageInvoice,
  MessageTemplate,
  RenderedMessage,
  RenderMessage,
} from '../providers/message-render.js';
import {
  configuredProviders,
  type MessagingProviders,
  type ProviderFailure,
} from '../providers/messaging.js';
import { inTransaction, type Scope, systemScope } from '../scope.js';
import { CampaignErrorCode } from './error-codes.js';
import {
  INVOICE_SETTLED_REASON,
  overdueInvoicesOf,
  reminderCriteria,
} from './invoice-reminders.js';
import { emitMessageOutcomes } from './message-outcomes.js';
import { type BreakerOptions, providerBreaker } from './provider-breakers.js';
import {
  type ChannelProvider,
  type ChunkOutcome,
  providerChain,
  sendChunk,
} from './provider-send.js';
import { providerPace } from './rate-limit.js';
import { addToRunStats } from './run-stats.js';
import { applySendTimeRules, FREQUENCY_CAP_REASON, type SendTimeSplit } from './send-time.js';
import { changeStatus } from './service.js';
import { applySuppressions, type Suppression } from './suppressions.js';

/** What the dispatcher needs from the instance. */
export interface DispatchDeps {
  database: DatabaseAccess;
  clock: Clock;
  emit: Emit;
  providers: MessagingProviders;
  render: RenderMessage;
}

/** Tuning and policy of `dispatchDue`. */
export interface DispatchOptions {
  /**
   * Deliveries claimed per batch (then split by the provider's `maxBatch`). A batch costs
   * about 16 round trips whatever its size, so this sets the round trips per message
   * (decision 99: ~0.008 at 2000).
   * @default 2000
   */
  batchSize?: number;
  /** Batches per run in one call, so one big run does not starve the others. @default 20 */
  batchesPerRun?: number;
  /** A claim's lease: a worker that dies holding it frees it after this. @default 60000 */
  leaseMs?: number;
  /** Longest a provider call may take before its outcome counts as unknown. @default 30000 */
  sendTimeoutMs?: number;
  /** Attempts before a transient failure becomes final. @default 5 */
  maxAttempts?: number;
  /**
   * Resend a message whose provider call was interrupted (outcome unknown) even when the
   * provider cannot deduplicate it. Off: such messages are held (`unknown`) for a person to
   * decide, the safe default (a duplicate is worse than a delay).
   * @default false
   */
  resendUnknown?: boolean;
  /** The sender of email. @default `no-reply@greentrack.invalid`, named after the organization */
  from?: { email: string; name?: string };
  /**
   * Failover between the providers of a channel: each provider's circuit breaker opens
   * after this many failed calls in a row, and probes again after the cool-down.
   * @default { consecutiveFailures: 5, coolDownMs: 30000 }
   */
  circuitBreaker?: BreakerOptions;
}

/** What one `dispatchDue` call did. */
export interface DispatchResult {
  sent: number;
  failed: number;
  skipped: number;
  /** Deliveries moved to `unknown` (held) by this call. */
  unknown: number;
  /** Campaigns completed by this call. */
  completed: number;
}

/** A running campaign's open run. */
interface OpenRun {
  runId: string;
  campaignId: string;
  organizationId: string;
  channel: 'email' | 'sms';
  templateId: string | null;
  utm: { source: string | null; medium: string | null; campaign: string | null };
}

/** A claimed delivery with its recipient. */
interface Claimed {
  audience_id: string;
  customer_id: string;
  address: string;
  allowed: boolean;
  message_id: string | null;
  attempts: number;
  /** This claim's lease: the fence every later write of the batch checks. */
  lease_until: Date;
  customer: MessageCustomer;
}

/**
 * Messages rendered between two turns of the event loop. Rendering is synchronous work
 * (~0.15 ms a message): a whole batch at once would hold back the in-flight batch's
 * statements for its full length, so the overlap of decision 102 would mostly not happen.
 */
const RENDER_SLICE = 64;

const DEFAULTS = {
  batchSize: 2000,
  batchesPerRun: 20,
  leaseMs: 60_000,
  sendTimeoutMs: 30_000,
  maxAttempts: 5,
};

/** Backoff before attempt `attempts + 1`: 30 s, 2 min, 8 min, … capped at 1 h. */
const backoffMs = (attempts: number) =>
  Math.min(3_600_000, 30_000 * 4 ** Math.max(0, attempts - 1));

/** Sends what is due in every running campaign; safe with many workers at once. */
export async function dispatchDue(
  deps: DispatchDeps,
  options: DispatchOptions = {},
): Promise<DispatchResult> {
  const total: DispatchResult = { sent: 0, failed: 0, skipped: 0, unknown: 0, completed: 0 };
  const runs = await deps.database
    .system('the dispatcher finds the open runs of running campaigns in every organization')
    .selectFrom('campaign_runs as r')
    .innerJoin('campaigns as c', 'c.id', 'r.campaign_id')
    .select([
      'r.id as runId',
      'c.id as campaignId',
      'c.organization_id as organizationId',
      'c.channel',
      'c.template_id as templateId',
      'c.utm_source',
      'c.utm_medium',
      'c.utm_campaign',
    ])
    .where('c.status', '=', 'running')
    .where('r.completed_at', 'is', null)
    .orderBy('r.started_at')
    .limit(50)
    .execute();
  for (const row of runs) {
    const run: OpenRun = {
      runId: row.runId,
      campaignId: row.campaignId,
      organizationId: row.organizationId,
      channel: row.channel,
      templateId: row.templateId,
      utm: { source: row.utm_source, medium: row.utm_medium, campaign: row.utm_campaign },
    };
    const done = await dispatchRun(deps, run, options);
    total.sent += done.sent;
    total.failed += done.failed;
    total.skipped += done.skipped;
    total.unknown += done.unknown;
    total.completed += done.completed;
  }
  return total;
}

async function dispatchRun(
  deps: DispatchDeps,
  run: OpenRun,
  options: DispatchOptions,
): Promise<DispatchResult> {
  const settings = { ...DEFAULTS, ...options };
  const scope = systemScope(deps, run.organizationId);
  const configured = configuredProviders(deps.providers, run.channel);
  const result: DispatchResult = { sent: 0, failed: 0, skipped: 0, unknown: 0, completed: 0 };
  result.unknown += await recoverExpired(scope, run, {
    all: options.resendUnknown === true,
    idempotent: configured.filter((p) => p.capabilities.idempotent).map((p) => p.id),
  });

  const template = run.templateId
    ? await scope.db
        .selectFrom('templates')
        .select(['id', 'channel', 'subject', 'content', 'metadata'])
        .where('id', '=', run.templateId)
        .where('organization_id', '=', run.organizationId)
        .executeTakeFirst()
    : undefined;
  const { providerOrder, ...organization } = await scope.db
    .selectFrom('organizations')
    .select(['id', 'name'])
    // The organization's provider order (migration 0018) in the same round trip.
    .select((eb) =>
      eb
        .selectFrom('organization_settings as s')
        .select(run.channel === 'email' ? 's.email_providers' : 's.sms_providers')
        .whereRef('s.organization_id', '=', 'organizations.id')
        .as('providerOrder'),
    )
    .where('id', '=', run.organizationId)
    .executeTakeFirstOrThrow();
  const chain = providerChain(configured, providerOrder);
  // An overdue reminder (`invoice-reminders.ts`) re-checks its invoices per batch.
  const reminder = await reminderCriteria(scope, run.campaignId);

  // A batch fits any provider of the chain: a failover moves it whole.
  const batchSize = Math.min(
    settings.batchSize,
    ...chain.map((p) => providerPace(p, settings.leaseMs).batch),
  );
  const admitting = () =>
    chain.find((p) => providerBreaker(p, deps.clock, settings.circuitBreaker).admits());
  // One batch's hand-off, send and record run while the next batch is claimed and rendered:
  // Node renders while Postgres writes (decision 102: a lone worker waited on the database
  // 43 % of its time). Never more than one batch in flight, so a worker holds at most two
  // batches' leases; the lease fencing keeps an overrun batch from being sent twice.
  let inFlight: Promise<{ done?: Omit<DispatchResult, 'completed'>; error?: unknown }> | undefined;
  const settle = async () => {
    if (!inFlight) return;
    const { done, error } = await inFlight;
    inFlight = undefined;
    if (error !== undefined) throw error;
    if (done) {
      result.sent += done.sent;
      result.failed += done.failed;
      result.skipped += done.skipped;
      result.unknown += done.unknown;
    }
  };
  try {
    for (let batch = 0; batch < settings.batchesPerRun; batch++) {
      // Every provider cooling down: nothing is claimed, so no attempt is spent on waiting.
      const provider = admitting();
      if (!provider) break;
      // The provider's allowance first: nothing is claimed, let alone handed, while it waits.
      await providerPace(provider, settings.leaseMs).wait(batchSize);
      // The claim and the send-time rules (with their deferrals) in one transaction: two
      // round trips fewer per batch than as two implicit ones, and they commit together.
      const { claimed, split } = await inTransaction(scope, async (tx) => {
        const rows = await claim(tx, run, batchSize, settings.leaseMs);
        return { claimed: rows, split: await applySendTimeRules(tx, run, rows) };
      });
      if (claimed.length === 0) break;
      const invoices = reminder
        ? await overdueInvoicesOf(
            scope,
            reminder,
            split.due.filter((r) => r.allowed).map((r) => r.customer_id),
          )
        : undefined;
      const context: DeliverContext = {
        template,
        invoices,
        organization,
        settings,
        chain,
        configured,
        provider,
      };
      const rendered = await renderBatch(deps, run, split, context);
      await settle();
      // Settled through `settle` (a rejection is kept, not left unhandled while we render).
      inFlight = deliver(deps, scope, run, rendered, context).then(
        (done) => ({ done }),
        (error: unknown) => ({ error }),
      );
      if (claimed.length < batchSize) break;
    }
  } finally {
    await settle();
  }
  if (await completeIfDone(scope, run)) result.completed += 1;
  return result;
}

/**
 * Frees expired leases; returns how many deliveries became `unknown`. A `handed` delivery is
 * resent only when `resend.all` (the `resendUnknown` policy) or its message's provider (the
 * one the interrupted call went to) deduplicates; the resend goes to that provider alone.
 */
async function recoverExpired(
  scope: Scope,
  run: OpenRun,
  resend: { all: boolean; idempotent: readonly string[] },
): Promise<number> {
  const resendHanded =
    resend.all || resend.idempotent.length === 0
      ? sql<boolean>`${resend.all}`
      : sql<boolean>`(SELECT m.provider FROM messages m WHERE m.id = message_id) IN (${sql.join(resend.idempotent)})`;
  return inTransaction(scope, async (tx) => {
    const now = tx.clock.now();
    const rows = await tx.db
      .updateTable('campaign_deliveries')
      .set({
        state: sql`CASE WHEN state = 'claimed' OR ${resendHanded} THEN 'pending' ELSE 'unknown' END`,
        reason: sql`CASE WHEN state = 'handed' AND NOT coalesce(${resendHanded}, false) THEN 'the worker stopped during the provider call: outcome unknown' ELSE reason END`,
        lease_until: null,
        updated_at: now,
      })
      .where('organization_id', '=', run.organizationId)
      .where('campaign_run_id', '=', run.runId)
      .where('state', 'in', ['claimed', 'handed'])
      .where('lease_until', '<', now)
      .returning('state')
      .execute();
    const held = rows.filter((r) => r.state === 'unknown').length;
    // `stats.unknown` is what is held now: resolving one takes it off again.
    await addToRunStats(tx, run.runId, { unknown: held });
    return held;
  });
}

/**
 * Claims due deliveries while the campaign runs, with each recipient's customer row and a
 * fresh consent check — one statement.
 */
async function claim(
  scope: Scope,
  run: OpenRun,
  limit: number,
  leaseMs: number,
): Promise<Claimed[]> {
  const now = scope.clock.now();
  const leaseUntil = new Date(now.getTime() + leaseMs);
  const { rows } = await sql<Claimed>`
    WITH picked AS (
      SELECT d.audience_id FROM campaign_deliveries d
       WHERE d.organization_id = ${run.organizationId} AND d.campaign_run_id = ${run.runId}
         AND d.state = 'pending' AND d.not_before <= ${now}
         -- FOR SHARE: a pause (an UPDATE of this row) waits for a claim under way, and a claim
         -- waits for a pause under way and then sees it; so once pause() returns, no claim
         -- made before it can still be uncommitted.
         AND EXISTS (SELECT 1 FROM campaigns c WHERE c.id = ${run.campaignId} AND c.status = 'running' FOR SHARE)
       -- The queue index's order (run, state, not_before, audience_id): a range scan that
       -- stops at the limit, where audience-id order sorted every pending row per claim.
       ORDER BY d.not_before, d.audience_id
       LIMIT ${limit}
       FOR UPDATE SKIP LOCKED
    ), claimed AS (
      UPDATE campaign_deliveries d
         SET state = 'claimed', lease_until = ${leaseUntil}, attempts = d.attempts + 1, updated_at = ${now}
        FROM picked WHERE d.audience_id = picked.audience_id
      RETURNING d.audience_id, d.customer_id, d.message_id, d.attempts, d.lease_until
    )
    SELECT claimed.audience_id, claimed.customer_id, claimed.message_id, claimed.attempts,
           claimed.lease_until,
           a.address, ${consentAllowsSql(run.organizationId, run.channel)} AS allowed,
           to_jsonb(customers) - 'embedding' AS customer
      FROM claimed
      JOIN campaign_audience a ON a.id = claimed.audience_id
      JOIN customers ON customers.id = claimed.customer_id
     ORDER BY claimed.audience_id`.execute(scope.db);
  return rows;
}

interface DeliverContext {
  template: MessageTemplate | undefined;
  /** An overdue reminder's batch: customer id → the invoice still overdue now. */
  invoices: Map<string, MessageInvoice> | undefined;
  organization: { id: string; name: string };
  settings: typeof DEFAULTS & DispatchOptions;
  /** The providers this run tries, in order. */
  chain: readonly ChannelProvider[];
  /** Every provider of the channel (a pinned message's may no longer be in `chain`). */
  configured: readonly ChannelProvider[];
  /** The provider the hand-off records for a message not pinned to one: the first admitting. */
  provider: ChannelProvider;
}

/** Outcome of one claimed delivery, to be recorded. */
type Outcome =
  | { audienceId: string; state: 'sent'; messageId: string; providerMessageId: string | null }
  | {
      audienceId: string;
      state: 'failed' | 'skipped';
      messageId: string | null;
      reason: string;
      /** The provider said the address must get nothing more on this channel. */
      suppress?: Suppression;
    }
  | {
      audienceId: string;
      state: 'pending';
      messageId: string | null;
      reason: string;
      notBefore: Date;
      /** Certainly not sent by any provider: the retry may go to any (provider cleared). */
      free?: boolean;
      suppress?: undefined;
    }
  | { audienceId: string; state: 'unknown'; messageId: string; reason: string };

/** A claimed batch, rendered: what is to be sent, and what is settled without a call. */
interface RenderedBatch {
  /** The rows this batch settles (the deferred ones were written back already). */
  claimed: Claimed[];
  settled: Outcome[];
  toSend: Array<{ row: Claimed; rendered: RenderedMessage; messageId: string }>;
}

/** Settles what needs no call (consent withdrawn, capped, no template) and renders the rest. */
async function renderBatch(
  deps: DispatchDeps,
  run: OpenRun,
  split: Pick<SendTimeSplit<Claimed>, 'due' | 'capped'>,
  context: DeliverContext,
): Promise<RenderedBatch> {
  // Frequency cap and quiet hours (send-time.ts, applied with the claim): over the cap is
  // skipped; in quiet hours went back to pending for later, written there.
  const { due, capped } = split;
  const claimed = [...due, ...capped];
  // Settled before any call (consent withdrawn, capped, nothing to render): written at hand-off.
  const settled: Outcome[] = capped.map((row) => ({
    audienceId: row.audience_id,
    state: 'skipped',
    messageId: null,
    reason: FREQUENCY_CAP_REASON,
  }));
  const toSend: Array<{ row: Claimed; rendered: RenderedMessage; messageId: string }> = [];
  let sinceTurn = 0;
  for (const row of due) {
    if (++sinceTurn === RENDER_SLICE) {
      sinceTurn = 0;
      await nextTurn();
    }
    if (!row.allowed) {
      settled.push({
        audienceId: row.audience_id,
        state: 'skipped',
        messageId: null,
        reason: 'consent withdrawn after the snapshot',
      });
      continue;
    }
    const invoice = context.invoices?.get(row.customer_id);
    if (context.invoices && !invoice) {
      settled.push({
        audienceId: row.audience_id,
        state: 'skipped',
        messageId: null,
        reason: INVOICE_SETTLED_REASON,
      });
      continue;
    }
    if (!context.template) {
      settled.push({
        audienceId: row.audience_id,
        state: 'failed',
        messageId: null,
        reason: 'the campaign has no template',
      });
      continue;
    }
    // Chosen before rendering, so the links can be signed for it; a resend keeps its id.
    const messageId = row.message_id ?? randomUUID();
    try {
      const rendered = await deps.render({
        template: context.template,
        customer: row.customer,
        organization: context.organization,
        messageId,
        utm: run.utm,
        invoice: invoice ?? null,
      });
      toSend.push({ row, rendered, messageId });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      settled.push({
        audienceId: row.audience_id,
        state: 'failed',
        messageId: null,
        reason: `render: ${reason}`,
      });
    }
  }
  return { claimed, settled, toSend };
}

/** Hands a rendered batch off, sends it, and records the outcomes. */
async function deliver(
  deps: DispatchDeps,
  scope: Scope,
  run: OpenRun,
  batch: RenderedBatch,
  context: DeliverContext,
): Promise<Omit<DispatchResult, 'completed'>> {
  const { claimed, settled, toSend } = batch;
  // Hand off: message rows and `handed`, committed before any provider call. The call gets
  // a lease of its own (sendTimeoutMs < leaseMs), counted from now rather than the claim.
  const handedLease = new Date(scope.clock.now().getTime() + context.settings.leaseMs);
  const { ids: messageIds, routes } = await handOff(scope, run, context, toSend, settled, {
    // One claim, one lease: every row of the batch carries the same.
    claimed: claimed[0]?.lease_until,
    handed: handedLease,
  });
  // Deliveries another worker recovered meanwhile are no longer this worker's to send.
  const owned = toSend.filter(({ row }) => messageIds.has(row.audience_id));
  const outcomes: Outcome[] = [];

  const from = context.settings.from ?? {
    email: 'no-reply@greentrack.invalid',
    name: context.organization.name,
  };
  // A message pinned to the provider an interrupted call may have reached goes there alone;
  // the others follow the chain from the provider the hand-off recorded.
  const groups = new Map<
    string,
    { chain: readonly ChannelProvider[]; pinned: boolean; rows: typeof owned }
  >();
  for (const entry of owned) {
    const route = routes.get(entry.row.audience_id);
    const pinned = route?.pinned === true;
    const key = pinned ? `pin:${route?.provider}` : '';
    let group = groups.get(key);
    if (!group) {
      const chain = pinned
        ? context.configured.filter((p) => p.id === route?.provider)
        : context.chain;
      group = { chain, pinned, rows: [] };
      groups.set(key, group);
    }
    group.rows.push(entry);
  }
  for (const { chain, pinned, rows } of groups.values()) {
    if (chain.length === 0) {
      // Its provider was removed from the configuration: no one else may send it.
      for (const { row } of rows)
        outcomes.push({
          audienceId: row.audience_id,
          state: 'unknown',
          messageId: messageIds.get(row.audience_id) ?? '',
          reason: 'the provider that may have accepted it is no longer configured',
        });
      continue;
    }
    const maxBatch = Math.min(...chain.map((p) => p.capabilities.maxBatch));
    for (let i = 0; i < rows.length; i += maxBatch) {
      const chunk = rows.slice(i, i + maxBatch);
      const ids = chunk.map(({ row }) => messageIds.get(row.audience_id) ?? '');
      const sent = await sendChunk(
        chain,
        chunk.map(({ row, rendered }, k) => ({
          messageId: ids[k] ?? '',
          address: row.address,
          name: row.customer.name,
          rendered,
        })),
        {
          run,
          clock: scope.clock,
          emit: deps.emit,
          breaker: context.settings.circuitBreaker ?? {},
          sendTimeoutMs: context.settings.sendTimeoutMs,
          from,
          moveTo: (provider) => moveMessages(scope, run, ids, provider.id, handedLease),
          pace: (provider, n) => providerPace(provider, context.settings.leaseMs).wait(n),
        },
      );
      chunk.forEach(({ row }, k) => {
        outcomes.push(
          chunkOutcome(scope, context.settings, row, ids[k] ?? '', sent, k, pinned, run.channel),
        );
      });
    }
  }
  const recorded = await record(scope, run, outcomes, handedLease);
  const all = [...settled, ...recorded];
  // Both were committed above (hand-off, record): listeners only hear of stored outcomes.
  emitMessageOutcomes(deps.emit, run, claimed, all);
  const count = (state: Outcome['state']) => all.filter((o) => o.state === state).length;
  if (count('sent') > 0)
    deps.emit('campaign.progress', {
      organizationId: run.organizationId,
      campaignId: run.campaignId,
      campaignRunId: run.runId,
      sent: count('sent'),
      failed: count('failed'),
    });
  return {
    sent: count('sent'),
    failed: count('failed'),
    skipped: count('skipped'),
    unknown: count('unknown'),
  };
}

/**
 * The outcome of one message of a chunk. Certainly not sent (a refusal) → retried later,
 * free to go to any provider unless pinned; may have been accepted → resent under its id
 * through the same provider if it deduplicates (or `resendUnknown`), else held.
 */
function chunkOutcome(
  scope: Scope,
  settings: DeliverContext['settings'],
  row: Claimed,
  messageId: string,
  sent: ChunkOutcome,
  index: number,
  pinned: boolean,
  channel: 'email' | 'sms',
): Outcome {
  const result = 'results' in sent ? sent.results[index] : 'notSent' in sent ? null : 'unknown';
  if (result === undefined || result === 'unknown') {
    const resend = sent.provider.capabilities.idempotent || settings.resendUnknown === true;
    return resend
      ? {
          audienceId: row.audience_id,
          state: 'pending',
          messageId,
          reason: 'provider call interrupted; resent under the same id',
          notBefore: scope.clock.now(),
        }
      : {
          audienceId: row.audience_id,
          state: 'unknown',
          messageId,
          reason: 'provider call interrupted: outcome unknown',
        };
  }
  if (result?.status === 'sent')
    return {
      audienceId: row.audience_id,
      state: 'sent',
      messageId,
      providerMessageId: result.providerMessageId,
    };
  const error = 'notSent' in sent ? sent.notSent : null;
  const failure: ProviderFailure = result
    ? result.failure
    : error
      ? {
          kind: error.kind,
          code: error.code,
          message: error.message,
          ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }),
        }
      : {
          kind: 'transient',
          code: 'PROVIDERS_UNAVAILABLE',
          message: 'no provider this message may go to is in service (circuit open)',
        };
  const outcome = failureOutcome(scope, row, messageId, failure, settings.maxAttempts);
  if (outcome.state === 'pending') return { ...outcome, free: !pinned };
  if (outcome.state === 'failed' && failure.kind === 'permanent' && failure.suppress)
    return {
      ...outcome,
      suppress: {
        customerId: row.customer_id,
        channel,
        status: failure.suppress,
        source: `provider:${sent.provider.id}:${failure.code}`,
      },
    };
  return outcome;
}

function failureOutcome(
  scope: Scope,
  row: Claimed,
  messageId: string,
  failure: ProviderFailure,
  maxAttempts: number,
): Outcome {
  const reason = `${failure.code}: ${failure.message}`;
  if (failure.kind === 'transient' && row.attempts < maxAttempts) {
    const wait = Math.max(failure.retryAfterMs ?? 0, backoffMs(row.attempts));
    return {
      audienceId: row.audience_id,
      state: 'pending',
      messageId,
      reason,
      notBefore: new Date(scope.clock.now().getTime() + wait),
    };
  }
  return { audienceId: row.audience_id, state: 'failed', messageId, reason };
}

/**
 * Records that a chunk's messages move to `providerId` before it is called, where this
 * worker still holds their deliveries; true when it holds all of them.
 */
async function moveMessages(
  scope: Scope,
  run: OpenRun,
  messageIds: readonly string[],
  providerId: string,
  handedLease: Date,
): Promise<boolean> {
  const { rows } = await sql<{ id: string }>`
    UPDATE messages m SET provider = ${providerId}
      FROM campaign_deliveries d
     WHERE m.id IN (${sql.join(messageIds)}) AND m.organization_id = ${run.organizationId}
       AND d.message_id = m.id AND d.organization_id = ${run.organizationId}
       AND d.state = 'handed' AND d.lease_until = ${handedLease}
    RETURNING m.id`.execute(scope.db);
  return rows.length === messageIds.length;
}

/**
 * Writes the message rows and marks deliveries `handed`; returns audience id → message id,
 * and the provider each message is recorded with (`pinned`: an earlier call may have
 * reached it, so it goes nowhere else).
 */
async function handOff(
  scope: Scope,
  run: OpenRun,
  context: DeliverContext,
  toSend: Array<{ row: Claimed; rendered: RenderedMessage; messageId: string }>,
  settled: Outcome[],
  leases: { claimed: Date | undefined; handed: Date },
): Promise<{
  ids: Map<string, string>;
  routes: Map<string, { provider: string; pinned: boolean }>;
}> {
  const { claimed: claimLease, handed: handedLease } = leases;
  const ids = new Map<string, string>();
  const routes = new Map<string, { provider: string; pinned: boolean }>();
  await inTransaction(scope, async (tx) => {
    // The fence first: only deliveries still held under this claim's lease go on. They take
    // their message ids here, before the rows exist: the key is checked at commit (0027).
    const { rows: held } =
      toSend.length === 0
        ? { rows: [] }
        : await sql<{ audience_id: string }>`
        UPDATE campaign_deliveries d
           SET state = 'handed', lease_until = ${handedLease}, message_id = x.message_id,
               updated_at = ${tx.clock.now()}
          FROM jsonb_to_recordset(${toJson(toSend.map(({ row, messageId }) => ({ audience_id: row.audience_id, lease_until: row.lease_until, message_id: messageId })))}::jsonb)
               AS x(audience_id uuid, lease_until timestamptz, message_id uuid)
         WHERE d.audience_id = x.audience_id AND d.organization_id = ${run.organizationId}
           AND d.state = 'claimed' AND d.lease_until = x.lease_until
        RETURNING d.audience_id`.execute(tx.db);
    const mine = new Set(held.map((r) => r.audience_id));
    const handed = toSend.filter(({ row }) => mine.has(row.audience_id));
    // A retry keeps the provider its message row names (cleared when it certainly was not sent).
    const retried = handed.filter(({ row }) => row.message_id !== null);
    const pins = new Map<string, string>();
    if (retried.length > 0) {
      const rows = await tx.db
        .selectFrom('messages')
        .select(['id', 'provider'])
        .where('organization_id', '=', run.organizationId)
        .where(
          'id',
          'in',
          retried.map(({ messageId }) => messageId),
        )
        .where('provider', 'is not', null)
        .execute();
      for (const m of rows) if (m.provider !== null) pins.set(m.id, m.provider);
    }
    for (const { row, messageId } of handed) {
      const pin = pins.get(messageId);
      routes.set(row.audience_id, {
        provider: pin ?? context.provider.id,
        pinned: pin !== undefined,
      });
    }
    if (handed.length > 0) {
      const inserted = await tx.db
        .insertInto('messages')
        .values(
          handed.map(({ row, rendered, messageId }) => ({
            id: messageId,
            organization_id: run.organizationId,
            campaign_run_id: run.runId,
            customer_id: row.customer_id,
            channel: run.channel,
            to_address: row.address,
            provider: routes.get(row.audience_id)?.provider ?? context.provider.id,
            template_id: context.template?.id ?? null,
            subject: rendered.channel === 'email' ? rendered.subject : null,
            body: rendered.channel === 'email' ? rendered.html : rendered.text,
            utm_source: run.utm.source,
            utm_medium: run.utm.medium,
            utm_campaign: run.utm.campaign,
            status: 'queued' as const,
          })),
        )
        // A resend after an interrupted call keeps the message (and its id) it had.
        .onConflict((oc) =>
          oc
            .columns(['campaign_run_id', 'customer_id', 'channel'])
            .where('campaign_run_id', 'is not', null)
            .doUpdateSet({
              body: (eb) => eb.ref('excluded.body'),
              subject: (eb) => eb.ref('excluded.subject'),
              provider: (eb) => eb.ref('excluded.provider'),
            }),
        )
        .returning(['id', 'customer_id'])
        .execute();
      // A resend's row keeps its id, the one its delivery already named; were a row's id ever
      // not the one the fence wrote, the key check at commit would undo the whole hand-off.
      const byCustomer = new Map(inserted.map((m) => [m.customer_id, m.id]));
      for (const { row } of handed) {
        const id = byCustomer.get(row.customer_id);
        if (id) ids.set(row.audience_id, id);
      }
    }
    // Skipped and unrenderable ones are final now: nothing will be sent for them.
    if (claimLease)
      await writeOutcomes(tx, run, settled, { state: 'claimed', leaseUntil: claimLease });
  });
  return { ids, routes };
}

/**
 * Records the batch's outcomes, where this worker still holds the deliveries (state `handed`
 * under the hand-off's lease), and returns the outcomes it recorded. Deliveries whose lease
 * ran out during the call were recovered (resent or held); recovery's decision stands and
 * this worker's outcome for them is dropped.
 */
async function record(
  scope: Scope,
  run: OpenRun,
  all: Outcome[],
  handedLease: Date,
): Promise<Outcome[]> {
  if (all.length === 0) return [];
  const fence = { state: 'handed', leaseUntil: handedLease } as const;
  const suppressing = all.some((o) => o.state === 'failed' && o.suppress);
  // A provider's suppression changes consent in the transaction that records the failure,
  // and only for failures this worker still records (the fence).
  const kept = suppressing
    ? await inTransaction(scope, async (tx) => {
        const written = await writeOutcomes(tx, run, all, fence);
        await applySuppressions(
          tx,
          all.flatMap((o) =>
            o.state === 'failed' && o.suppress && written.has(o.audienceId) ? [o.suppress] : [],
          ),
        );
        return written;
      })
    : await writeOutcomes(scope, run, all, fence);
  return all.filter((o) => kept.has(o.audienceId));
}

/**
 * Sets each delivery's state (and retry time) where `fence` still holds (the batch's state
 * and lease), and returns the audience ids it wrote. One statement: the final ones it wrote
 * are added to the run's stats, and their messages marked `sent` (with the provider's id) or
 * `failed`, in data-modifying CTEs over what it wrote, so a fenced-out row changes nothing.
 */
async function writeOutcomes(
  scope: Scope,
  run: OpenRun,
  outcomes: Outcome[],
  fence: { state: 'claimed' | 'handed'; leaseUntil: Date },
): Promise<Set<string>> {
  if (outcomes.length === 0) return new Set();
  const now = scope.clock.now();
  const { rows } = await sql<{ audience_id: string }>`
    WITH written AS (
      UPDATE campaign_deliveries d
         SET state = x.state, reason = x.reason, message_id = coalesce(x.message_id, d.message_id),
             not_before = coalesce(x.not_before, d.not_before), lease_until = NULL, updated_at = ${now}
        FROM jsonb_to_recordset(${toJson(
          outcomes.map((o) => ({
            audience_id: o.audienceId,
            state: o.state,
            reason: 'reason' in o ? o.reason : null,
            message_id: o.messageId,
            not_before: o.state === 'pending' ? o.notBefore.toISOString() : null,
            provider_message_id: o.state === 'sent' ? o.providerMessageId : null,
            free: o.state === 'pending' && o.free === true,
          })),
        )}::jsonb)
             AS x(audience_id uuid, state text, reason text, message_id uuid, not_before timestamptz,
                  provider_message_id text, free boolean)
       WHERE d.audience_id = x.audience_id AND d.organization_id = ${run.organizationId}
         AND d.state = ${fence.state} AND d.lease_until = ${fence.leaseUntil}
      RETURNING d.audience_id, d.state, d.message_id, x.provider_message_id, x.free
    ), counts AS (
      SELECT state, count(*)::int AS n FROM written WHERE state <> 'pending' GROUP BY state
    ), stats AS (
      -- Added to what the run's stats hold, in the database (never read-modify-write).
      UPDATE campaign_runs r
         SET stats = r.stats || (SELECT jsonb_object_agg(c.state, coalesce((r.stats ->> c.state)::int, 0) + c.n)
                                   FROM counts c)
       WHERE r.id = ${run.runId} AND EXISTS (SELECT 1 FROM counts)
    ), sent AS (
      -- A provider's webhook may have come first (delivered, bounced): never moved back.
      UPDATE messages m SET status = CASE WHEN m.status = 'queued' THEN 'sent' ELSE m.status END,
             sent_at = least(m.sent_at, ${now}), provider_message_id = w.provider_message_id
        FROM written w
       WHERE w.state = 'sent' AND m.id = w.message_id AND m.organization_id = ${run.organizationId}
    ), failed AS (
      UPDATE messages m SET status = 'failed'
        FROM written w
       WHERE w.state = 'failed' AND m.id = w.message_id AND m.organization_id = ${run.organizationId}
    ), freed AS (
      -- Certainly not sent: the retry may go to any provider (failover).
      UPDATE messages m SET provider = NULL
        FROM written w
       WHERE w.free AND m.id = w.message_id AND m.organization_id = ${run.organizationId}
    )
    SELECT audience_id FROM written`.execute(scope.db);
  return new Set(rows.map((r) => r.audience_id));
}

/** Completes the campaign once no delivery of its run is open; true when it did. */
async function completeIfDone(scope: Scope, run: OpenRun): Promise<boolean> {
  const open = await scope.db
    .selectFrom('campaign_deliveries')
    .select('audience_id')
    .where('organization_id', '=', run.organizationId)
    .where('campaign_run_id', '=', run.runId)
    .where('state', 'in', ['pending', 'claimed', 'handed'])
    .limit(1)
    .executeTakeFirst();
  if (open) return false;
  try {
    await inTransaction(scope, async (tx) => {
      await changeStatus(tx, run.campaignId, 'complete');
      await tx.db
        .updateTable('campaign_runs')
        .set({ completed_at: tx.clock.now() })
        .where('id', '=', run.runId)
        .execute();
      tx.emit('campaign.completed', {
        organizationId: run.organizationId,
        campaignId: run.campaignId,
        cancelled: false,
        actor: tx.actor,
      });
    });
    return true;
  } catch (error) {
    // Paused, cancelled or completed by another worker meanwhile.
    if (isGreenTrackError(error, CampaignErrorCode.CAMPAIGN_INVALID_TRANSITION)) return false;
    throw error;
  }
}
