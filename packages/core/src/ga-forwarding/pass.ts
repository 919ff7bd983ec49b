/**
 * The worker's Google Analytics pass: for each organization with an active
 * `google_analytics` account, (1) record the conversions not yet known to it as pending,
 * (2) claim the due pending ones, (3) send them to the Measurement Protocol in requests of
 * one client id and at most 25 events, (4) record each conversion's outcome.
 *
 * - **Which conversions:** those `conversionsSql` yields that occurred after the account
 *   was connected and at most 72 hours ago (GA drops older timestamps). Connecting GA does
 *   not backfill: a site with gtag purchases already has the recent ones.
 * - **At most once:** one row per (account, conversion), created once (`ON CONFLICT DO
 *   NOTHING`); a claim moves `next_attempt_at` past a lease under `FOR UPDATE SKIP LOCKED`,
 *   so two workers never send the same row; a sent row is never picked again. A worker that
 *   dies between GA's answer and the write sends the row again after the lease, and GA
 *   drops the second purchase by its `transaction_id` (the event id).
 * - **Retries:** a network error, timeout, 429 or 5xx keeps the row pending with an
 *   exponential backoff (30 s doubling, at most 1 h, or the server's `Retry-After`) until
 *   {@link MAX_ATTEMPTS}; any other refusal fails the request's rows with its message.
 */
import { sql } from 'kysely';
import {
  type AttributionSettings,
  conversionsSql,
  getAttributionSettings,
} from '../attribution/index.js';
import type { Clock } from '../clock.js';
import type { DatabaseAccess } from '../db/access.js';
import { isGreenTrackError } from '../errors.js';
import type { Emit } from '../events.js';
import {
  type AnalyticsForwarder,
  type GoogleAnalyticsCredentials,
  MAX_MEASUREMENT_EVENTS,
} from '../providers/analytics.js';
import { ProviderError } from '../providers/messaging.js';
import { inTransaction, type Scope, systemScope } from '../scope.js';
import type { Keyring } from '../secrets/index.js';
import { GA_PROVIDER, type GaAccount, readGaCredentials } from './account.js';
import {
  GA_MAX_AGE_MS,
  type GaEventPlan,
  GaSkipReason,
  packRequests,
  planEvent,
} from './request.js';
import { resolveConversions } from './resolve.js';

/** Conversions one account's pass claims at most per tick. */
const CLAIM_BATCH = 500;
/** How long a claim keeps other workers off a row (longer than a pass's sends). */
const CLAIM_LEASE_MS = 5 * 60 * 1000;
/** First retry delay; doubled per attempt up to {@link RETRY_MAX_MS}. */
const RETRY_BASE_MS = 30 * 1000;
const RETRY_MAX_MS = 60 * 60 * 1000;
/** Attempts after which a transient failure fails the conversion for good. */
export const MAX_ATTEMPTS = 8;

/** What the pass needs from the instance. */
export interface GaForwardingDeps {
  database: DatabaseAccess;
  clock: Clock;
  emit: Emit;
  keyring: () => Keyring;
  /** `providers.analytics`; absent: the pass does nothing. */
  analytics?: AnalyticsForwarder;
}

/** What one pass did, summed over the organizations. */
export interface GaForwardingResult {
  sent: number;
  failed: number;
  skipped: number;
  /** Left pending for a later attempt. */
  retrying: number;
}

const emptyResult = (): GaForwardingResult => ({ sent: 0, failed: 0, skipped: 0, retrying: 0 });

