/**
 * `@greentrack/adapters/google-analytics`: forwards GreenTrack's conversions to a Google
 * Analytics 4 web stream through the Measurement Protocol. No SDK: the protocol is plain
 * HTTPS JSON (`POST /mp/collect?measurement_id=…&api_secret=…`), sent with `fetch`.
 *
 * @example
 * const gt = await createGreenTrack({ secret, providers: { analytics: googleAnalytics() } });
 * // per organization: an integration account { provider: 'google_analytics',
 * //   credentials: { measurementId: 'G-XXXXXXX', apiSecret: '…' } }
 */
export { type GoogleAnalyticsOptions, googleAnalytics } from './forwarder.js';
