import { ProviderError, type SendResult } from '@greentrack/core';
import type { RequestOutcome } from './errors.js';

/**
 * Turns the per-request outcomes of one batch into what `send` answers.
 *
 * - Nothing went out and every message met the same batch-wide failure (bad key, 429,
 *   SendGrid down, connection refused): the call failed as a whole → `ProviderError`
 *   (`not_sent`), which is what failover and the dispatcher's backoff act on.
 * - Every request may or may not have been accepted (all timed out) → `ProviderError`
 *   (`unknown`).
 * - Otherwise one result per message, in order — except a message whose own request may
 *   have been accepted without us hearing so: it is left out, and the dispatcher counts a
 *   missing result as an unknown outcome (held, never resent blindly). Reporting it `sent`
 *   or `failed` would be a guess; failing the whole batch as `unknown` would hold the
 *   messages we know went out.
 */
export function settleBatch(
  messageIds: readonly string[],
  outcomes: readonly RequestOutcome[],
): SendResult[] {
  const failures = outcomes.filter((o) => o.status === 'failed');
  const [first] = failures;
  if (
    first !== undefined &&
    failures.length === outcomes.length &&
    failures.every((o) => o.scope === 'call' && o.failure.code === first.failure.code)
  ) {
    throw new ProviderError({ ...first.failure, outcome: 'not_sent' });
  }
  const unknown = outcomes.filter((o) => o.status === 'unknown');
  if (unknown.length > 0 && unknown.length === outcomes.length) {
    const cause = unknown[0]?.error;
    throw new ProviderError({
      kind: 'transient',
      outcome: 'unknown',
      code: 'NO_ANSWER',
      message: `SendGrid did not answer: ${cause instanceof Error ? cause.message : String(cause)}`,
      cause,
    });
  }
  return messageIds.flatMap((messageId, k): SendResult[] => {
    const outcome = outcomes[k];
    if (outcome === undefined || outcome.status === 'unknown') return [];
    return outcome.status === 'sent'
      ? [{ messageId, status: 'sent', providerMessageId: outcome.providerMessageId }]
      : [{ messageId, status: 'failed', failure: outcome.failure }];
  });
}
