/**
 * The Measurement Protocol client: `send` posts to `/mp/collect` (GA answers 2xx with an
 * empty body, even for a payload it then drops: that is what `validate` is for), `validate`
 * posts the same body to `/debug/mp/collect` and returns its `validationMessages`.
 *
 * Failures become core's `ProviderError`: no answer, 429 or 5xx → `transient` (core retries
 * with backoff, honouring `Retry-After`); any other status → `permanent`.
 */
import {
  type AnalyticsForwarder,
  type GoogleAnalyticsCredentials,
  MAX_MEASUREMENT_EVENTS,
  type MeasurementRequest,
  type MeasurementValidationMessage,
  ProviderError,
  retryAfterMs,
} from '@greentrack/core';
import { z } from 'zod';
import { networkErrorCode, networkErrorText, networkOutcome } from '../internal/network-outcome.js';

/** Options of {@link googleAnalytics}. */
export interface GoogleAnalyticsOptions {
  /**
   * Where the Measurement Protocol is served (a server-side Tag Manager container, or a
   * local server in tests).
   * @default 'https://www.google-analytics.com'
   */
  baseUrl?: string;
  /**
   * How long one call may take before it counts as a transient failure.
   * @default 10000
   */
  timeoutMs?: number;
  /** The `fetch` to use. @default globalThis.fetch */
  fetch?: typeof fetch;
}

const DEFAULT_BASE_URL = 'https://www.google-analytics.com';
const DEFAULT_TIMEOUT_MS = 10_000;

/** The validation server's answer. */
const validationAnswerSchema = z.object({
  validationMessages: z
    .array(
      z.object({
        fieldPath: z.string().default(''),
        description: z.string().default(''),
        validationCode: z.string().default('VALUE_INVALID'),
      }),
    )
    .default([]),
});

/**
 * A Google Analytics 4 forwarder for `createGreenTrack({ providers: { analytics } })`.
 * @example googleAnalytics({ baseUrl: 'https://sgtm.shop.example' })
 */
export function googleAnalytics(options: GoogleAnalyticsOptions = {}): AnalyticsForwarder {
  const base = (options.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const fetchImpl = options.fetch ?? globalThis.fetch;

  /** POSTs the request to `path`; resolves with the 2xx answer's body text. */
  async function post(
    path: '/mp/collect' | '/debug/mp/collect',
    credentials: GoogleAnalyticsCredentials,
    request: MeasurementRequest,
    signal: AbortSignal | undefined,
  ): Promise<string> {
    const url = new URL(`${base}${path}`);
    url.searchParams.set('measurement_id', credentials.measurementId);
    url.searchParams.set('api_secret', credentials.apiSecret);
    const timeout = AbortSignal.timeout(timeoutMs);
    let response: Response;
    try {
      response = await fetchImpl(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(request),
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
    } catch (error) {
      throw new ProviderError({
        // The API secret is in the URL: never put the URL in the message.
        message: `Google Analytics could not be reached: ${networkErrorText(error)}`,
        kind: 'transient',
        outcome: networkOutcome(error),
        code: networkErrorCode(error, 'GA_UNREACHABLE'),
        cause: error,
      });
    }
    const text = await response.text();
    if (response.ok) return text;
    const transient = response.status === 429 || response.status >= 500;
    const retryAfter = retryAfterMs(response.headers.get('retry-after'), new Date());
    throw new ProviderError({
      message: `Google Analytics answered HTTP ${response.status}${text.trim() ? `: ${text.trim().slice(0, 200)}` : ''}`,
      kind: transient ? 'transient' : 'permanent',
      outcome: 'not_sent',
      code: `GA_HTTP_${response.status}`,
      ...(retryAfter === undefined ? {} : { retryAfterMs: retryAfter }),
    });
  }

  return {
    provider: 'google_analytics',
    maxEventsPerRequest: MAX_MEASUREMENT_EVENTS,
    async send(credentials, request, sendOptions) {
      await post('/mp/collect', credentials, request, sendOptions?.signal);
    },
    async validate(credentials, request, validateOptions) {
      const text = await post('/debug/mp/collect', credentials, request, validateOptions?.signal);
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch (cause) {
        throw new ProviderError({
          message: 'The Google Analytics validation server answered with a body that is not JSON',
          kind: 'permanent',
          outcome: 'not_sent',
          code: 'GA_RESPONSE_INVALID',
          cause,
        });
      }
      const parsed = validationAnswerSchema.safeParse(json);
      if (!parsed.success) {
        throw new ProviderError({
          message: 'The Google Analytics validation server answered without validationMessages',
          kind: 'permanent',
          outcome: 'not_sent',
          code: 'GA_RESPONSE_INVALID',
        });
      }
      return parsed.data.validationMessages satisfies MeasurementValidationMessage[];
    },
  };
}
