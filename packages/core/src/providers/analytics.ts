/**
 * Where conversions are forwarded to a web analytics property: Google Analytics 4 through
 * its Measurement Protocol (`@greentrack/adapters/google-analytics`). Core builds the
 * requests (one client id each, at most `maxEventsPerRequest` events) and decides what to
 * retry; the forwarder only speaks the wire format.
 *
 * A forwarder reports a failed call by throwing `ProviderError`: `kind: 'transient'` (network
 * error, timeout, 429, 5xx; retried with backoff, honouring `retryAfterMs`) or `'permanent'`
 * (any other refusal; the conversions of the request are marked failed with its message).
 */

/**
 * The credentials of a `google_analytics` integration account, as stored (encrypted) in
 * `integration_accounts.credentials`: `{ measurementId: 'G-XXXXXXX', apiSecret: '…' }`.
 */
export interface GoogleAnalyticsCredentials {
  /** The web data stream's measurement id (`G-…`), not its stream id. */
  measurementId: string;
  /** A Measurement Protocol API secret created for that stream. */
  apiSecret: string;
}

/** A parameter value of a Measurement Protocol event. */
export type MeasurementParamValue = string | number | boolean;

/** One event of a Measurement Protocol request (`purchase`, `refund`, …). */
export interface MeasurementEvent {
  name: string;
  params: Record<string, MeasurementParamValue>;
  /**
   * When this event happened, in microseconds since the epoch (at most 72 hours back);
   * overrides the request's. Events of one request may happen at different times.
   */
  timestamp_micros?: number;
}

/** One Measurement Protocol request body: events of ONE client id. */
export interface MeasurementRequest {
  /** The `_ga` cookie's client id the events belong to. */
  client_id: string;
  /** Our customer id, so GA can join the user's devices (User-ID). */
  user_id?: string;
  /** When the events happened, in microseconds since the epoch (at most 72 hours back). */
  timestamp_micros?: number;
  events: MeasurementEvent[];
}

/** One message of the validation server (`/debug/mp/collect`). */
export interface MeasurementValidationMessage {
  /** The path of the invalid field (`events`, `client_id`, `events[0].params.value`). */
  fieldPath: string;
  description: string;
  /** `VALUE_INVALID`, `VALUE_REQUIRED`, `NAME_INVALID`, `NAME_RESERVED`, … */
  validationCode: string;
}

/** Forwards conversions to Google Analytics; configured once by the host. */
export interface AnalyticsForwarder {
  /** The `integration_accounts.provider` whose accounts it sends through. */
  readonly provider: 'google_analytics';
  /**
   * Most events one request carries (the Measurement Protocol's limit).
   * @default 25
   */
  readonly maxEventsPerRequest?: number;
  /**
   * Sends one request to the collection endpoint. Resolves when it was accepted (2xx).
   * @throws `ProviderError` (transient: retry later; permanent: do not resend it)
   */
  send(
    credentials: GoogleAnalyticsCredentials,
    request: MeasurementRequest,
    options?: { signal?: AbortSignal },
  ): Promise<void>;
  /**
   * Sends the request to the validation server instead, which records nothing, and returns
   * its messages (none: the request is valid). It does not check the API secret.
   * @throws `ProviderError` when the validation server cannot be reached
   */
  validate(
    credentials: GoogleAnalyticsCredentials,
    request: MeasurementRequest,
    options?: { signal?: AbortSignal },
  ): Promise<MeasurementValidationMessage[]>;
}

/** The Measurement Protocol's limit of events per request. */
export const MAX_MEASUREMENT_EVENTS = 25;
