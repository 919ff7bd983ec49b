/**
 * `message.sent` and `message.failed`: the dispatcher's committed outcomes, told to the host
 * one event per message. Kept out of `dispatch.ts` so the dispatcher only hands over what it
 * recorded.
 */
import type { Channel } from '../db/types.js';
import type { Emit } from '../events.js';

/** The run a batch belongs to, as the dispatcher knows it. */
interface OutcomeRun {
  organizationId: string;
  campaignId: string;
  runId: string;
  channel: Channel;
}

/** A recorded outcome, as the dispatcher's ledger holds it. */
interface RecordedOutcome {
  audienceId: string;
  state: string;
  messageId: string | null;
  providerMessageId?: string | null;
  reason?: string;
}

/**
 * Emits one event per final outcome of a batch. Call it only after the transaction that
 * recorded `outcomes` has committed: a listener must never hear of a send the database
 * does not have. Retries (`pending`), skips and held (`unknown`) deliveries emit nothing.
 */
export function emitMessageOutcomes(
  emit: Emit,
  run: OutcomeRun,
  claimed: ReadonlyArray<{ audience_id: string; customer_id: string }>,
  outcomes: readonly RecordedOutcome[],
): void {
  const customerOf = new Map(claimed.map((c) => [c.audience_id, c.customer_id]));
  for (const outcome of outcomes) {
    const customerId = customerOf.get(outcome.audienceId);
    if (customerId === undefined) continue;
    const common = {
      organizationId: run.organizationId,
      campaignId: run.campaignId,
      campaignRunId: run.runId,
      customerId,
      channel: run.channel,
    };
    if (outcome.state === 'sent' && outcome.messageId !== null) {
      emit('message.sent', {
        ...common,
        messageId: outcome.messageId,
        providerMessageId: outcome.providerMessageId ?? null,
      });
    } else if (outcome.state === 'failed') {
      emit('message.failed', {
        ...common,
        messageId: outcome.messageId,
        reason: outcome.reason ?? 'failed',
      });
    }
  }
}
