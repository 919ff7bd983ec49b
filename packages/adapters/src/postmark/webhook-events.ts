/**
 * Postmark's webhook records (one JSON object per request, `RecordType` naming it) →
 * provider-neutral `message.event` effects. One function owns the mapping of Postmark's
 * record and bounce types to ours.
 *
 * Our message id comes back in `Metadata.gt_message_id` (set at send, see
 * `internal/tracking-ids.ts`), Postmark's in `MessageID` (what the send answered).
 */
import type { MessageEventEffect } from '@greentrack/core';

/**
 * Bounce `Type`s → what they say. Hard: the address cannot receive (Postmark deactivates it).
 * Soft: this message did not arrive, the address may still work. `Transient` is a delay that
 * Postmark keeps retrying (our `deferred`). Spam complaints and unsubscribes reported as
 * bounce types count as such. Other types (auto-responders, address changes, challenge
 * mails, …) are not about delivery and give nothing.
 */
const BOUNCE_TYPES: Readonly<
  Record<string, Pick<MessageEventEffect, 'type'> & { bounce?: 'hard' | 'soft' }>
> = {
  HardBounce: { type: 'bounce', bounce: 'hard' },
  BadEmailAddress: { type: 'bounce', bounce: 'hard' },
  ManuallyDeactivated: { type: 'bounce', bounce: 'hard' },
  SoftBounce: { type: 'bounce', bounce: 'soft' },
  DnsError: { type: 'bounce', bounce: 'soft' },
  Blocked: { type: 'bounce', bounce: 'soft' },
  DMARCPolicy: { type: 'bounce', bounce: 'soft' },
  SMTPApiError: { type: 'bounce', bounce: 'soft' },
  Unknown: { type: 'bounce', bounce: 'soft' },
  Transient: { type: 'deferred' },
  SpamComplaint: { type: 'spam' },
  Unsubscribe: { type: 'unsubscribe' },
};

type PostmarkRecord = Record<string, unknown>;

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;

/** The kind of effect, its time field and what to keep, for each record type. */
function classify(record: PostmarkRecord): {
  type: MessageEventEffect['type'];
  bounce?: 'hard' | 'soft';
  at: unknown;
  metadata: Record<string, unknown>;
} | null {
  switch (record.RecordType) {
    case 'Delivery':
      return { type: 'delivered', at: record.DeliveredAt, metadata: pick(record, ['Details']) };
    case 'Bounce': {
      const kind = BOUNCE_TYPES[String(record.Type)];
      if (!kind) return null;
      return {
        ...kind,
        at: record.BouncedAt,
        metadata: pick(record, ['Type', 'TypeCode', 'Description']),
      };
    }
    case 'SpamComplaint':
      return { type: 'spam', at: record.BouncedAt, metadata: pick(record, ['Type', 'TypeCode']) };
    case 'Open':
      return {
        type: 'open',
        at: record.ReceivedAt,
        metadata: pick(record, ['FirstOpen', 'UserAgent']),
      };
    case 'Click':
      return {
        type: 'click',
        at: record.ReceivedAt,
        metadata: { ...pick(record, ['ClickLocation', 'UserAgent']), url: record.OriginalLink },
      };
    case 'SubscriptionChange':
      // Only a recipient's own unsubscribe: suppressions for a hard bounce or a spam complaint
      // arrive as their own Bounce / SpamComplaint records, and a reactivation is not a
      // subscription (only people subscribe customers).
      if (record.SuppressSending !== true || record.SuppressionReason !== 'ManualSuppression')
        return null;
      return { type: 'unsubscribe', at: record.ChangedAt, metadata: pick(record, ['Origin']) };
    default:
      return null;
  }
}

function pick(record: PostmarkRecord, fields: readonly string[]): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  for (const field of fields) if (record[field] !== undefined) kept[field] = record[field];
  return kept;
}

/**
 * The effects of one stored Postmark record (zero or one). Pure. Throws when the payload is
 * not an object (what `verify` stored always is).
 */
export function postmarkEffects(payload: unknown): MessageEventEffect[] {
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload))
    throw new TypeError('a Postmark webhook payload is a JSON object');
  const record = payload as PostmarkRecord;
  const kind = classify(record);
  const at = typeof kind?.at === 'string' ? new Date(kind.at) : null;
  if (!kind || !at || Number.isNaN(at.getTime())) return [];
  const metadata = record.Metadata as Record<string, unknown> | undefined;
  const messageId = text(metadata?.gt_message_id);
  const providerMessageId = text(record.MessageID);
  // Bounce and spam records are numbered by Postmark; the others are keyed by their time.
  const providerEventId =
    typeof record.ID === 'number' ? `${record.RecordType}:${record.ID}` : undefined;
  return [
    {
      kind: 'message.event',
      type: kind.type,
      ...(messageId !== undefined ? { messageId } : {}),
      ...(providerMessageId !== undefined ? { providerMessageId } : {}),
      ...(providerEventId !== undefined ? { providerEventId } : {}),
      occurredAt: at,
      ...(kind.bounce ? { bounce: kind.bounce } : {}),
      metadata: kind.metadata,
    },
  ];
}
