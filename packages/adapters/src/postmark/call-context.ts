import { AsyncLocalStorage } from 'node:async_hooks';
import type { ServerClient } from 'postmark';

/**
 * What the SDK does not tell: the HTTP answer's headers (`Retry-After`) and the raw network
 * error (it keeps only the message, so a refused connection and a timeout look alike).
 * The client's `fetch` is wrapped once; each `send` runs in its own slot, so concurrent
 * calls through one client do not mix.
 */
export interface CallSlot {
  /** The call's abort signal, merged into the request's own (the SDK's timeout). */
  signal: AbortSignal | undefined;
  response?: Response;
  networkError?: unknown;
}

type Fetch = NonNullable<ReturnType<ServerClient['getClientOptions']>['fetch']>;

/** Wraps `client`'s fetch; returns `run(slot, call)`, which runs `call` in `slot`. */
export function instrumentClient(
  client: ServerClient,
): <T>(slot: CallSlot, call: () => Promise<T>) => Promise<T> {
  const slots = new AsyncLocalStorage<CallSlot>();
  const options = client.getClientOptions();
  const inner: Fetch = options.fetch ?? ((input, init) => fetch(input, init));
  const wrapped: Fetch = async (input, init) => {
    const slot = slots.getStore();
    const signals = [init?.signal, slot?.signal].filter((s): s is AbortSignal => s != null);
    try {
      const response = await inner(input, {
        ...init,
        ...(signals.length > 0 ? { signal: AbortSignal.any(signals) } : {}),
      });
      if (slot) slot.response = response;
      return response;
    } catch (error) {
      if (slot) slot.networkError = error;
      throw error;
    }
  };
  client.setClientOptions({ ...options, fetch: wrapped });
  return (slot, call) => slots.run(slot, call);
}