/** Runs the pass for every organization with an active GA account. */
export async function runGaForwardingPass(deps: GaForwardingDeps): Promise<GaForwardingResult> {
  const result = emptyResult();
  const forwarder = deps.analytics;
  if (!forwarder) return result;
  const accounts = await deps.database
    .system('the worker forwards conversions of each organization with a Google Analytics account')
    .selectFrom('integration_accounts')
    .select(['id', 'organization_id', 'created_at'])
    .where('provider', '=', GA_PROVIDER)
    .where('status', '=', 'active')
    .orderBy('organization_id')
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  // The oldest active account of each organization, as `findGaAccount` picks it.
  const seen = new Set<string>();
  for (const account of accounts) {
    if (seen.has(account.organization_id)) continue;
    seen.add(account.organization_id);
    const scope = systemScope(deps, account.organization_id);
    const done = await forwardAccount(scope, deps, forwarder, account);
    for (const key of Object.keys(result) as (keyof GaForwardingResult)[]) result[key] += done[key];
  }
  return result;
}

/** One organization's part of the pass. */
async function forwardAccount(
  scope: Scope,
  deps: GaForwardingDeps,
  forwarder: AnalyticsForwarder,
  account: GaAccount,
): Promise<GaForwardingResult> {
  const result = emptyResult();
  const settings = await getAttributionSettings(scope);
  const now = scope.clock.now();
  await enqueueConversions(scope, settings, account, now);
  const claimed = await claimDue(scope, account.id, now);
  if (claimed.size === 0) return result;

  const resolved = await resolveConversions(scope, settings, [...claimed.keys()]);
  const plans = new Map<string, GaEventPlan>(resolved.map((c) => [c.event_id, planEvent(c, now)]));
  const writes = outcomeWriter(scope, account.id, claimed);
  for (const eventId of claimed.keys()) {
    const plan = plans.get(eventId) ?? { event_id: eventId, skip: GaSkipReason.NOT_A_CONVERSION };
    if ('skip' in plan) {
      await writes.skipped(eventId, plan.skip);
      result.skipped += 1;
    }
  }
  const sendable = [...plans.values()].filter(
    (p): p is Extract<GaEventPlan, { client_id: string }> => 'client_id' in p,
  );
  if (sendable.length === 0) return result;

  let credentials: GoogleAnalyticsCredentials;
  try {
    credentials = await readGaCredentials(scope, deps.keyring(), account.id);
  } catch (error) {
    // The account needs fixing; its conversions wait (and show the error in the status).
    const counts = await writes.retry(
      sendable.map((p) => p.event_id),
      describe(error),
      undefined,
    );
    return addCounts(result, counts);
  }

  const maxEvents = Math.min(
    forwarder.maxEventsPerRequest ?? MAX_MEASUREMENT_EVENTS,
    MAX_MEASUREMENT_EVENTS,
  );
  for (const { request, eventIds } of packRequests(sendable, maxEvents)) {
    try {
      await forwarder.send(credentials, request);
      await writes.sent(eventIds, request.client_id);
      result.sent += eventIds.length;
    } catch (error) {
      if (error instanceof ProviderError && error.kind === 'permanent') {
        await writes.failed(eventIds, describe(error));
        result.failed += eventIds.length;
      } else {
        const retryAfter = error instanceof ProviderError ? error.retryAfterMs : undefined;
        addCounts(result, await writes.retry(eventIds, describe(error), retryAfter));
      }
    }
  }
  return result;
}

function addCounts(
  result: GaForwardingResult,
  counts: { failed: number; retrying: number },
): GaForwardingResult {
  result.failed += counts.failed;
  result.retrying += counts.retrying;
  return result;
}

/** `code: message` of a failure, for `last_error`. */
function describe(error: unknown): string {
  if (error instanceof ProviderError || isGreenTrackError(error))
    return `${error.code}: ${error.message}`;
  return `INTERNAL: ${error instanceof Error ? error.message : String(error)}`;
}

/**
 * Records the conversions the account has not seen yet, set-based: those that occurred
 * after it was connected, at most 72 hours before `now`, and not after `now`.
 */
