/**
 * Held deliveries: messages whose provider call was interrupted (a worker died or timed out
 * during it) and whose provider cannot deduplicate, so the dispatcher never resends them on
 * its own (decision 76). A person lists them and resolves each one:
 * - **mark sent** / **mark failed** after checking the provider's own log;
 * - **resend** now, under the SAME message id (admin): the recipient may get it twice if the
 *   first call did go out, which is the person's informed choice.
 *
 * A held delivery does not keep its campaign running: the run completes once nothing is
 * pending, claimed or handed, and `stats.unknown` counts what is still held. Resolving one
 * moves its count to `sent` or `failed`, on a completed run too.
 */
import { TimeoutStrategy, timeout } from 'cockatiel';
import { sql } from 'kysely';
import { recordAudit } from '../audit/index.js';
import { GreenTrackError } from '../errors.js';
import type { ModuleDeps } from '../module.js';
import { decodeCursor } from '../pagination/cursor.js';
import { keysetAfter, keysetFetchSize, keysetPage } from '../pagination/keyset.js';
import type { RenderMessage } from '../providers/message-render.js';
import type { MessagingProviders, SendResult } from '../providers/messaging.js';
import { configuredProviders, ProviderError } from '../providers/messaging.js';
import { inTransaction, type Scope } from '../scope.js';
import { isUuid, parseInput } from '../validation.js';
import { CampaignErrorCode } from './error-codes.js';
import { addToRunStats } from './run-stats.js';
import {
  type UnknownOutcomeQuery,
  type UnknownOutcomeResolution,
  unknownOutcomeCursorSchema,
  unknownOutcomeQuerySchema,
  unknownOutcomeResolutionSchema,
} from './schema.js';

/** A delivery held because its provider call's outcome is unknown. */
export interface UnknownOutcome {
  /** The message's id: what the provider was (maybe) given, and what resolves it. */
  message_id: string;
  campaign_id: string;
  campaign_run_id: string;
  customer_id: string;
  /** The address the message was for. */
  address: string;
  channel: 'email' | 'sms';
  /** Why it is held (e.g. the worker stopped during the provider call). */
  reason: string | null;
  /** Provider calls made for it so far. */
  attempts: number;
  /** When it was held. */
  held_at: Date;
}

/** What resolving a held delivery did. */
export interface UnknownOutcomeResult {
  message_id: string;
  /** `unknown` when a resend's outcome is unknown again: it stays held. */
  state: 'sent' | 'failed' | 'unknown';
  reason: string | null;
}

/** What a resend needs from the instance besides the scope. */
export interface ResendDeps {
  providers: MessagingProviders;
  render: RenderMessage;
  dispatch: NonNullable<ModuleDeps['dispatch']>;
}

const notFound = () =>
  new GreenTrackError({
    code: CampaignErrorCode.CAMPAIGN_UNKNOWN_OUTCOME_NOT_FOUND,
    message: 'No campaign message with this id',
  });

const providerGone = (provider: string) =>
  new GreenTrackError({
    code: CampaignErrorCode.CAMPAIGN_PROVIDER_NOT_CONFIGURED,
    message: `The message may have reached provider '${provider}', which is no longer configured; resolve it instead`,
    details: { provider },
  });

const notHeld = (state: string) =>
  new GreenTrackError({
    code: CampaignErrorCode.CAMPAIGN_OUTCOME_NOT_HELD,
    message:
      state === 'unknown'
        ? 'A resend of this message is under way'
        : `This message is not held: its delivery is ${state}`,
    details: { state },
  });

/** One page of held deliveries, oldest first, optionally of one campaign (staff+). */
export async function listUnknownOutcomes(
  scope: Scope,
  query: UnknownOutcomeQuery = {},
): Promise<{ items: UnknownOutcome[]; nextCursor: string | null }> {
  const parsed = parseInput(unknownOutcomeQuerySchema, query, { what: 'unknown outcomes query' });
  let page = scope.db
    .selectFrom('campaign_deliveries as d')
    .innerJoin('campaign_audience as a', 'a.id', 'd.audience_id')
    .innerJoin('campaign_runs as r', 'r.id', 'd.campaign_run_id')
    .select([
      'd.message_id',
      'r.campaign_id',
      'd.campaign_run_id',
      'd.customer_id',
      'a.address',
      'a.channel',
      'd.reason',
      'd.attempts',
      'd.updated_at as held_at',
      'd.audience_id',
      // The cursor keeps the database's microseconds: a JS Date would drop them and repeat rows.
      sql<string>`to_char(d.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`.as(
        'held_at_exact',
      ),
    ])
    .where('d.organization_id', '=', scope.organizationId)
    .where('d.state', '=', 'unknown')
    .orderBy('d.updated_at')
    .orderBy('d.audience_id')
    .limit(keysetFetchSize(parsed.limit));
  if (parsed.campaign_id) page = page.where('r.campaign_id', '=', parsed.campaign_id);
  if (parsed.cursor) {
    const after = decodeCursor(parsed.cursor, unknownOutcomeCursorSchema, 'the unknown outcomes');
    page = page.where(
      keysetAfter('asc', [
        ['d.updated_at', after.at, 'timestamptz'],
        ['d.audience_id', after.id, 'uuid'],
      ]),
    );
  }
  const { items, nextCursor } = keysetPage(await page.execute(), parsed.limit, (last) => ({
    at: last.held_at_exact,
    id: last.audience_id,
  }));
  return {
    items: items.map(({ audience_id: _, held_at_exact: __, message_id, ...row }) => ({
      ...row,
      // Held deliveries always have one: the message row was written before the call.
      message_id: message_id ?? '',
    })),
    nextCursor,
  };
}

