/**
 * The frequency cap as SQL: how many messages a customer was actually SENT on a channel
 * since an instant. Only messages with a `sent_at` count — a queued, failed or never-sent
 * message did not reach the customer. The audience snapshot (`audience.ts`) and the
 * send-time re-check (`send-time.ts`) use this one count, answered by
 * `messages_customer_sent_idx` (migration 0016).
 */
import { type Expression, type RawBuilder, sql } from 'kysely';

/**
 * The number of messages sent to `customerId` (a column or value) on `channel` after
 * `since` (a value or an SQL expression).
 * @example
 * // (SELECT count(*) FROM messages m WHERE m.organization_id = $1
 * //   AND m.customer_id = "customers"."id" AND m.channel = $2 AND m.sent_at > $3)
 */
export function sentSince(
  organizationId: string,
  channel: 'email' | 'sms',
  customerId: Expression<string>,
  since: Date | Expression<Date>,
): RawBuilder<number> {
  return sql<number>`(SELECT count(*) FROM messages m
      WHERE m.organization_id = ${organizationId} AND m.customer_id = ${customerId}
        AND m.channel = ${channel} AND m.sent_at > ${since})`;
}
