/**
 * The conformance rig of core's built-in outbox provider (`gt.providers.email` / `.sms` when
 * no provider is configured). The outbox writes `outbox_messages` in GreenTrack's own
 * database, so it has no server to make fail. What applies honestly:
 *
 * - `accept_then_timeout` applies: the outbox's INSERT commits, then the answer is lost (a
 *   worker killed after the commit, a dropped connection). The rig runs the REAL send and
 *   throws `ProviderError('unknown')` in place of its answer; what is under test is the
 *   outbox's deduplication when the same messages are sent again.
 * - `transient`, `rate_limited` and `permanent` do not: declared in `OUTBOX_UNSUPPORTED`.
 *
 * `accepted()` is the table, read after every call (ordered by insertion), not the rig's own
 * bookkeeping.
 */
import {
  type EmailProvider,
  type GreenTrack,
  ProviderError,
  type SendContext,
  type SmsProvider,
} from '@greentrack/core';
import { sql } from 'kysely';
import { createTestGreenTrack, databaseKind } from './greentrack.js';
import type { ConformanceRig, ConformanceTarget, Fault } from './provider-conformance.js';

/** Faults that do not apply to the outbox, and why. */
export const OUTBOX_UNSUPPORTED: Partial<Record<Fault, string>> = {
  transient:
    "the outbox is a table in GreenTrack's own database: nothing remote answers 5xx, and when that database fails the dispatcher's claim and record fail with it",
  rate_limited: 'the outbox has no rate limit (ratePerSecond: Infinity) and never answers 429',
  permanent: 'the outbox records every address it is given and rejects no recipient',
};

interface Shared {
  gt: GreenTrack;
  context: SendContext;
  users: number;
  cleanup: () => Promise<void>;
}

/** One GreenTrack per outbox mode, shared by the email and SMS rigs of that mode. */
const instances = new Map<boolean, Promise<Shared>>();

async function boot(idempotent: boolean): Promise<Shared> {
  const outbox = { outbox: { idempotent } };
  const { gt, cleanup } = await createTestGreenTrack({ providers: { email: outbox, sms: outbox } });
  const owner = await gt.users.create({ email: `owner-${idempotent}@outbox.example` });
  const { organization } = await gt.organizations.create({ name: 'Outbox', ownerUserId: owner.id });
  return { gt, context: { organizationId: organization.id }, users: 0, cleanup };
}

async function acquire(idempotent: boolean): Promise<Shared> {
  let instance = instances.get(idempotent);
  if (!instance) {
    instance = boot(idempotent);
    instances.set(idempotent, instance);
  }
  const shared = await instance;
  shared.users += 1;
  return shared;
}

async function release(idempotent: boolean, shared: Shared): Promise<void> {
  shared.users -= 1;
  if (shared.users > 0) return;
  instances.delete(idempotent);
  await shared.cleanup();
}

/** Our ids in `outbox_messages` of `channel`, in insertion order, repeats included. */
async function readAccepted(shared: Shared, channel: 'email' | 'sms'): Promise<string[]> {
  const rows = await shared.gt.db
    .selectFrom('outbox_messages')
    .select('message_id')
    .where('organization_id', '=', shared.context.organizationId)
    .where('channel', '=', channel)
    // One statement inserts a batch in order; ctid keeps that order (the table has no
    // sequence, and rows are never updated, so ctid is insertion order here).
    .orderBy('sent_at')
    .orderBy(sql`ctid`)
    .execute();
  return rows.map((r) => r.message_id);
}

async function startOutboxRig<P extends EmailProvider | SmsProvider>(
  channel: P['channel'],
  idempotent: boolean,
  capabilities: Partial<P['capabilities']>,
): Promise<ConformanceRig<P>> {
  const shared = await acquire(idempotent);
  const outbox = shared.gt.providers[channel] as unknown as P;
  const faults: Fault[] = [];
  let accepted: string[] = await readAccepted(shared, channel);
  const realSend = outbox.send.bind(outbox) as P['send'];
  const send = async (messages: Parameters<P['send']>[0], context: SendContext) => {
    const fault = faults.shift();
    try {
      const results = await realSend(messages as never, context);
      if (fault === 'accept_then_timeout')
        throw new ProviderError({
          message: 'outbox rig: the batch was recorded, its answer lost (injected)',
          kind: 'transient',
          outcome: 'unknown',
          code: 'ANSWER_LOST',
        });
      return results;
    } finally {
      accepted = await readAccepted(shared, channel);
    }
  };
  const provider = {
    id: outbox.id,
    channel: outbox.channel,
    capabilities: { ...outbox.capabilities, ...capabilities },
    send,
  } as P;
  return {
    provider,
    context: shared.context,
    failNext: (fault, count = 1) => {
      if (OUTBOX_UNSUPPORTED[fault]) throw new Error(`outbox rig: ${fault} does not apply`);
      for (let i = 0; i < count; i++) faults.push(fault);
    },
    accepted: () => [...accepted],
    close: () => release(idempotent, shared),
  };
}

/**
 * The outbox of `channel` as a conformance target. `claimIdempotent` overrides the flag
 * (to prove the suite catches a non-deduplicating provider that claims to deduplicate).
 */
export function outboxTarget<P extends EmailProvider | SmsProvider>(
  channel: P['channel'],
  options: { idempotent: boolean; claimIdempotent?: boolean },
): ConformanceTarget<P> {
  const claim =
    options.claimIdempotent === undefined ? {} : { idempotent: options.claimIdempotent };
  return {
    name: `outbox ${channel} (${options.idempotent ? 'idempotent' : 'not idempotent'}, ${databaseKind})`,
    channel,
    unsupportedFaults: OUTBOX_UNSUPPORTED,
    start: () =>
      startOutboxRig<P>(channel, options.idempotent, claim as Partial<P['capabilities']>),
  };
}
