/**
 * The faults a conformance rig has armed, one per coming `send` call. A "call" is one
 * `send` of the adapter, whatever number of HTTP requests it makes (SendGrid: one per
 * message): the fault holds for every request of that call, as "the provider answers 5xx
 * for the whole call" means.
 */
import type { EmailProvider, SendContext, SendResult } from '@greentrack/core';
import type { Fault } from './conformance-types.js';

/** How long the local server sits on an accepted request for `accept_then_timeout`. */
export const LATE_ANSWER_MS = 1_000;
/** The rigs' per-call timeout: well under {@link LATE_ANSWER_MS}, at most 500 ms. */
export const RIG_TIMEOUT_MS = 300;

export interface FaultPlan {
  /** Arms `fault` for the next `count` calls. */
  failNext(fault: Fault, count?: number): void;
  /** The fault of the call under way, if any. */
  current(): Fault | undefined;
  /** `provider` whose every `send` is one call of the plan. */
  delimit(provider: EmailProvider): EmailProvider;
}

export function faultPlan(): FaultPlan {
  const queue: Fault[] = [];
  let current: Fault | undefined;
  return {
    failNext(fault, count = 1) {
      for (let i = 0; i < count; i++) queue.push(fault);
    },
    current: () => current,
    delimit: (provider) => ({
      ...provider,
      async send(messages, context: SendContext): Promise<SendResult[]> {
        current = queue.shift();
        try {
          return await provider.send(messages, context);
        } finally {
          current = undefined;
        }
      },
    }),
  };
}

/** Waits `ms` (the local server's late answer). */
export const lateAnswer = () => new Promise((resolve) => setTimeout(resolve, LATE_ANSWER_MS));