/** The held delivery of `messageId`, locked for the rest of the transaction. */
async function lockHeld(scope: Scope, messageId: string) {
  if (!isUuid(messageId)) throw notFound();
  const row = await scope.db
    .selectFrom('campaign_deliveries')
    .select(['audience_id', 'campaign_run_id', 'customer_id', 'state', 'lease_until', 'attempts'])
    .where('organization_id', '=', scope.organizationId)
    .where('message_id', '=', messageId)
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw notFound();
  // A lease on a held delivery is a resend under way (see resendUnknownOutcome).
  const resending = row.lease_until !== null && row.lease_until > scope.clock.now();
  if (row.state !== 'unknown' || resending) throw notHeld(row.state);
  return row;
}

/** Moves a held delivery (and its message) to `state`, its count from `unknown` to `state`. */
async function settle(
  tx: Scope,
  held: { audience_id: string; campaign_run_id: string },
  messageId: string,
  outcome: { state: 'sent' | 'failed'; reason: string; providerMessageId?: string | null },
): Promise<void> {
  const now = tx.clock.now();
  await tx.db
    .updateTable('campaign_deliveries')
    .set({ state: outcome.state, reason: outcome.reason, lease_until: null, updated_at: now })
    .where('audience_id', '=', held.audience_id)
    .execute();
  await tx.db
    .updateTable('messages')
    .set(
      outcome.state === 'sent'
        ? {
            status: 'sent',
            sent_at: now,
            ...(outcome.providerMessageId === undefined
              ? {}
              : { provider_message_id: outcome.providerMessageId }),
          }
        : { status: 'failed' },
    )
    .where('organization_id', '=', tx.organizationId)
    .where('id', '=', messageId)
    .execute();
  await addToRunStats(tx, held.campaign_run_id, { unknown: -1, [outcome.state]: 1 });
}

/**
 * Records what a person found out about a held message: it did go out (`sent`), or it did
 * not and will not (`failed`) (staff+).
 * @throws `CAMPAIGN_UNKNOWN_OUTCOME_NOT_FOUND`, `CAMPAIGN_OUTCOME_NOT_HELD`
 */
export async function resolveUnknownOutcome(
  scope: Scope,
  messageId: string,
  input: UnknownOutcomeResolution,
): Promise<UnknownOutcomeResult> {
  const { outcome, note } = parseInput(unknownOutcomeResolutionSchema, input, {
    what: 'resolution',
  });
  return inTransaction(scope, async (tx) => {
    const held = await lockHeld(tx, messageId);
    const reason = `marked ${outcome} by a person${note ? `: ${note}` : ''}`;
    await settle(tx, held, messageId, { state: outcome, reason });
    await recordAudit(tx, {
      action: 'campaign_delivery.resolve',
      entity: 'message',
      entityId: messageId,
      after: { state: outcome, note: note ?? null },
    });
    return { message_id: messageId, state: outcome, reason };
  });
}

/**
 * Sends a held message again now, under its SAME id, and records the outcome (admin+).
 * While the call runs the delivery carries a lease, so a second resend is refused rather
 * than sent twice; if this process dies during the call, the lease runs out and the message
 * is simply held again.
 * The resend goes to the provider the message row names (the one the interrupted call went
 * to), never to another: with failover, another provider could deliver it a second time.
 * @throws `CAMPAIGN_UNKNOWN_OUTCOME_NOT_FOUND`, `CAMPAIGN_OUTCOME_NOT_HELD`,
 * `CAMPAIGN_PROVIDER_NOT_CONFIGURED`
 */
