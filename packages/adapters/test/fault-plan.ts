/**
 * The faults a conformance rig has armed, one per coming `send` call. A "call" is one
 * `send` of the adapter, whatever number of HTTP requests it makes (SendGrid: one per
 * message): the fault holds for every request of that call, as "the provider answers 5xx
 * for the whole call" means.
 */
import type { EmailProvider, SendContext, SendResult } from '@greentrack/core';
import { type LocalResponse, type RecordedRequest, startLocalServer } from './local-server.js';
import type { ConformanceRig, Fault } from './provider-conformance.js';

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

/** Waits {@link LATE_ANSWER_MS} (the local server's late answer). */
const lateAnswer = () => new Promise((resolve) => setTimeout(resolve, LATE_ANSWER_MS));

/** What a rig says about its provider: how it fails, and what it counts as accepted. */
export interface RigSpec {
  /** The answer for a request of a call with `fault` armed (`accept_then_timeout` excepted). */
  faulty(fault: Exclude<Fault, 'accept_then_timeout'>, request: RecordedRequest): LocalResponse;
  /** The provider's normal answer. */
  answer(request: RecordedRequest): LocalResponse;
  /** Our message ids that `response` accepted for delivery, in order. */
  acceptedBy(request: RecordedRequest, response: LocalResponse): string[];
  /** The adapter, pointed at `url`, with the rig's short timeout. */
  provider(url: string): EmailProvider;
}

/** Starts the local server and the adapter of `spec` as a conformance rig. */
export async function startRig(spec: RigSpec): Promise<ConformanceRig<EmailProvider>> {
  const plan = faultPlan();
  const accepted: string[] = [];
  const server = await startLocalServer(async (request) => {
    const fault = plan.current();
    if (fault !== undefined && fault !== 'accept_then_timeout') return spec.faulty(fault, request);
    const response = spec.answer(request);
    accepted.push(...spec.acceptedBy(request, response));
    if (fault === 'accept_then_timeout') await lateAnswer();
    return response;
  });
  return {
    provider: plan.delimit(spec.provider(server.url)),
    failNext: plan.failNext,
    accepted: () => [...accepted],
    close: () => server.close(),
  };
}
