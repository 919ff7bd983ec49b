/**
 * Bounce, spam report and unsubscribe → the customer's status on the message's channel.
 *
 * Order-independent: a status only moves up `CONSENT_ORDER` (complained > unsubscribed >
 * bounced), so the result is the highest status any event asked for. One exception keeps a
 * person's word: a customer whose stored status is `subscribed` and was set AFTER an event
 * happened (they re-subscribed since) is not changed by that event; a late retry or a
 * replay of an old webhook does not undo a later opt-in.
 *
 * Each real change is audited and emitted as `consent.changed`, as `consent.set` does; the
 * dispatcher's claim re-checks consent for every batch (`consentAllowsSql`), so a queued
 * message to the customer is skipped from the next claim on.
 */
import { sql } from 'kysely';
import { recordAudits } from '../audit/index.js';
import type { Channel, SubscriptionStatus } from '../db/types.js';
import type { Scope } from '../scope.js';
import { CONSENT_ORDER } from './lattices.js';

/** One status asked of one customer's channel, with the latest time an event asked it. */
export interface ConsentCandidate {
  customerId: string;
  channel: Channel;
  status: SubscriptionStatus;
  /** The latest `occurredAt` among the events that asked for this status. */
  occurredAt: Date;
}

const rank = (status: SubscriptionStatus) => CONSENT_ORDER.indexOf(status);

interface StoredStatus {
  id: string;
  status: SubscriptionStatus;
  updated_at: Date;
}

/** The status to write for one customer's channel, or `null` when nothing changes. */
function decide(
  current: StoredStatus | undefined,
  asked: readonly ConsentCandidate[],
): ConsentCandidate | null {
  const eligible = asked.filter(
    (c) =>
      current === undefined ||
      (current.status === 'subscribed'
        ? c.occurredAt.getTime() >= current.updated_at.getTime()
        : rank(c.status) > rank(current.status)),
  );
  if (eligible.length === 0) return null;
  return eligible.reduce((best, c) => (rank(c.status) > rank(best.status) ? c : best));
}

/**
 * Applies `candidates` in `tx` (a transaction): one read of the stored statuses (locked),
 * one upsert of the changes, one audit insert. `source` names the provider
 * (`webhook:sendgrid`), recorded in the audit row and the event. Returns how many changed.
 */
export async function applyConsentCandidates(
  tx: Scope,
  candidates: readonly ConsentCandidate[],
  source: string,
): Promise<number> {
  if (candidates.length === 0) return 0;
  const customerIds = [...new Set(candidates.map((c) => c.customerId))];
  const stored = await tx.db
    .selectFrom('subscriptions')
    .selectAll()
    .where('organization_id', '=', tx.organizationId)
    .where('customer_id', 'in', customerIds)
    // In id order, like the upsert below: concurrent webhooks wait, never deadlock.
    .orderBy('id')
    .forUpdate()
    .execute();
  const key = (customerId: string, channel: Channel) => `${customerId}:${channel}`;
  const before = new Map(stored.map((row) => [key(row.customer_id, row.channel), row]));
  const asked = new Map<string, ConsentCandidate[]>();
  for (const c of candidates) {
    const k = key(c.customerId, c.channel);
    asked.set(k, [...(asked.get(k) ?? []), c]);
  }
  const changes = [...asked.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .flatMap(([k, list]) => {
      const chosen = decide(before.get(k), list);
      return chosen ? [chosen] : [];
    });
  if (changes.length === 0) return 0;

  const now = tx.clock.now();
  const order = sql.val([...CONSENT_ORDER]);
  // The rank is checked again in the statement: a row another transaction inserted since the
  // read above (none existed to lock) is only raised, never lowered.
  const written = await tx.db
    .insertInto('subscriptions')
    .values(
      changes.map((c) => ({
        organization_id: tx.organizationId,
        customer_id: c.customerId,
        channel: c.channel,
        status: c.status,
        updated_at: now,
      })),
    )
    .onConflict((oc) =>
      oc
        .columns(['organization_id', 'customer_id', 'channel'])
        .doUpdateSet({
          status: (eb) => eb.ref('excluded.status'),
          updated_at: (eb) => eb.ref('excluded.updated_at'),
        })
        .where(
          sql<boolean>`array_position(${order}::text[], subscriptions.status) < array_position(${order}::text[], excluded.status)`,
        ),
    )
    .returningAll()
    .execute();

  await recordAudits(
    tx,
    written.map((after) => {
      const previous = before.get(key(after.customer_id, after.channel));
      return {
        action: previous ? 'subscription.update' : 'subscription.create',
        entity: 'subscription',
        entityId: after.id,
        before: previous,
        after: { ...after, source },
      };
    }),
  );
  for (const after of written) {
    tx.emit('consent.changed', {
      organizationId: tx.organizationId,
      customerId: after.customer_id,
      channel: after.channel,
      status: after.status,
      previousStatus: before.get(key(after.customer_id, after.channel))?.status ?? null,
      source,
      actor: tx.actor,
    });
  }
  return written.length;
}
