/**
 * The provider conformance suite: one set of checks every email and SMS adapter (and core's
 * built-in outbox) must pass, run against the adapter's REAL SDK pointed at a local server
 * that speaks the provider's wire format. An adapter's test supplies a `ConformanceTarget`
 * whose rig can make the local server fail on demand; the suite does the rest:
 *
 * ```ts
 * describeProviderConformance({ name: 'sendgrid', channel: 'email', start: startSendGridRig });
 * ```
 *
 * What it checks, each as one test:
 * - `capabilities`: id, channel and capability flags are sane.
 * - `order`: one result per message, in order, `sent` with a provider message id, and our
 *   message id reached the provider (`accepted()` lists it once; in any order, since SMTP
 *   delivers a batch over parallel connections).
 * - `full-batch`: a batch of exactly `maxBatch` (at most 1,000) goes out in one call.
 * - `over-batch`: `maxBatch + 1` messages are refused as a whole or each handled exactly
 *   once: never partly sent. (The dispatcher never sends more; this guards direct callers.)
 * - `transient`: a provider 5xx comes back as a transient failure (thrown `ProviderError` or
 *   a `failed` result per message), nothing is accepted, and the next call goes through.
 *   The 5xx, 429 and rejection checks send ONE message, so "the next call fails" means the
 *   same for a batch API and for SMTP, where each message is its own transaction.
 * - `rate_limited`: a 429 with `Retry-After: 2` comes back as transient, `not_sent`, with
 *   `retryAfterMs: 2000`. The adapter must not wait and retry inside `send`: the dispatcher
 *   owns retries (an adapter that retries inside `send` fails this and `transient`).
 * - `permanent`: a rejected recipient is a `permanent` failure and is not accepted.
 * - `accept_then_timeout`: the provider took the batch but the answer came too late: `send`
 *   throws `ProviderError` with outcome `unknown`. When `capabilities.idempotent`, resending
 *   the same messages must leave each id accepted exactly once.
 *
 * The interface below is shared with the adapter engineers (issue 11, item 7): the four
 * original members of `ConformanceRig` and the three of `ConformanceTarget` are fixed; what
 * was added since is optional.
 */
import {
  type EmailMessage,
  type EmailProvider,
  ProviderError,
  type SendContext,
  type SendResult,
  type SmsMessage,
  type SmsProvider,
} from '@greentrack/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

export type Fault =
  | 'transient' // provider answers its 5xx / 503 for the whole call
  | 'rate_limited' // provider answers 429 with Retry-After: 2
  | 'permanent' // provider rejects the recipient (its per-recipient 4xx / error code)
  | 'accept_then_timeout'; // provider accepts (records the send) but the answer never comes in time

/** Every fault, in the order the suite checks them. */
export const FAULTS: readonly Fault[] = [
  'transient',
  'rate_limited',
  'permanent',
  'accept_then_timeout',
];

export interface ConformanceRig<P extends EmailProvider | SmsProvider> {
  /** Pointed at the local server; per-call timeout short (≤ 500 ms) for accept_then_timeout. */
  provider: P;
  /** The next `count` (default 1) provider calls fail so. */
  failNext(fault: Fault, count?: number): void;
  /** Our messageIds the local server accepted for delivery, with repeats, in order. */
  accepted(): string[];
  close(): Promise<void>;
  /**
   * The context of every `send` (added: the outbox writes rows of a real organization).
   * @default { organizationId: CONFORMANCE_ORGANIZATION_ID, campaignId, campaignRunId } (fixed test ids)
   */
  context?: SendContext;
}

export interface ConformanceTarget<P extends EmailProvider | SmsProvider> {
  name: string;
  channel: P['channel'];
  start(): Promise<ConformanceRig<P>>;
  /**
   * Faults that cannot honestly be produced for this target, each with the reason (added).
   * The suite runs no check for them and instead asserts every reason is written out, so a
   * gap is visible in the test names rather than a silent pass.
   * @default {} (every fault applies)
   */
  unsupportedFaults?: Partial<Record<Fault, string>>;
  /**
   * Why this provider's rate-limit answer carries no wait time (added), e.g. SMTP's
   * `451 4.7.1` has no Retry-After. When set, `rate_limited` still requires a transient,
   * `not_sent` failure but not `retryAfterMs: 2000`.
   * @default undefined (the 429's `Retry-After: 2` must arrive as `retryAfterMs: 2000`)
   */
  noRetryAfter?: string;
  /**
   * Message `index` of the run, for a provider that needs particular addresses (added).
   * @default `r<index>@conformance.example` from `sender@conformance.example`; SMS to `+1415555<1000+index>`
   */
  message?(index: number, messageId: string): MessageOf<P>;
}