export async function resendUnknownOutcome(
  scope: Scope,
  deps: ResendDeps,
  messageId: string,
): Promise<UnknownOutcomeResult> {
  const sendTimeoutMs = deps.dispatch.sendTimeoutMs ?? 30_000;
  const lease = new Date(scope.clock.now().getTime() + (deps.dispatch.leaseMs ?? 60_000));
  const prepared = await inTransaction(scope, async (tx) => {
    const held = await lockHeld(tx, messageId);
    const { rows } = await sql<{
      channel: 'email' | 'sms';
      to_address: string;
      provider: string | null;
      campaign_id: string;
      organization: { id: string; name: string };
      template: Parameters<RenderMessage>[0]['template'] | null;
      customer: Parameters<RenderMessage>[0]['customer'];
      utm: Parameters<RenderMessage>[0]['utm'];
    }>`
      SELECT m.channel, m.to_address, m.provider, r.campaign_id,
             jsonb_build_object('source', c.utm_source, 'medium', c.utm_medium, 'campaign', c.utm_campaign) AS utm,
             (SELECT jsonb_build_object('id', o.id, 'name', o.name) FROM organizations o WHERE o.id = m.organization_id) AS organization,
             (SELECT jsonb_build_object('id', t.id, 'channel', t.channel, 'subject', t.subject, 'content', t.content, 'metadata', t.metadata)
                FROM templates t WHERE t.id = c.template_id) AS template,
             to_jsonb(cu) - 'embedding' AS customer
        FROM messages m
        JOIN campaign_runs r ON r.id = m.campaign_run_id
        JOIN campaigns c ON c.id = r.campaign_id
        JOIN customers cu ON cu.id = m.customer_id
       WHERE m.id = ${messageId} AND m.organization_id = ${tx.organizationId}`.execute(tx.db);
    const message = rows[0];
    if (!message?.template) throw notFound();
    // A message row without a provider predates failover: the channel's first provider.
    const configured = configuredProviders(deps.providers, message.channel);
    const provider = message.provider
      ? configured.find((p) => p.id === message.provider)
      : configured[0];
    if (!provider) throw providerGone(message.provider ?? '');
    const rendered = await deps.render({
      template: message.template,
      customer: message.customer,
      organization: message.organization,
      messageId,
      utm: message.utm,
    });
    // The lease and the attempt are committed before the call, as the dispatcher's hand-off.
    await tx.db
      .updateTable('campaign_deliveries')
      .set({ lease_until: lease, attempts: held.attempts + 1, updated_at: tx.clock.now() })
      .where('audience_id', '=', held.audience_id)
      .execute();
    await tx.db
      .updateTable('messages')
      .set({
        body: rendered.channel === 'email' ? rendered.html : rendered.text,
        subject: rendered.channel === 'email' ? rendered.subject : null,
      })
      .where('id', '=', messageId)
      .execute();
    await recordAudit(tx, {
      action: 'campaign_delivery.resend',
      entity: 'message',
      entityId: messageId,
      after: { attempts: held.attempts + 1 },
    });
    return { held, message, rendered, provider };
  });

  const { held, message, rendered, provider } = prepared;
  const context = (signal: AbortSignal) => ({
    organizationId: scope.organizationId,
    campaignId: message.campaign_id,
    campaignRunId: held.campaign_run_id,
    signal,
  });
  let result: SendResult | 'unknown';
  try {
    const [first] = await timeout(sendTimeoutMs, TimeoutStrategy.Cooperative).execute(
      ({ signal }) =>
        rendered.channel === 'email' && provider.channel === 'email'
          ? provider.send(
              [
                {
                  messageId,
                  to: { email: message.to_address, name: String(message.customer.name) },
                  from: deps.dispatch.from ?? {
                    email: 'no-reply@greentrack.invalid',
                    name: message.organization.name,
                  },
                  subject: rendered.subject,
                  html: rendered.html,
                  text: rendered.text,
                  headers: rendered.headers ?? {},
                },
              ],
              context(signal),
            )
          : (provider as MessagingProviders['sms']).send(
              [
                {
                  messageId,
                  to: message.to_address,
                  body: rendered.text,
                  headers: rendered.headers ?? {},
                },
              ],
              context(signal),
            ),
    );
    result = first ?? 'unknown';
  } catch (error) {
    result =
      error instanceof ProviderError && error.outcome === 'not_sent'
        ? {
            messageId,
            status: 'failed',
            failure: { kind: error.kind, code: error.code, message: error.message },
          }
        : 'unknown';
  }

  return inTransaction(scope, async (tx) => {
    // Still ours? (The lease ran out only if this call outlived it: then it is held again.)
    const mine = await tx.db
      .selectFrom('campaign_deliveries')
      .select('state')
      .where('audience_id', '=', held.audience_id)
      .where('state', '=', 'unknown')
      .where('lease_until', '=', lease)
      .forUpdate()
      .executeTakeFirst();
    const release = async (reason: string): Promise<UnknownOutcomeResult> => {
      if (mine)
        await tx.db
          .updateTable('campaign_deliveries')
          .set({ lease_until: null, reason, updated_at: tx.clock.now() })
          .where('audience_id', '=', held.audience_id)
          .execute();
      return { message_id: messageId, state: 'unknown', reason };
    };
    if (!mine)
      return { message_id: messageId, state: 'unknown', reason: 'resend outlived its lease' };
    if (result === 'unknown') return release('resend interrupted: outcome unknown');
    if (result.status === 'sent') {
      const reason = 'resent by a person';
      await settle(tx, held, messageId, {
        state: 'sent',
        reason,
        providerMessageId: result.providerMessageId,
      });
      return { message_id: messageId, state: 'sent', reason };
    }
    const reason = `resend failed: ${result.failure.code}: ${result.failure.message}`;
    // A transient refusal was not sent: still held, to try again later.
    if (result.failure.kind === 'transient') return release(reason);
    await settle(tx, held, messageId, { state: 'failed', reason });
    return { message_id: messageId, state: 'failed', reason };
  });
}
