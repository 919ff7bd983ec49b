/**
 * What the tracking endpoints do with a verified token: record a `click`, `open` or
 * `unsubscribe` message event, keep the run's stats, and change consent.
 *
 * Everything happens in the token's organization (row-level security confines the work to
 * it) and on the token's message only. Each message counts at most once per type in
 * `campaign_runs.stats` (`opened`, `clicked`, `unsubscribed`: unique recipients, the
 * figures a campaign report compares with `sent`), while every open and click is kept as
 * an event. The message row is locked first, so two simultaneous first clicks of one
 * message count once.
 */
import { sql } from 'kysely';
import { getCustomerConsent, setCustomerConsent } from '../consent/index.js';
import { toJson } from '../db/values.js';
import { GreenTrackError } from '../errors.js';
import { inTransaction, type Scope } from '../scope.js';
import { TrackingErrorCode } from './error-codes.js';
import { clickDestination, type TrackingClaims } from './tokens.js';

/** Stats key per event type. */
const STATS_KEY = { open: 'opened', click: 'clicked', unsubscribe: 'unsubscribed' } as const;

type EventType = keyof typeof STATS_KEY;

function notFound(reason: string): GreenTrackError {
  return new GreenTrackError({
    code: TrackingErrorCode.TRACKING_TOKEN_INVALID,
    message: 'This link is not valid',
    details: { reason },
  });
}

/** The token's message, locked for the rest of the transaction. */
async function lockMessage(scope: Scope, claims: TrackingClaims) {
  const message = await scope.db
    .selectFrom('messages')
    .select(['id', 'campaign_run_id', 'customer_id', 'channel', 'body'])
    .where('id', '=', claims.messageId)
    .where('organization_id', '=', scope.organizationId)
    .forNoKeyUpdate()
    .executeTakeFirst();
  if (!message) throw notFound('message');
  return message;
}

/**
 * Adds the event (one per message, type and instant, by the seed's unique key) and, the
 * first time this message has an event of `type`, one to the run's stats. With `once`, a
 * repeat adds no event either (an unsubscribe happens once; every open and click is kept).
 */
async function addEvent(
  scope: Scope,
  message: { id: string; campaign_run_id: string | null },
  type: EventType,
  metadata: Record<string, unknown>,
  once = false,
): Promise<void> {
  const earlier = await scope.db
    .selectFrom('message_events')
    .select('id')
    .where('organization_id', '=', scope.organizationId)
    .where('message_id', '=', message.id)
    .where('type', '=', type)
    .limit(1)
    .executeTakeFirst();
  if (earlier && once) return;
  await scope.db
    .insertInto('message_events')
    .values({
      organization_id: scope.organizationId,
      message_id: message.id,
      type,
      occurred_at: scope.clock.now(),
      metadata: toJson(metadata),
    })
    .onConflict((oc) => oc.columns(['message_id', 'type', 'occurred_at']).doNothing())
    .execute();
  if (earlier || message.campaign_run_id === null) return;
  const key = STATS_KEY[type];
  // Added in the database, never read-modify-write: the dispatcher adds to the same column.
  await sql`UPDATE campaign_runs
               SET stats = stats || jsonb_build_object(${key}::text, coalesce((stats ->> ${key})::int, 0) + 1)
             WHERE id = ${message.campaign_run_id}`.execute(scope.db);
}

/** Click tokens in a stored body (email `href`s, SMS text). */
const CLICK_TOKEN = /\/t\/c\/([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)/g;

/**
 * Whether the message's stored body links to `url` through the click redirect. Compared by
 * destination, not by token: a resend re-renders the body with tokens of a later expiry,
 * while the recipient may hold the first send's links.
 */
function bodyLinksTo(body: string, url: string): boolean {
  for (const match of body.matchAll(CLICK_TOKEN))
    if (clickDestination(match[1] ?? '') === url) return true;
  return false;
}

/**
 * Records a click and returns where to send the browser. Only a link the message
 * contained is followed: its body as sent must link to the same destination.
 */
export async function recordClick(scope: Scope, claims: TrackingClaims): Promise<string> {
  return inTransaction(scope, async (tx) => {
    const message = await lockMessage(tx, claims);
    if (claims.url === null || !bodyLinksTo(message.body, claims.url))
      throw notFound('link_not_in_message');
    await addEvent(tx, message, 'click', { url: claims.url });
    return claims.url;
  });
}

/** Records an open. */
export async function recordOpen(scope: Scope, claims: TrackingClaims): Promise<void> {
  await inTransaction(scope, async (tx) => {
    await addEvent(tx, await lockMessage(tx, claims), 'open', {});
  });
}

/** What the preferences page shows. */
export interface Preferences {
  organizationName: string;
  channel: 'email' | 'sms';
  /** Whether the recipient is unsubscribed (or otherwise blocked) on the channel. */
  unsubscribed: boolean;
}

async function preferences(
  scope: Scope,
  message: { customer_id: string | null; channel: 'email' | 'sms' },
): Promise<Preferences> {
  const organization = await scope.db
    .selectFrom('organizations')
    .select('name')
    .where('id', '=', scope.organizationId)
    .executeTakeFirstOrThrow();
  // An erased customer can no longer be messaged at all.
  const unsubscribed =
    message.customer_id === null
      ? true
      : !(await getCustomerConsent(scope, message.customer_id))[message.channel].canSend;
  return { organizationName: organization.name, channel: message.channel, unsubscribed };
}

/** Reads the recipient's status for the preferences page; changes nothing. */
export async function readPreferences(scope: Scope, claims: TrackingClaims): Promise<Preferences> {
  const message = await scope.db
    .selectFrom('messages')
    .select(['customer_id', 'channel'])
    .where('id', '=', claims.messageId)
    .where('organization_id', '=', scope.organizationId)
    .executeTakeFirst();
  if (!message) throw notFound('message');
  return preferences(scope, message);
}

/**
 * One-click unsubscribe (RFC 8058): the recipient's consent on the message's channel
 * becomes `unsubscribed` (audited, `consent.changed`), the `unsubscribe` event is recorded
 * once per message. Idempotent: repeating it changes nothing more.
 */
export async function unsubscribe(scope: Scope, claims: TrackingClaims): Promise<Preferences> {
  return inTransaction(scope, async (tx) => {
    const message = await lockMessage(tx, claims);
    const customerId = message.customer_id;
    // Setting the status the customer already has is a no-op (no audit row, no event).
    if (customerId !== null)
      await setCustomerConsent(tx, customerId, message.channel, 'unsubscribed', {
        source: 'one_click_unsubscribe',
      });
    await addEvent(tx, message, 'unsubscribe', {}, true);
    return preferences(tx, message);
  });
}
