/**
 * The browser helper for analytics events: `track(name, properties)` queues an event with
 * the page's GA client id, UTM parameters, landing referrer and session id, and posts the
 * queue to `POST {apiBase}/events` in batches — after a short delay, at once when a batch
 * is full, and with `fetch(…, { keepalive: true })` when the page is hidden or unloaded.
 *
 * Not `navigator.sendBeacon`: a beacon cannot carry the `Authorization` header, and the
 * widget token is the request's only credential. A keepalive fetch can, and, like a beacon,
 * outlives the page (browsers cap keepalive bodies at 64 KiB, so the hide flush sends
 * chunks under that).
 *
 * Browser-safe: no Node imports; every page API is reached through `environment`, which
 * defaults to the page's own.
 */
import {
  currentVisit,
  gaClientIdFromCookie,
  type SessionStore,
  type Utm,
  type Visit,
} from './page-context.js';

/** An event as the tracker posts it (the `TrackEvent` of `POST /events`). */
interface QueuedEvent extends Utm {
  name: string;
  occurred_at: string;
  source: string;
  session_id: string;
  ga_client_id?: string;
  referrer?: string;
  properties?: Record<string, unknown>;
  customer_id?: string;
  email?: string;
}

/** An event target, as far as the tracker listens (the package compiles without DOM types). */
interface Listenable {
  addEventListener(type: string, listener: () => void): void;
  removeEventListener(type: string, listener: () => void): void;
}

/** The page APIs the tracker uses; each defaults to the browser's own. */
export interface TrackerEnvironment {
  /** `document.cookie` (for `_ga`), `referrer`, `visibilityState`, and its listeners. */
  document?: Listenable & { cookie: string; referrer: string; visibilityState: string };
  location?: { search: string; hostname: string };
  sessionStorage?: SessionStore;
  /** Where `pagehide` is heard (`window`). */
  window?: Listenable;
}

/** Options of {@link createEventTracker}. */
export interface EventTrackerOptions {
  /** Where the API is mounted, e.g. `https://shop.example/api/greentrack`. */
  apiBase: string;
  /**
   * A widget token whose scopes include `event.track`, or a function returning the current
   * one. A function may be async, but the flush on page hide cannot wait: it uses the last
   * token the function returned.
   * @example token: () => window.greentrackToken
   */
  token: string | (() => string | undefined | Promise<string | undefined>);
  /** A `fetch` to use instead of the global one. */
  fetch?: typeof fetch;
  /** How long the first queued event waits for others, in ms. @default 1000 */
  flushDelayMs?: number;
  /** Events per request (1–1000); a full queue is sent at once. @default 100 */
  maxBatch?: number;
  /** `events.source` of every event. @default 'web' */
  source?: string;
  /** Told about a batch the server refused (dropped: it would be refused again). */
  onError?: (error: unknown) => void;
  /** The page APIs (tests, or a non-browser runtime). @default the browser's */
  environment?: TrackerEnvironment;
}

/** Who an event is about, when the page knows (otherwise it stays anonymous). */
export interface TrackIdentity {
  customerId?: string;
  /** Links the organization's customer with this email, if there is one. */
  email?: string;
}

/** What {@link createEventTracker} returns. */
export interface EventTracker {
  /** Queues one event, stamped now. Never throws; sending failures go to `onError`. */
  track(name: string, properties?: Record<string, unknown>, who?: TrackIdentity): void;
  /** Sends everything queued now; resolves when every request has answered. */
  flush(): Promise<void>;
  /** Stops listening to the page and sends what is queued. */
  close(): Promise<void>;
  /** The visit the tracker stamps on events (session id, UTM, landing referrer). */
  readonly visit: Visit;
}

/** Largest keepalive body browsers allow in flight (Fetch standard: 64 KiB), with margin. */
const KEEPALIVE_BYTES = 60 * 1024;
/** Most events kept while the API cannot be reached; the oldest go first. */
const MAX_QUEUED = 1000;

/**
 * Creates a tracker for the page.
 * @example
 * const tracker = createEventTracker({ apiBase: '/api/greentrack', token: widgetToken });
 * tracker.track('booking_request', { service: 'haircut' });
 */
