/**
 * `message.event` effects (SendGrid, Postmark, Twilio status callbacks) → our messages.
 *
 * Set-based: a SendGrid batch carries up to 1,000 events, and the whole batch is ONE
 * statement (resolve, store events, move statuses) plus, only when some event changes
 * consent, one read, one upsert and one audit insert. Idempotent and order-independent:
 *
 * - each effect is resolved to our message by `messageId` (the id we sent in SendGrid's
 *   `custom_args` / Postmark's `Metadata`), else by the provider's id of the message within
 *   the organization; an effect naming no message of ours is ignored and counted;
 * - `message_events` rows are inserted with `ON CONFLICT DO NOTHING` on the seed's key
 *   (message, type, occurred_at) and on the provider's event id (migration 0029); two
 *   DIFFERENT events with the same key (two clicks in one second) keep the one whose
 *   metadata sorts first, so which arrived first does not matter;
 * - `messages.status` only moves up `MESSAGE_STATUS_ORDER`; `sent_at` becomes the earliest
 *   evidence that the message left (our record of the hand-off or the provider's earliest
 *   event) — a minimum, so it too is independent of order;
 * - consent moves up its own order (`consent.ts`).
 */
import { sql } from 'kysely';
import type { Channel, SubscriptionStatus } from '../db/types.js';
import { toJson } from '../db/values.js';
import type { WebhookHandlerContext } from '../module.js';
import type { MessageEventEffect } from '../providers/webhooks.js';
import type { Scope } from '../scope.js';
import { isUuid } from '../validation.js';
import { applyConsentCandidates } from './consent.js';
import { consentOf, MESSAGE_STATUS_ORDER, STORED_EVENT_TYPES, statusRankOf } from './lattices.js';

/** What applying one webhook's delivery events did. */
export interface MessageEventsSummary {
  /** Effects received. */
  received: number;
  /** Effects that named no message of the organization (or had no usable time): ignored. */
  unknown: number;
  /** New `message_events` rows (duplicates and already-stored events are not counted). */
  stored: number;
  /** Messages whose status or `sent_at` moved. */
  messagesUpdated: number;
  /** Subscriptions whose status changed. */
  consentChanged: number;
}

/** One effect as the statement reads it (`jsonb_to_recordset`). */
interface InputRow {
  type: MessageEventEffect['type'];
  message_id: string | null;
  provider_message_id: string | null;
  occurred_at: string;
  metadata: Record<string, unknown>;
  status_rank: number;
  consent: SubscriptionStatus | null;
}

function inputRow(effect: MessageEventEffect): InputRow | null {
  if (Number.isNaN(effect.occurredAt.getTime())) return null;
  const messageId =
    effect.messageId !== undefined && isUuid(effect.messageId) ? effect.messageId : null;
  const providerMessageId = effect.providerMessageId || null;
  if (messageId === null && providerMessageId === null) return null;
  return {
    type: effect.type,
    message_id: messageId,
    provider_message_id: providerMessageId,
    occurred_at: effect.occurredAt.toISOString(),
    metadata: {
      ...effect.metadata,
      ...(effect.bounce ? { bounce: effect.bounce } : {}),
      ...(effect.providerEventId ? { provider_event_id: effect.providerEventId } : {}),
    },
    status_rank: statusRankOf(effect.type),
    consent: consentOf(effect),
  };
}

interface StatementResult {
  matched: number;
  stored: number;
  updated: number;
  consent: Array<{
    customer_id: string;
    channel: Channel;
    status: SubscriptionStatus;
    occurred_at: string;
  }>;
}

/**
 * The `message.event` handler: applies one stored webhook's delivery events in `tx` (the
 * transaction processing it). Safe to run again on the same webhook, and on webhooks in any
 * order.
 */
