/**
 * The messages of a campaign, page by page, each with what happened to it.
 *
 * Order and keyset: `(campaign_run_id, customer_id)`, the leading columns of the unique
 * index `messages_run_customer_channel_uidx` (migration 0012; a run's channel is fixed), so
 * a page of a 100k-message campaign is an index range scan, not a sort of the whole run. A
 * campaign has one run, so this reads as "by recipient". A page's events are read in one
 * more statement, through the `(message_id, type, occurred_at)` unique index.
 *
 * ```sql
 * SELECT m.* FROM messages m
 *  WHERE m.organization_id = $1 AND m.campaign_run_id IN (SELECT id FROM campaign_runs WHERE campaign_id = $2)
 *    AND m.campaign_run_id IS NOT NULL          -- the partial index's predicate
 *    [AND m.status = $3] [AND m.campaign_run_id = $4]
 *    [AND (m.campaign_run_id, m.customer_id) > ($5, $6)]
 *  ORDER BY m.campaign_run_id, m.customer_id LIMIT $7 + 1;
 * SELECT * FROM message_events WHERE organization_id = $1 AND message_id IN (…) ORDER BY occurred_at, id;
 * ```
 */
import { z } from '@hono/zod-openapi';
import type { Selectable } from 'kysely';
import type { MessageEventsTable, MessagesTable } from '../db/types.js';
import { decodeCursor } from '../pagination/cursor.js';
import { keysetAfter, keysetFetchSize, keysetPage } from '../pagination/keyset.js';
import type { Scope } from '../scope.js';
import { parseInput } from '../validation.js';
import { type MessageListQuery, messageListQuerySchema } from './schema.js';
import { findCampaignRow } from './service.js';

/** One event of a message (delivered, open, click, …). */
export interface CampaignMessageEvent
  extends Pick<Selectable<MessageEventsTable>, 'id' | 'type' | 'occurred_at'> {
  /** What the event recorded (the clicked URL, the bounce reason, …). */
  metadata: Record<string, unknown>;
}

/**
 * A message of a campaign with its events, oldest first. The body is left out: a page of
 * rendered emails would weigh megabytes, and the customer's export has it.
 */
export interface CampaignMessage
  extends Omit<
    Selectable<MessagesTable>,
    'organization_id' | 'body' | 'utm_source' | 'utm_medium' | 'utm_campaign' | 'campaign_run_id'
  > {
  campaign_run_id: string;
  events: CampaignMessageEvent[];
}

/** One page of a campaign's messages. */
export interface CampaignMessagePage {
  items: CampaignMessage[];
  /** Pass back as `cursor` for the next page; `null` on the last page. */
  nextCursor: string | null;
}

const LIST = 'the campaign’s messages';
const cursorSchema = z.object({ run: z.uuid(), customer: z.uuid() });

/**
 * One page of the campaign's messages, optionally of one run or one status, each with its
 * events. @throws `CAMPAIGN_NOT_FOUND`, `VALIDATION_FAILED` (a cursor this list did not give)
 */
export async function listCampaignMessages(
  scope: Scope,
  campaignId: string,
  query: MessageListQuery = {},
): Promise<CampaignMessagePage> {
  const q = parseInput(messageListQuerySchema, query, { what: 'message query' });
  const campaign = await findCampaignRow(scope, campaignId);
  let page = scope.db
    .selectFrom('messages as m')
    .select([
      'm.id',
      'm.campaign_run_id',
      'm.customer_id',
      'm.channel',
      'm.to_address',
      'm.provider',
      'm.provider_message_id',
      'm.template_id',
      'm.subject',
      'm.status',
      'm.sent_at',
      'm.created_at',
    ])
    .where('m.organization_id', '=', scope.organizationId)
    .where('m.campaign_run_id', 'is not', null)
    .where('m.campaign_run_id', 'in', (eb) =>
      eb.selectFrom('campaign_runs').select('id').where('campaign_id', '=', campaign.id),
    )
    .orderBy('m.campaign_run_id')
    .orderBy('m.customer_id')
    .limit(keysetFetchSize(q.limit));
  if (q.status !== undefined) page = page.where('m.status', '=', q.status);
  if (q.run !== undefined) page = page.where('m.campaign_run_id', '=', q.run);
  if (q.cursor !== undefined) {
    const after = decodeCursor(q.cursor, cursorSchema, LIST);
    page = page.where(
      keysetAfter('asc', [
        ['m.campaign_run_id', after.run, 'uuid'],
        ['m.customer_id', after.customer, 'uuid'],
      ]),
    );
  }
  const { items, nextCursor } = keysetPage(await page.execute(), q.limit, (last) =>
    last.campaign_run_id && last.customer_id
      ? { run: last.campaign_run_id, customer: last.customer_id }
      : null,
  );
  const events = await eventsOf(
    scope,
    items.map((m) => m.id),
  );
  return {
    items: items.map((m) => ({
      ...m,
      // Selected under `IS NOT NULL`; the row type cannot know.
      campaign_run_id: m.campaign_run_id ?? '',
      events: events.get(m.id) ?? [],
    })),
    nextCursor,
  };
}

/** The events of `messageIds`, oldest first, by message. */
async function eventsOf(
  scope: Scope,
  messageIds: readonly string[],
): Promise<Map<string, CampaignMessageEvent[]>> {
  const byMessage = new Map<string, CampaignMessageEvent[]>();
  if (messageIds.length === 0) return byMessage;
  const rows = await scope.db
    .selectFrom('message_events')
    .select(['id', 'message_id', 'type', 'occurred_at', 'metadata'])
    .where('organization_id', '=', scope.organizationId)
    .where('message_id', 'in', messageIds)
    .orderBy('occurred_at')
    .orderBy('id')
    .execute();
  for (const { message_id, metadata, ...event } of rows) {
    const list = byMessage.get(message_id) ?? [];
    list.push({ ...event, metadata: (metadata ?? {}) as Record<string, unknown> });
    byMessage.set(message_id, list);
  }
  return byMessage;
}