/** The message type of a provider. */
export type MessageOf<P extends EmailProvider | SmsProvider> = P extends EmailProvider
  ? EmailMessage
  : SmsMessage;

/** The organization of the default send context (a fixed UUID; no such row exists). */
export const CONFORMANCE_ORGANIZATION_ID = '0c0f0a11-0000-4000-8000-00000000c0de';

type AnyProvider = EmailProvider | SmsProvider;
type AnyMessage = EmailMessage | SmsMessage;

/** One check of the suite; `run` throws (a vitest assertion) when the target fails it. */
export interface ConformanceCheck {
  id: 'capabilities' | 'order' | 'full-batch' | 'over-batch' | Fault;
  title: string;
  /** The fault the check needs; skipped for targets that declare it unsupported. */
  fault?: Fault;
  run(rig: ConformanceRig<AnyProvider>, target: ConformanceTarget<AnyProvider>): Promise<void>;
}

let sequence = 0;

/** `count` fresh messages of the target's channel, each with a new UUID as our id. */
function messages(target: ConformanceTarget<AnyProvider>, count: number): AnyMessage[] {
  return Array.from({ length: count }, () => {
    const index = ++sequence;
    const messageId = crypto.randomUUID();
    if (target.message) return target.message(index, messageId);
    if (target.channel === 'sms')
      return {
        messageId,
        to: `+1415555${1000 + (index % 9000)}`,
        body: `Conformance ${index}`,
        headers: {},
      };
    return {
      messageId,
      to: { email: `r${index}@conformance.example`, name: `Recipient ${index}` },
      from: { email: 'sender@conformance.example', name: 'GreenTrack' },
      subject: `Conformance ${index}`,
      html: `<p>Hello ${index}</p>`,
      text: `Hello ${index}`,
      headers: { 'List-Unsubscribe': `<https://conformance.example/u/${index}>` },
    };
  });
}

const defaultContext: SendContext = {
  organizationId: CONFORMANCE_ORGANIZATION_ID,
  campaignId: '0c0f0a11-0000-4000-8000-0000000000ca',
  campaignRunId: '0c0f0a11-0000-4000-8000-0000000000ab',
};

/** `send` of either channel (the union's parameter types do not intersect). */
function send(rig: ConformanceRig<AnyProvider>, batch: AnyMessage[]): Promise<SendResult[]> {
  const provider = rig.provider as {
    send(messages: readonly AnyMessage[], context: SendContext): Promise<SendResult[]>;
  };
  return provider.send(batch, rig.context ?? defaultContext);
}

/** What a call ended with: its results, or what it threw. */
async function attempt(
  rig: ConformanceRig<AnyProvider>,
  batch: AnyMessage[],
): Promise<{ results: SendResult[] } | { error: unknown }> {
  try {
    return { results: await send(rig, batch) };
  } catch (error) {
    return { error };
  }
}

const idsOf = (batch: readonly AnyMessage[]) => batch.map((m) => m.messageId);

/**
 * Ids accepted since `mark` (a length of `accepted()` taken earlier), sorted: a provider may
 * take a batch's messages in any order (SMTP delivers them over parallel pooled
 * connections); the order that matters is that of `send`'s results.
 */
const acceptedSince = (rig: ConformanceRig<AnyProvider>, mark: number) =>
  rig.accepted().slice(mark).sort();

/** `batch`'s ids, sorted, to compare with `acceptedSince`. */
const sortedIds = (batch: readonly AnyMessage[]) => idsOf(batch).sort();

/** Asserts a normal send of `batch` succeeds: one `sent` result per message, in order. */
async function expectSent(rig: ConformanceRig<AnyProvider>, batch: AnyMessage[]): Promise<void> {
  const results = await send(rig, batch);
  expect(
    results.map((r) => r.messageId),
    'one result per message, in the order given',
  ).toEqual(idsOf(batch));
  for (const result of results) {
    expect(result, `message ${result.messageId} is sent`).toMatchObject({ status: 'sent' });
    if (result.status === 'sent') {
      expect(typeof result.providerMessageId, 'providerMessageId is returned').toBe('string');
      expect(
        result.providerMessageId?.length ?? 0,
        'providerMessageId is not empty',
      ).toBeGreaterThan(0);
    }
  }
}