export function createEventTracker(options: EventTrackerOptions): EventTracker {
  const env = options.environment ?? (globalThis as unknown as TrackerEnvironment);
  const doc = env.document;
  const doFetch = options.fetch ?? ((...args: Parameters<typeof fetch>) => fetch(...args));
  const url = `${options.apiBase.replace(/\/+$/, '')}/events`;
  const delay = options.flushDelayMs ?? 1000;
  const maxBatch = Math.min(1000, Math.max(1, options.maxBatch ?? 100));
  const visit = currentVisit(env.sessionStorage, {
    search: env.location?.search ?? '',
    referrer: doc?.referrer ?? '',
    hostname: env.location?.hostname ?? '',
  });
  let queue: QueuedEvent[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  const inFlight = new Set<Promise<void>>();
  let lastToken = typeof options.token === 'string' ? options.token : undefined;

  const report = (error: unknown) => options.onError?.(error);

  async function tokenNow(): Promise<string | undefined> {
    if (typeof options.token === 'string') return options.token;
    lastToken = (await options.token()) ?? lastToken;
    return lastToken;
  }

  /** Posts one batch; a refused batch is dropped, an unreachable API's is queued again. */
  async function send(batch: QueuedEvent[], token: string | undefined, keepalive: boolean) {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    try {
      const response = await doFetch(url, {
        method: 'POST',
        headers,
        body: JSON.stringify({ events: batch }),
        keepalive,
      });
      if (response.ok) return;
      if (response.status >= 500 || response.status === 429)
        throw new Error(`HTTP ${response.status}`);
      report(new Error(`GreenTrack refused ${batch.length} event(s): HTTP ${response.status}`));
    } catch (error) {
      // Kept for the next flush, oldest dropped first past the cap.
      queue = [...batch, ...queue].slice(-MAX_QUEUED);
      report(error);
    }
  }

  function start(work: Promise<void>) {
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work));
  }

  /** Sends the queue in batches of `maxBatch` (and under 64 KiB each when `keepalive`). */
  function drain(keepalive: boolean) {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    while (queue.length > 0) {
      let batch = queue.slice(0, maxBatch);
      if (keepalive) {
        while (batch.length > 1 && JSON.stringify({ events: batch }).length > KEEPALIVE_BYTES)
          batch = batch.slice(0, Math.ceil(batch.length / 2));
      }
      queue = queue.slice(batch.length);
      const taken = batch;
      // On page hide there is no time to await a token: the last one is used.
      start(
        keepalive && typeof options.token !== 'string'
          ? send(taken, lastToken, true)
          : tokenNow().then((token) => send(taken, token, keepalive)),
      );
    }
  }

  const onHidden = () => {
    if (doc?.visibilityState === 'hidden') drain(true);
  };
  const onPageHide = () => drain(true);
  doc?.addEventListener('visibilitychange', onHidden);
  env.window?.addEventListener('pagehide', onPageHide);

  return {
    visit,
    track(name, properties, who) {
      const ga = doc ? gaClientIdFromCookie(doc.cookie) : null;
      queue.push({
        name,
        occurred_at: new Date().toISOString(),
        source: options.source ?? 'web',
        session_id: visit.session_id,
        ...visit.utm,
        ...(ga ? { ga_client_id: ga } : {}),
        ...(visit.referrer ? { referrer: visit.referrer.slice(0, 2048) } : {}),
        ...(properties ? { properties } : {}),
        ...(who?.customerId ? { customer_id: who.customerId } : {}),
        ...(who?.email && !who.customerId ? { email: who.email } : {}),
      });
      if (queue.length > MAX_QUEUED) queue = queue.slice(-MAX_QUEUED);
      if (queue.length >= maxBatch) drain(false);
      else if (timer === undefined) timer = setTimeout(() => drain(false), delay);
    },
    async flush() {
      drain(false);
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
    async close() {
      doc?.removeEventListener('visibilitychange', onHidden);
      env.window?.removeEventListener('pagehide', onPageHide);
      await this.flush();
    },
  };
}
