import Stripe from 'stripe';

/** Options of {@link stripePayments}: where and how the adapter reaches Stripe. */
export interface StripePaymentsOptions {
  /**
   * A secret key used for every organization whose integration account holds none (a
   * platform's own account). Usually omitted: each organization's `stripe` integration
   * account carries its own `secretKey`.
   */
  apiKey?: string;
  /**
   * API host (a local server in tests).
   * @default 'api.stripe.com'
   */
  host?: string;
  /** @default 443 */
  port?: number;
  /** @default 'https' */
  protocol?: 'http' | 'https';
  /**
   * The `Stripe-Version` sent with every request. Pin it: the mappers read fields as they are
   * in this version.
   * @default the SDK's own version (`Stripe.API_VERSION`)
   */
  apiVersion?: string;
  /**
   * Retries of a request Stripe may answer differently next time (a connection error, a 5xx,
   * a 409, or a 429 marked `Stripe-Should-Retry`), by the SDK with its exponential backoff.
   * Safe: every create carries an idempotency key.
   * @default 2
   */
  maxNetworkRetries?: number;
  /**
   * Longest one request may take, in milliseconds.
   * @default 30000
   */
  timeoutMs?: number;
}

type StripeConfig = NonNullable<ConstructorParameters<typeof Stripe>[1]>;

/** A Stripe SDK client for one secret key, configured from `options`. */
export function stripeClient(secretKey: string, options: StripePaymentsOptions): Stripe {
  return new Stripe(secretKey, {
    // The SDK's type allows only its own (latest) version; another pinned version is the
    // host's documented choice, so widen here rather than at every call.
    ...(options.apiVersion !== undefined && {
      apiVersion: options.apiVersion as StripeConfig['apiVersion'],
    }),
    ...(options.host !== undefined && { host: options.host }),
    ...(options.port !== undefined && { port: options.port }),
    ...(options.protocol !== undefined && { protocol: options.protocol }),
    maxNetworkRetries: options.maxNetworkRetries ?? 2,
    timeout: options.timeoutMs ?? 30_000,
    appInfo: { name: 'GreenTrack', url: 'https://github.com/greentrack' },
  });
}
