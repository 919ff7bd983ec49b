/**
 * The messages a delivery plan (`delivery-replay.ts`) talks about, written into one
 * organization, and that organization's delivery state in a form two organizations can be
 * compared by (message and customer indexes instead of ids, row ids and write times left out).
 */
import type { GreenTrack } from '@greentrack/core';
import type { DeliveryPlan, PlanIds } from './delivery-replay.js';

/** The plan's ids in one organization, and its customers (index → id, index → address). */
export interface SeededPlan extends PlanIds {
  customerIds: readonly string[];
  customerEmails: readonly string[];
}

/**
 * One customer and one email message per planned message: SendGrid's first, then
 * Postmark's. Every 20th message is still `queued` (its provider events may come before the
 * dispatcher's record); every 10th customer subscribed by a person before any event.
 */
export async function seedPlanMessages(
  gt: GreenTrack,
  organizationId: string,
  plan: DeliveryPlan,
  base: number,
): Promise<SeededPlan> {
  const db = gt.database.tenant(organizationId);
  const total = plan.sendgridMessages + plan.postmarkMessages;
  const customerIds: string[] = [];
  const customerEmails: string[] = [];
  const messageIds: string[] = [];
  const providerIds: string[] = [];
  for (let start = 0; start < total; start += 500) {
    const slice = Array.from({ length: Math.min(500, total - start) }, (_, k) => start + k);
    const customers = await db
      .insertInto('customers')
      .values(
        slice.map((i) => ({
          organization_id: organizationId,
          type: 'customer' as const,
          name: `Customer ${i}`,
          // The same address in every organization: a payload that names one (Stripe's
          // `customer_email`) is then byte for byte the same for both.
          email: `c${i}@example.com`,
        })),
      )
      .returning(['id', 'email'])
      .execute();
    customerIds.push(...customers.map((c) => c.id));
    customerEmails.push(...customers.map((c) => c.email as string));
    const messages = await db
      .insertInto('messages')
      .values(
        slice.map((i, k) => ({
          organization_id: organizationId,
          customer_id: customers[k]?.id as string,
          channel: 'email' as const,
          to_address: `c${i}@example.com`,
          provider: i < plan.sendgridMessages ? 'sendgrid' : 'postmark',
          // The same provider ids in every organization: they are unique per organization.
          provider_message_id: `pm${i.toString(36)}x${(i * 7919).toString(36)}`,
          body: '<p>Spring sale</p>',
          status: i % 20 === 0 ? ('queued' as const) : ('sent' as const),
          sent_at: i % 20 === 0 ? null : new Date((base - 10) * 1000),
        })),
      )
      .returning(['id', 'provider_message_id'])
      .execute();
    messageIds.push(...messages.map((m) => m.id));
    providerIds.push(...messages.map((m) => m.provider_message_id as string));
  }
  const subscribed = customerIds.filter((_, i) => i % 10 === 0);
  if (subscribed.length > 0)
    await db
      .insertInto('subscriptions')
      .values(
        subscribed.map((customerId) => ({
          organization_id: organizationId,
          customer_id: customerId,
          channel: 'email' as const,
          status: 'subscribed' as const,
          updated_at: new Date((base - 60) * 1000),
        })),
      )
      .execute();
  return { messageIds, providerIds, base, customerIds, customerEmails };
}

/** Messages, events and subscriptions of the organization, by plan index, sorted. */
export async function deliveryState(
  gt: GreenTrack,
  organizationId: string,
  ids: PlanIds,
): Promise<{ messages: string[]; events: string[]; subscriptions: string[] }> {
  const db = gt.database.tenant(organizationId);
  const messageIndex = new Map(ids.messageIds.map((id, i) => [id, i]));
  const messages = await db
    .selectFrom('messages')
    .select(['id', 'customer_id', 'status', 'sent_at'])
    .execute();
  const customerIndex = new Map(messages.map((m) => [m.customer_id, messageIndex.get(m.id)]));
  const events = await db
    .selectFrom('message_events')
    .select(['message_id', 'type', 'occurred_at', 'metadata'])
    .execute();
  const subscriptions = await db
    .selectFrom('subscriptions')
    .select(['customer_id', 'channel', 'status'])
    .execute();
  const sorted = (rows: unknown[]) => rows.map((r) => JSON.stringify(r)).sort();
  return {
    messages: sorted(
      messages.map((m) => [messageIndex.get(m.id), m.status, m.sent_at?.toISOString() ?? null]),
    ),
    events: sorted(
      events.map((e) => [
        messageIndex.get(e.message_id),
        e.type,
        e.occurred_at.toISOString(),
        e.metadata,
      ]),
    ),
    subscriptions: sorted(
      subscriptions.map((s) => [customerIndex.get(s.customer_id), s.channel, s.status]),
    ),
  };
}

/** Ticks the worker until no stored webhook is left pending (batches above the inline limit). */
export async function drainWebhooks(gt: GreenTrack): Promise<void> {
  const system = gt.database.system('a test or benchmark waits for the webhook queue to empty');
  for (;;) {
    const pending = await system
      .selectFrom('webhooks_inbound')
      .select('id')
      .where('status', '=', 'pending')
      .limit(1)
      .execute();
    if (pending.length === 0) return;
    await gt.worker.tick();
  }
}
