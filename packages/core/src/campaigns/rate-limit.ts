/**
 * The per-provider rate limit: `capabilities.ratePerSecond` held across batches, runs and
 * ticks of this process, with p-throttle's weighted sliding window (a batch of n messages
 * weighs n).
 *
 * The dispatcher waits for a batch's allowance BEFORE it claims the batch, never between
 * hand-off and the provider call: a worker killed while it waits holds nothing, and no
 * message sits `handed` (outcome unknown after a crash) because of the limit. A batch is
 * therefore at most one second's allowance, and at most half a lease of it, so a slow
 * provider cannot outlive the lease of what it is sending.
 *
 * The limit is per worker process: N processes may send N times the rate. Hosts that run
 * several workers against one rate-limited account give each a share (decision 100).
 */
import pThrottle from 'p-throttle';

/** How a provider's sends are paced. */
export interface ProviderPace {
  /** The most messages one batch may hold. */
  readonly batch: number;
  /** Resolves once `messages` more may be sent without passing the provider's rate. */
  wait(messages: number): Promise<void>;
}

const unlimited: ProviderPace = { batch: Number.POSITIVE_INFINITY, wait: async () => {} };

/**
 * One pace per provider instance, so every run and tick of this process shares it. Keyed
 * weakly by the provider: it lives exactly as long as the provider it paces.
 */
const paces = new WeakMap<object, ProviderPace>();

function createPace(ratePerSecond: number, leaseMs: number): ProviderPace {
  // A window of one second (longer below 1/s), whose allowance is a whole number.
  const interval = ratePerSecond >= 1 ? 1000 : Math.ceil(1000 / ratePerSecond);
  const limit = Math.max(1, Math.floor((ratePerSecond * interval) / 1000));
  const throttled = pThrottle({ limit, interval, weight: (messages: number) => messages })(
    (_messages: number) => undefined,
  );
  const halfLease = Math.floor((ratePerSecond * leaseMs) / 2000);
  return {
    batch: Math.max(1, Math.min(limit, halfLease)),
    wait: async (messages) => {
      await throttled(Math.min(messages, limit));
    },
  };
}

/** The pace of `provider`: unlimited when its rate is infinite. */
export function providerPace(
  provider: { capabilities: { ratePerSecond: number } },
  leaseMs: number,
): ProviderPace {
  const rate = provider.capabilities.ratePerSecond;
  if (!Number.isFinite(rate)) return unlimited;
  let pace = paces.get(provider);
  if (!pace) {
    pace = createPace(rate, leaseMs);
    paces.set(provider, pace);
  }
  return pace;
}