export async function applyMessageEvents(
  tx: Scope,
  effects: readonly MessageEventEffect[],
  context: Pick<WebhookHandlerContext, 'webhook'>,
): Promise<MessageEventsSummary> {
  const rows = effects.flatMap((e) => inputRow(e) ?? []);
  const summary: MessageEventsSummary = {
    received: effects.length,
    unknown: effects.length - rows.length,
    stored: 0,
    messagesUpdated: 0,
    consentChanged: 0,
  };
  if (rows.length === 0) return summary;
  const org = tx.organizationId;
  const statusOrder = sql`${sql.val([...MESSAGE_STATUS_ORDER])}::text[]`;
  const { rows: result } = await sql<StatementResult>`
    WITH input AS (
      SELECT * FROM jsonb_to_recordset(${toJson(rows as unknown as Record<string, unknown>[])}::jsonb)
        AS x(type text, message_id uuid, provider_message_id text, occurred_at timestamptz,
             metadata jsonb, status_rank int, consent text)
    ), locked AS (
      -- Every message the batch may touch, locked in id order before anything is written:
      -- webhooks processed at once (SendGrid posts in parallel) then wait for each other
      -- instead of deadlocking over messages they share.
      SELECT m.id FROM messages m
       WHERE m.organization_id = ${org}
         AND (m.id IN (SELECT message_id FROM input WHERE message_id IS NOT NULL)
              OR (m.provider = ${context.webhook.provider}
                  AND m.provider_message_id IN (SELECT provider_message_id FROM input WHERE provider_message_id IS NOT NULL)))
       ORDER BY m.id
       FOR NO KEY UPDATE
    ), matched AS (
      SELECT coalesce(a.id, b.id) AS message_id, coalesce(a.customer_id, b.customer_id) AS customer_id,
             coalesce(a.channel, b.channel) AS channel, x.type, x.occurred_at, x.metadata,
             x.status_rank, x.consent
        FROM input x
        LEFT JOIN messages a ON a.id = x.message_id AND a.organization_id = ${org}
        -- The seed's (organization, provider, provider_message_id) key: one probe per effect.
        LEFT JOIN LATERAL (
          SELECT m.id, m.customer_id, m.channel FROM messages m
           WHERE a.id IS NULL AND m.organization_id = ${org} AND m.provider = ${context.webhook.provider}
             AND m.provider_message_id = x.provider_message_id
           ORDER BY m.id LIMIT 1
        ) b ON true
        -- Through locked: each lock is taken, in id order, before anything is written.
        JOIN locked l ON l.id = coalesce(a.id, b.id)
    ), events AS (
      -- One row per seed key: an INSERT may not propose the same key twice for the tie-break
      -- below, and the smallest metadata is the winner whatever the order.
      SELECT DISTINCT ON (message_id, type, occurred_at) message_id, type, occurred_at, metadata
        FROM matched WHERE type IN (${sql.join([...STORED_EVENT_TYPES])})
       ORDER BY message_id, type, occurred_at, metadata::text
    ), inserted AS (
      INSERT INTO message_events (organization_id, message_id, type, occurred_at, metadata)
      SELECT ${org}, message_id, type, occurred_at, metadata FROM events
      ON CONFLICT DO NOTHING
      RETURNING 1
    ), tie_broken AS (
      UPDATE message_events e SET metadata = v.metadata
        FROM events v
       WHERE e.organization_id = ${org} AND e.message_id = v.message_id AND e.type = v.type
         AND e.occurred_at = v.occurred_at AND v.metadata::text < e.metadata::text
         -- An event already stored under its id elsewhere stays stored once.
         AND NOT EXISTS (SELECT 1 FROM message_events o
                          WHERE o.message_id = v.message_id
                            AND o.metadata ->> 'provider_event_id' = v.metadata ->> 'provider_event_id')
    ), evidence AS (
      SELECT message_id, max(status_rank) AS status_rank,
             min(occurred_at) FILTER (WHERE type <> 'failed') AS first_seen
        FROM matched GROUP BY message_id
    ), moved AS (
      UPDATE messages m
         SET status = (${statusOrder})[greatest(array_position(${statusOrder}, m.status) - 1, s.status_rank) + 1],
             sent_at = least(m.sent_at, s.first_seen)
        FROM evidence s
       WHERE m.id = s.message_id AND m.organization_id = ${org}
         AND (array_position(${statusOrder}, m.status) - 1 < s.status_rank
              OR s.first_seen < m.sent_at OR (m.sent_at IS NULL AND s.first_seen IS NOT NULL))
      RETURNING 1
    ), consent AS (
      SELECT customer_id, channel, consent AS status, max(occurred_at) AS occurred_at
        FROM matched WHERE consent IS NOT NULL AND customer_id IS NOT NULL
       GROUP BY customer_id, channel, consent
    )
    SELECT (SELECT count(*) FROM matched)::int AS matched,
           (SELECT count(*) FROM inserted)::int AS stored,
           (SELECT count(*) FROM moved)::int AS updated,
           coalesce((SELECT jsonb_agg(c) FROM consent c), '[]'::jsonb) AS consent`.execute(tx.db);
  const outcome = result[0] as StatementResult;
  summary.unknown += rows.length - outcome.matched;
  summary.stored = outcome.stored;
  summary.messagesUpdated = outcome.updated;
  summary.consentChanged = await applyConsentCandidates(
    tx,
    outcome.consent.map((c) => ({
      customerId: c.customer_id,
      channel: c.channel,
      status: c.status,
      occurredAt: new Date(c.occurred_at),
    })),
    `webhook:${context.webhook.provider}`,
  );
  return summary;
}
