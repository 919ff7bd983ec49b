import type { PropertyValues } from 'lit';
import { property } from 'lit/decorators.js';
import {
  type GtErrorDetail,
  type GtTokenExpiredDetail,
  isAbort,
  isUnauthenticated,
  toErrorDetail,
} from '../base/events.js';
import { errorMessages, type GtMessages } from '../base/messages.js';
import { createRequest, type Request } from './client.js';
import { GreenTrackElement } from './greentrack-element.js';

/**
 * Base class of the widgets that call the API. Internal: not exported from the package.
 *
 * Connection: `api-base` and `token` on the element win over a surrounding `<gt-provider>`.
 * Calls go through `callApi`, which takes the task's `AbortSignal` (a newer request aborts
 * the older one), turns a 401 into one `gt-token-expired` and retries once with the token
 * the host sets in response, and leaves `gt-error` to `fail`.
 */
export class GreenTrackApiElement extends GreenTrackElement {
  /**
   * Where the GreenTrack API is mounted, e.g. `https://shop.example/api/greentrack`. Falls
   * back to the surrounding `<gt-provider>`'s.
   * @default undefined
   */
  @property({ attribute: 'api-base' }) apiBase: string | undefined = undefined;

  /**
   * A widget token (`gt.tokens.issue(...)` on the host's server), sent as a Bearer token.
   * Falls back to the surrounding `<gt-provider>`'s. Answer `gt-token-expired` by setting a
   * fresh one here or on the provider.
   * @default undefined
   */
  @property() token: string | undefined = undefined;

  /**
   * How long to wait for a fresh token after `gt-token-expired`, in milliseconds, before the
   * call fails with `UNAUTHENTICATED`.
   * @default 10000
   */
  @property({ type: Number, attribute: 'token-refresh-timeout' }) tokenRefreshTimeout = 10_000;

  /** The strings in use; a widget adds its own section to `errors`. */
  protected get text(): Pick<GtMessages, 'errors'> {
    return this.resolveText({ errors: errorMessages });
  }

  /** The API base in use: the element's own, else the provider's. */
  protected get effectiveApiBase(): string {
    return this.apiBase || this.provided?.apiBase || '';
  }

  /** The token in use: the element's own, else the provider's. */
  protected get effectiveToken(): string | undefined {
    return this.token || this.provided?.token || undefined;
  }

  /** Resolves waiting refreshes when the token in use changes. */
  #tokenWaiters = new Set<() => void>();
  /** The refresh under way, shared by calls that got a 401 at the same time. */
  #refresh: Promise<boolean> | undefined;
  #lastToken: string | undefined;

  protected override updated(changed: PropertyValues): void {
    super.updated(changed);
    const token = this.effectiveToken;
    if (token === this.#lastToken) return;
    this.#lastToken = token;
    if (this.#tokenWaiters.size > 0) {
      for (const wake of this.#tokenWaiters) wake();
      this.#tokenWaiters.clear();
    } else {
      this.tokenChanged();
    }
  }

  /** Called when the token changes while no call waits for it (e.g. to re-run a failed load). */
  protected tokenChanged(): void {}

  /** The API group `api` (`segmentsApi`…) bound to the current connection; requests carry `signal`. */
  #client<A>(api: (request: Request) => A, signal: AbortSignal | undefined): A {
    const token = this.effectiveToken;
    return api(
      createRequest({
        baseUrl: this.effectiveApiBase,
        ...(token ? { token } : {}),
        // Read `fetch` at call time: a page (or a test) may wrap it after the widget loaded.
        fetch: (input, init) => globalThis.fetch(input, signal ? { ...init, signal } : init),
      }),
    );
  }

  /**
   * Runs `call` with the API group `api` (e.g. `segmentsApi`: a widget's bundle holds only
   * the groups it calls). On a 401 it dispatches `gt-token-expired` and, once the
   * host has set a different token, runs `call` once more; a second 401 (or no new token in
   * `tokenRefreshTimeout`) rejects with the 401. Rejects with an `AbortError` when `signal`
   * aborts.
   */
  protected async callApi<A, T>(
    api: (request: Request) => A,
    call: (client: A) => Promise<T>,
    signal?: AbortSignal,
  ): Promise<T> {
    try {
      return await call(this.#client(api, signal));
    } catch (error) {
      if (!isUnauthenticated(error) || signal?.aborted) throw error;
      this.#refresh ??= this.#awaitFreshToken(error.message).finally(() => {
        this.#refresh = undefined;
      });
      const refreshed = await this.#refresh;
      signal?.throwIfAborted();
      if (!refreshed) throw error;
      return await call(this.#client(api, signal));
    }
  }

  /** Asks the host for a token; true when a different one arrived in time. */
  #awaitFreshToken(serverMessage: string): Promise<boolean> {
    const before = this.effectiveToken;
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => {
        this.#tokenWaiters.delete(wake);
        resolve(false);
      }, this.tokenRefreshTimeout);
      const wake = () => {
        clearTimeout(timer);
        resolve(this.effectiveToken !== before);
      };
      this.#tokenWaiters.add(wake);
      // Dispatched after the waiter is registered: a host may answer synchronously.
      this.dispatchEvent(
        new CustomEvent<GtTokenExpiredDetail>('gt-token-expired', {
          detail: { code: 'UNAUTHENTICATED', message: serverMessage, status: 401 },
          bubbles: true,
          composed: true,
        }),
      );
    });
  }

  /**
   * Dispatches one `gt-error` for `error` and returns its detail (for the widget to show
   * `detail.message`). Aborted calls are not failures: they return `undefined`, no event.
   */
  protected fail(error: unknown): GtErrorDetail | undefined {
    if (isAbort(error)) return undefined;
    const detail = toErrorDetail(error, this.text.errors);
    this.dispatchEvent(
      new CustomEvent<GtErrorDetail>('gt-error', { detail, bubbles: true, composed: true }),
    );
    return detail;
  }
}
