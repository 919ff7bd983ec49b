/**
 * One circuit breaker per provider (cockatiel's `ConsecutiveBreaker`): after
 * `consecutiveFailures` calls in a row that show the provider out of service, calls to it
 * stop for `coolDownMs`; then ONE call probes it (half-open): a success closes the breaker,
 * a failure opens it for another cool-down.
 *
 * What counts as a failure: a call that gave no results because of the provider — a
 * transient `ProviderError` (a 503, a 429, a connection refused) whatever its outcome, a
 * timeout, or an error the adapter did not classify. A permanent `ProviderError` (a request
 * the provider refused: a bad payload, bad credentials) says nothing about availability and
 * does not count; per-message failures in a call's results never do (the call worked).
 *
 * Breakers are per process and per provider instance, kept beside the provider (a WeakMap,
 * as its rate limit is): every run and tick of the process shares them, and N worker
 * processes each learn of an outage by their own failures. The settings and clock of the
 * first dispatch that uses a provider are the ones its breaker keeps.
 *
 * Time comes from the instance clock, not from cockatiel's `Date.now()`: the cool-down is
 * given to cockatiel as a backoff whose duration is "nothing left" once the clock has moved
 * `coolDownMs` past the opening, and "forever" before. Cockatiel still decides every state
 * change (closed → open → half-open probe → closed or open again); tests move the clock.
 */
import {
  BrokenCircuitError,
  CircuitState,
  ConsecutiveBreaker,
  circuitBreaker,
  handleWhen,
  type IBackoff,
  type IBackoffFactory,
} from 'cockatiel';
import type { Clock } from '../clock.js';
import { ProviderError } from '../providers/messaging.js';

/** When a provider's breaker opens, and for how long. */
export interface BreakerOptions {
  /**
   * Calls in a row that must fail (transient errors, timeouts) before the provider is
   * skipped. @default 5
   */
  consecutiveFailures?: number;
  /** How long an opened breaker skips its provider before one probe call. @default 30000 */
  coolDownMs?: number;
}

const BREAKER_DEFAULTS = { consecutiveFailures: 5, coolDownMs: 30_000 } as const;

/** What one call through a breaker came to. */
type BreakerCall<T> =
  | { status: 'done'; value: T }
  | { status: 'failed'; error: unknown }
  /** The breaker is open: no call was made. */
  | { status: 'open' };

/** A state change the call caused, for the caller to report. */
type BreakerTransition = 'opened' | 'recovered' | null;

/** A provider's breaker. */
export interface ProviderBreaker {
  /** True when a call may go through now: closed, probing, or open past its cool-down. */
  admits(): boolean;
  /** When an open breaker lets a probe through; `null` unless open. */
  probeAt(): Date | null;
  /** Runs `fn` through the breaker. */
  call<T>(fn: () => Promise<T>): Promise<{ result: BreakerCall<T>; transition: BreakerTransition }>;
}

/** True for what shows the provider out of service (see the module comment). */
const isOutage = (error: unknown): boolean =>
  !(error instanceof ProviderError && error.kind === 'permanent');

function createBreaker(clock: Clock, options: Required<BreakerOptions>): ProviderBreaker {
  let openedAt = 0;
  const coolingUntil = () => openedAt + options.coolDownMs;
  // The cool-down as a cockatiel backoff read against the instance clock. `next` runs as the
  // breaker opens (first time or after a failed probe); `duration` is read at each call.
  const coolDown = (): IBackoffFactory<unknown> => ({
    next: (): IBackoff<unknown> => {
      openedAt = clock.now().getTime();
      return {
        get duration() {
          return clock.now().getTime() >= coolingUntil()
            ? Number.NEGATIVE_INFINITY
            : Number.POSITIVE_INFINITY;
        },
        next: coolDown().next,
      };
    },
  });
  const policy = circuitBreaker(handleWhen(isOutage), {
    halfOpenAfter: coolDown(),
    breaker: new ConsecutiveBreaker(options.consecutiveFailures),
  });
  return {
    admits: () => policy.state !== CircuitState.Open || clock.now().getTime() >= coolingUntil(),
    probeAt: () => (policy.state === CircuitState.Open ? new Date(coolingUntil()) : null),
    async call(fn) {
      const before = policy.state;
      let result: BreakerCall<Awaited<ReturnType<typeof fn>>>;
      try {
        result = { status: 'done', value: await policy.execute(fn) };
      } catch (error) {
        result =
          error instanceof BrokenCircuitError ? { status: 'open' } : { status: 'failed', error };
      }
      const after = policy.state;
      // A re-opening after a failed probe is the same outage, not a new failover.
      const transition: BreakerTransition =
        after === CircuitState.Open && before === CircuitState.Closed
          ? 'opened'
          : after === CircuitState.Closed && before !== CircuitState.Closed
            ? 'recovered'
            : null;
      return { result, transition };
    },
  };
}

const breakers = new WeakMap<object, ProviderBreaker>();

/** The breaker of `provider` in this process, created on first use. */
export function providerBreaker(
  provider: object,
  clock: Clock,
  options: BreakerOptions = {},
): ProviderBreaker {
  let breaker = breakers.get(provider);
  if (!breaker) {
    breaker = createBreaker(clock, { ...BREAKER_DEFAULTS, ...options });
    breakers.set(provider, breaker);
  }
  return breaker;
}