/** Asserts a call failed as a whole or per message with `kind`; returns how it failed. */
function expectFailed(
  outcome: { results: SendResult[] } | { error: unknown },
  batch: readonly AnyMessage[],
  kind: 'transient' | 'permanent',
): { thrown?: ProviderError; failures?: Extract<SendResult, { status: 'failed' }>['failure'][] } {
  if ('error' in outcome) {
    expect(outcome.error, 'a whole-call failure is a ProviderError').toBeInstanceOf(ProviderError);
    const error = outcome.error as ProviderError;
    expect(error.kind, `the call's failure is ${kind}`).toBe(kind);
    expect(typeof error.code === 'string' && error.code.length > 0, 'it has a code').toBe(true);
    return { thrown: error };
  }
  expect(
    outcome.results.map((r) => r.messageId),
    'one result per message, in the order given',
  ).toEqual(idsOf(batch));
  const failures = outcome.results.map((result) => {
    expect(result.status, `message ${result.messageId} is not sent`).toBe('failed');
    if (result.status !== 'failed') throw new Error('unreachable');
    expect(result.failure.kind, `message ${result.messageId} fails ${kind}`).toBe(kind);
    expect(result.failure.code.length, 'the failure has a code').toBeGreaterThan(0);
    return result.failure;
  });
  return { failures };
}

const small = (rig: ConformanceRig<AnyProvider>, n: number) =>
  Math.min(n, rig.provider.capabilities.maxBatch);

/** Sends `size` fresh messages with `fault` armed for the call; `mark` is accepted() before it. */
async function sendWithFault(
  rig: ConformanceRig<AnyProvider>,
  target: ConformanceTarget<AnyProvider>,
  fault: Fault,
  size: number,
) {
  const batch = messages(target, small(rig, size));
  const mark = rig.accepted().length;
  rig.failNext(fault);
  return { batch, mark, outcome: await attempt(rig, batch) };
}

/** The checks, in the order they run. Exported so a test can prove each one can fail. */
export const conformanceChecks: readonly ConformanceCheck[] = [
  {
    id: 'capabilities',
    title: 'declares a stable id, its channel and sane capability flags',
    run: async (rig, target) => {
      const { provider } = rig;
      expect(typeof provider.id === 'string' && provider.id.length > 0, 'id').toBe(true);
      expect(provider.channel).toBe(target.channel);
      const caps = provider.capabilities;
      expect(Number.isInteger(caps.maxBatch) && caps.maxBatch >= 1, 'maxBatch ≥ 1').toBe(true);
      expect(typeof caps.idempotent, 'idempotent is a boolean').toBe('boolean');
      expect(caps.ratePerSecond > 0, 'ratePerSecond > 0 (Infinity when unlimited)').toBe(true);
    },
  },
  {
    id: 'order',
    title: 'returns one sent result per message in order, and our message ids reach the provider',
    run: async (rig, target) => {
      for (const size of [small(rig, 3), 1]) {
        const batch = messages(target, size);
        const mark = rig.accepted().length;
        await expectSent(rig, batch);
        expect(acceptedSince(rig, mark), 'accepted() lists each of our ids once').toEqual(
          sortedIds(batch),
        );
      }
    },
  },
  {
    id: 'full-batch',
    title: 'sends a batch of exactly maxBatch messages (at most 1,000) in one call',
    run: async (rig, target) => {
      const batch = messages(target, small(rig, 1000));
      const mark = rig.accepted().length;
      await expectSent(rig, batch);
      expect(acceptedSince(rig, mark), 'each message accepted once').toEqual(sortedIds(batch));
    },
  },
  {
    id: 'over-batch',
    title: 'never sends part of a batch larger than maxBatch: refused whole, or each sent once',
    run: async (rig, target) => {
      const max = rig.provider.capabilities.maxBatch;
      // Past 1,000 the check costs more than it proves (no provider batch is larger): a
      // maxBatch above it is checked with 1,001 messages, which the provider must take.
      const batch = messages(target, Math.min(max, 1000) + 1);
      const mark = rig.accepted().length;
      const outcome = await attempt(rig, batch);
      const accepted = acceptedSince(rig, mark);
      if ('error' in outcome) {
        expect(accepted, 'a refused batch sends nothing').toEqual([]);
        return;
      }
      expect(
        outcome.results.map((r) => r.messageId),
        'one result per message, in the order given',
      ).toEqual(idsOf(batch));
      expect(
        outcome.results.every((r) => r.status === 'sent'),
        'every message sent',
      ).toBe(true);
      expect(accepted, 'each message accepted exactly once').toEqual(sortedIds(batch));
    },
  },
  {
    id: 'transient',
    fault: 'transient',
    title: 'maps a provider 5xx to a transient failure, accepts nothing, and recovers',
    run: async (rig, target) => {
      const { batch, mark, outcome } = await sendWithFault(rig, target, 'transient', 1);
      expectFailed(outcome, batch, 'transient');
      expect(acceptedSince(rig, mark), 'a 5xx accepted nothing').toEqual([]);
      // The fault was one call: the same messages go through now, each once.
      await expectSent(rig, batch);
      expect(acceptedSince(rig, mark), 'each message accepted once').toEqual(sortedIds(batch));
    },
  },
  {
    id: 'rate_limited',
    fault: 'rate_limited',
    title: 'maps a 429 to a transient, not_sent failure with retryAfterMs from Retry-After',
    run: async (rig, target) => {
      const { batch, mark, outcome } = await sendWithFault(rig, target, 'rate_limited', 1);
      const { thrown, failures } = expectFailed(outcome, batch, 'transient');
      // `unknown` would make the dispatcher hold the batch for review: a 429 sent nothing.
      if (thrown) expect(thrown.outcome, 'a 429 is not_sent').toBe('not_sent');
      if (target.noRetryAfter === undefined) {
        const waits = thrown ? [thrown.retryAfterMs] : (failures ?? []).map((f) => f.retryAfterMs);
        for (const wait of waits) expect(wait, 'retryAfterMs from Retry-After: 2').toBe(2000);
      } else
        expect(target.noRetryAfter.trim().length, 'noRetryAfter gives a reason').toBeGreaterThan(
          10,
        );
      expect(acceptedSince(rig, mark)).toEqual([]);
      await expectSent(rig, batch);
    },
  },
  {
    id: 'permanent',
    fault: 'permanent',
    title: 'maps a rejected recipient to a permanent failure, not accepted',
    run: async (rig, target) => {
      const { batch, mark, outcome } = await sendWithFault(rig, target, 'permanent', 1);
      const { thrown, failures } = expectFailed(outcome, batch, 'permanent');
      if (thrown) expect(thrown.outcome, 'a rejection is not_sent').toBe('not_sent');
      for (const failure of failures ?? [])
        expect(failure.message.length, 'the failure carries the provider text').toBeGreaterThan(0);
      expect(acceptedSince(rig, mark)).toEqual([]);
    },
  },
  {
    id: 'accept_then_timeout',
    fault: 'accept_then_timeout',
    title:
      'a batch accepted but answered too late: unknown outcome; no duplicate on retry when idempotent',
    run: async (rig, target) => {
      const { batch, mark, outcome } = await sendWithFault(rig, target, 'accept_then_timeout', 2);
      expect('error' in outcome, 'the call throws (its answer never came)').toBe(true);
      if (!('error' in outcome)) return;
      expect(outcome.error).toBeInstanceOf(ProviderError);
      expect((outcome.error as ProviderError).outcome, 'the provider may have sent it').toBe(
        'unknown',
      );
      expect(acceptedSince(rig, mark), 'the provider accepted the batch').toEqual(sortedIds(batch));
      // Only an idempotent provider may be retried; the dispatcher holds the rest for review.
      if (!rig.provider.capabilities.idempotent) return;
      await expectSent(rig, batch);
      expect(
        acceptedSince(rig, mark),
        'idempotent: a retry after the timeout accepted each message once',
      ).toEqual(sortedIds(batch));
    },
  },
];