async function enqueueConversions(
  scope: Scope,
  settings: AttributionSettings,
  account: GaAccount,
  now: Date,
): Promise<void> {
  const oldest = new Date(now.getTime() - GA_MAX_AGE_MS);
  const since = account.created_at > oldest ? account.created_at : oldest;
  const conversions = conversionsSql(scope, settings, { since, until: now });
  await sql`
    INSERT INTO ga_conversion_forwards
      (integration_account_id, event_id, organization_id, customer_id, occurred_at, next_attempt_at)
    SELECT ${account.id}, c.event_id, ${scope.organizationId}, c.customer_id, c.occurred_at, ${now}
    FROM (${conversions}) c
    WHERE NOT EXISTS (
      SELECT 1 FROM ga_conversion_forwards f
      WHERE f.integration_account_id = ${account.id} AND f.event_id = c.event_id)
    ON CONFLICT DO NOTHING`.execute(scope.db);
}

/** Claims the account's due pending rows: event id → attempts including this one. */
async function claimDue(scope: Scope, accountId: string, now: Date): Promise<Map<string, number>> {
  return inTransaction(scope, async (tx) => {
    const due = await tx.db
      .selectFrom('ga_conversion_forwards')
      .select(['event_id', 'attempts'])
      .where('integration_account_id', '=', accountId)
      .where('status', '=', 'pending')
      .where('next_attempt_at', '<=', now)
      .orderBy('next_attempt_at')
      .orderBy('event_id')
      .limit(CLAIM_BATCH)
      .forUpdate()
      .skipLocked()
      .execute();
    if (due.length === 0) return new Map<string, number>();
    await tx.db
      .updateTable('ga_conversion_forwards')
      .set({
        next_attempt_at: new Date(now.getTime() + CLAIM_LEASE_MS),
        attempts: sql`attempts + 1`,
        updated_at: now,
      })
      .where('integration_account_id', '=', accountId)
      .where(
        'event_id',
        'in',
        due.map((r) => r.event_id),
      )
      .execute();
    return new Map(due.map((r) => [r.event_id, r.attempts + 1]));
  });
}

/** Writes the outcomes of claimed rows (each write touches only rows still pending). */
function outcomeWriter(scope: Scope, accountId: string, attempts: ReadonlyMap<string, number>) {
  const update = (eventIds: readonly string[]) =>
    scope.db
      .updateTable('ga_conversion_forwards')
      .where('integration_account_id', '=', accountId)
      .where('event_id', 'in', [...eventIds])
      .where('status', '=', 'pending');
  const now = () => scope.clock.now();
  return {
    skipped: (eventId: string, reason: GaSkipReason) =>
      update([eventId]).set({ status: 'skipped', reason, updated_at: now() }).execute(),
    sent: (eventIds: readonly string[], clientId: string) =>
      update(eventIds)
        .set({
          status: 'sent',
          client_id: clientId,
          sent_at: now(),
          last_error: null,
          updated_at: now(),
        })
        .execute(),
    failed: (eventIds: readonly string[], error: string) =>
      update(eventIds).set({ status: 'failed', last_error: error, updated_at: now() }).execute(),
    /** Pending again after a backoff, or failed once out of attempts. */
    async retry(eventIds: readonly string[], error: string, retryAfterMs: number | undefined) {
      const counts = { failed: 0, retrying: 0 };
      for (const eventId of eventIds) {
        const attempt = attempts.get(eventId) ?? MAX_ATTEMPTS;
        if (attempt >= MAX_ATTEMPTS) {
          await update([eventId])
            .set({ status: 'failed', last_error: error, updated_at: now() })
            .execute();
          counts.failed += 1;
          continue;
        }
        const backoff = Math.min(RETRY_BASE_MS * 2 ** (attempt - 1), RETRY_MAX_MS);
        const delay = Math.max(backoff, retryAfterMs ?? 0);
        await update([eventId])
          .set({
            next_attempt_at: new Date(now().getTime() + delay),
            last_error: error,
            updated_at: now(),
          })
          .execute();
        counts.retrying += 1;
      }
      return counts;
    },
  };
}
