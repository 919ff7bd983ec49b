/**
 * The built-in `outbox` provider: "sends" email and SMS by recording them in
 * `outbox_messages`, one set-based statement per batch, inside the batch's organization
 * (row-level security applies). The demo and the tests send through it; a host can use it
 * as a dry run and read what would have gone out.
 *
 * Idempotent by default, like a provider with idempotency keys: a second send of a message
 * id returns the first record and stores nothing. `idempotent: false` records every call,
 * like a provider without them, so a duplicate send is visible (the crash tests count on it).
 */
import type { Insertable } from 'kysely';
import type { DatabaseAccess } from '../db/access.js';
import type { OutboxMessagesTable } from '../db/types.js';
import { toJson } from '../db/values.js';
import type {
  EmailMessage,
  EmailProvider,
  ProviderCapabilities,
  SendContext,
  SendResult,
  SmsMessage,
  SmsProvider,
} from '../providers/messaging.js';

/** Options of the built-in outbox provider. */
export interface OutboxOptions {
  /**
   * Deduplicate by message id (a repeated send stores nothing new).
   * @default true
   */
  idempotent?: boolean;
  /** Messages per `send` call. @default 1000 */
  maxBatch?: number;
}

/** The outbox's `messages.provider` name. */
const OUTBOX_PROVIDER_ID = 'outbox';

type Row = Insertable<OutboxMessagesTable>;

/** Records one batch; returns the outbox row id of each message, in order. */
async function record(
  database: DatabaseAccess,
  rows: readonly Row[],
  idempotent: boolean,
  context: SendContext,
): Promise<SendResult[]> {
  if (rows.length === 0) return [];
  const db = database.tenant(context.organizationId);
  const inserted = await db
    .insertInto('outbox_messages')
    .values([...rows])
    .onConflict((oc) => oc.columns(['organization_id', 'idempotency_key']).doNothing())
    .returning(['id', 'message_id'])
    .execute();
  const ids = new Map(inserted.map((r) => [r.message_id, r.id]));
  const missing = rows.map((r) => r.message_id).filter((id) => !ids.has(id));
  if (idempotent && missing.length > 0) {
    // Sent before: answer with the first record, as an idempotent provider does.
    const earlier = await db
      .selectFrom('outbox_messages')
      .select(['id', 'message_id'])
      .where('organization_id', '=', context.organizationId)
      .where('idempotency_key', 'in', missing)
      .execute();
    for (const r of earlier) ids.set(r.message_id, r.id);
  }
  return rows.map((r) => {
    const id = ids.get(r.message_id);
    return id === undefined
      ? {
          messageId: r.message_id,
          status: 'failed',
          failure: { kind: 'transient', code: 'OUTBOX_LOST', message: 'not recorded' },
        }
      : { messageId: r.message_id, status: 'sent', providerMessageId: id };
  });
}

/** The outbox providers of both channels, writing through `database`. */
export function createOutboxProviders(
  database: DatabaseAccess,
  options: OutboxOptions = {},
): { email: EmailProvider; sms: SmsProvider } {
  const idempotent = options.idempotent ?? true;
  const capabilities: ProviderCapabilities = {
    maxBatch: options.maxBatch ?? 1000,
    idempotent,
    ratePerSecond: Number.POSITIVE_INFINITY,
  };
  const common = (
    message: { messageId: string; headers: Record<string, string> },
    context: SendContext,
  ) => ({
    organization_id: context.organizationId,
    message_id: message.messageId,
    idempotency_key: idempotent ? message.messageId : null,
    headers: toJson(message.headers),
    campaign_run_id: context.campaignRunId ?? null,
  });
  return {
    email: {
      id: OUTBOX_PROVIDER_ID,
      channel: 'email',
      capabilities,
      send: (messages: readonly EmailMessage[], context) =>
        record(
          database,
          messages.map((m) => ({
            ...common(m, context),
            channel: 'email',
            recipient: m.to.email,
            sender: m.from.email,
            subject: m.subject,
            body: m.html,
            text_body: m.text,
          })),
          idempotent,
          context,
        ),
    },
    sms: {
      id: OUTBOX_PROVIDER_ID,
      channel: 'sms',
      capabilities,
      send: (messages: readonly SmsMessage[], context) =>
        record(
          database,
          messages.map((m) => ({
            ...common(m, context),
            channel: 'sms',
            recipient: m.to,
            sender: m.from ?? null,
            subject: null,
            body: m.body,
            text_body: null,
          })),
          idempotent,
          context,
        ),
    },
  };
}