/** A check's longest run: accept_then_timeout waits out the rig's timeout; full batches take a while on a busy machine. */
const CHECK_TIMEOUT_MS = 30_000;

/**
 * Registers the suite for `target` as one vitest `describe`: one rig for all checks (started
 * in `beforeAll`), one test per check.
 */
export function describeProviderConformance<P extends EmailProvider | SmsProvider>(
  target: ConformanceTarget<P>,
): void {
  const anyTarget = target as unknown as ConformanceTarget<AnyProvider>;
  const unsupported = Object.entries(target.unsupportedFaults ?? {}) as [Fault, string][];
  describe(`provider conformance: ${target.name}`, () => {
    let rig: ConformanceRig<AnyProvider> | undefined;
    beforeAll(async () => {
      rig = (await target.start()) as ConformanceRig<AnyProvider>;
    }, CHECK_TIMEOUT_MS);
    afterAll(async () => {
      await rig?.close();
    });
    for (const check of conformanceChecks) {
      if (check.fault && target.unsupportedFaults?.[check.fault] !== undefined) continue;
      it(
        check.title,
        async () => {
          if (!rig) throw new Error(`${target.name}: the rig did not start`);
          await check.run(rig, anyTarget);
        },
        CHECK_TIMEOUT_MS,
      );
    }
    if (unsupported.length > 0)
      it(`declares why ${unsupported.map(([f]) => f).join(', ')} do not apply`, () => {
        for (const [fault, reason] of unsupported) {
          expect(FAULTS, `${fault} is a known fault`).toContain(fault);
          expect(reason.trim().length, `${fault}: the reason is written out`).toBeGreaterThan(20);
        }
      });
  });
}
