/**
 * Core acting on a provider's `ProviderFailure.suppress`: the recipient unsubscribed at the
 * provider (Twilio 21610), the address is inactive (Postmark 406) or invalid. The
 * customer's status on the channel changes, so the next audience snapshot and the next
 * claim's consent check skip the address.
 *
 * Runs inside the transaction that records the failure (the dispatcher's fenced outcome
 * write), audited and told as `consent.changed` like any other consent change, with the
 * provider and its code as the `source`.
 *
 * Only a customer with no status or `subscribed` is changed: a status that already blocks
 * (`unsubscribed`, `bounced`, `complained`) says more than the provider's code, and is kept.
 */
import { recordAudit } from '../audit/index.js';
import type { Channel, SubscriptionStatus } from '../db/types.js';
import type { ProviderFailure } from '../providers/messaging.js';
import type { Scope } from '../scope.js';

/** What a provider's suppression asks of one customer. */
export interface Suppression {
  customerId: string;
  channel: Channel;
  status: NonNullable<ProviderFailure['suppress']>;
  /** `provider:<id>:<code>`, recorded as the consent change's source. */
  source: string;
}

/**
 * The seed's statuses have no `invalid`: an address that cannot receive is recorded as
 * `bounced`, the status of an address mail does not reach.
 */
const STATUS: Record<Suppression['status'], SubscriptionStatus> = {
  unsubscribed: 'unsubscribed',
  bounced: 'bounced',
  invalid: 'bounced',
};

/** Applies `suppressions` in `tx` (which must be a transaction); returns how many changed. */
export async function applySuppressions(
  tx: Scope,
  suppressions: readonly Suppression[],
): Promise<number> {
  if (suppressions.length === 0) return 0;
  const now = tx.clock.now();
  const before = await tx.db
    .selectFrom('subscriptions')
    .selectAll()
    .where('organization_id', '=', tx.organizationId)
    .where(
      'customer_id',
      'in',
      suppressions.map((s) => s.customerId),
    )
    .forUpdate()
    .execute();
  const current = new Map(before.map((row) => [`${row.customer_id}:${row.channel}`, row]));
  let changed = 0;
  for (const suppression of suppressions) {
    const previous = current.get(`${suppression.customerId}:${suppression.channel}`);
    if (previous && previous.status !== 'subscribed') continue;
    const status = STATUS[suppression.status];
    const after = await tx.db
      .insertInto('subscriptions')
      .values({
        organization_id: tx.organizationId,
        customer_id: suppression.customerId,
        channel: suppression.channel,
        status,
        updated_at: now,
      })
      .onConflict((oc) =>
        oc
          .columns(['organization_id', 'customer_id', 'channel'])
          .doUpdateSet({ status, updated_at: now }),
      )
      .returningAll()
      .executeTakeFirstOrThrow();
    current.set(`${suppression.customerId}:${suppression.channel}`, after);
    await recordAudit(tx, {
      action: previous ? 'subscription.update' : 'subscription.create',
      entity: 'subscription',
      entityId: after.id,
      before: previous,
      after: { ...after, source: suppression.source },
    });
    tx.emit('consent.changed', {
      organizationId: tx.organizationId,
      customerId: suppression.customerId,
      channel: suppression.channel,
      status,
      previousStatus: previous?.status ?? null,
      source: suppression.source,
      actor: tx.actor,
    });
    changed++;
  }
  return changed;
}
