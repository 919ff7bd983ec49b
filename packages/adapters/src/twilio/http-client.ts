/**
 * The HTTP client the adapter gives a Twilio client it builds. Twilio's SDK throws a
 * `RestException` without the response headers, but a 429's `Retry-After` is needed; this
 * subclass of the SDK's own `RequestClient` (axios, keep-alive agent, Basic auth untouched)
 * leaves each response's headers where the call that caused it can read them.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import twilio from 'twilio';

/** Filled with the response headers of the Twilio request made inside `withResponseHeaders`. */
interface HeaderSlot {
  headers?: Readonly<Record<string, unknown>>;
}

// Async context, not a field: several sends may be in flight on one client at once.
const slots = new AsyncLocalStorage<HeaderSlot>();

/** Runs `call` and returns its outcome with the headers of the last response it received. */
export async function withResponseHeaders<T>(
  call: () => Promise<T>,
): Promise<{ outcome: PromiseSettledResult<T>; headers: HeaderSlot['headers'] }> {
  const slot: HeaderSlot = {};
  const outcome = await slots.run(slot, async () => {
    try {
      return { status: 'fulfilled', value: await call() } as const;
    } catch (reason) {
      return { status: 'rejected', reason } as const;
    }
  });
  return { outcome, headers: slot.headers };
}

type RequestOptions<TData> = Parameters<twilio.RequestClient['request']>[0] & { data?: TData };

/**
 * `RequestClient` that records response headers and can send to another origin than
 * `https://api.twilio.com` (a Twilio-compatible proxy, or a local server in tests).
 */
export class HeaderRecordingClient extends twilio.RequestClient {
  readonly #origin: string | undefined;

  constructor(options: { timeoutMs: number; origin?: string | undefined }) {
    super({ timeout: options.timeoutMs, keepAlive: true });
    this.#origin = options.origin?.replace(/\/+$/, '');
  }

  override async request<TData>(options: RequestOptions<TData>) {
    const uri = this.#origin === undefined ? options.uri : rebase(options.uri, this.#origin);
    const response = await super.request<TData>({ ...options, uri });
    const slot = slots.getStore();
    if (slot) slot.headers = response.headers as Record<string, unknown>;
    return response;
  }
}

/** `https://api.twilio.com/2010-04-01/…` → `<origin>/2010-04-01/…` */
function rebase(uri: string, origin: string): string {
  const url = new URL(uri);
  return `${origin}${url.pathname}${url.search}`;
}
