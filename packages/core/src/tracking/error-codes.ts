/** Error codes of the tracking endpoints (`/t/...`). */
export const TrackingErrorCode = {
  /** Malformed, forged, or naming a message or link that does not exist: 404. */
  TRACKING_TOKEN_INVALID: 'TRACKING_TOKEN_INVALID',
  /** A genuine token past its expiry: 410 Gone. */
  TRACKING_TOKEN_EXPIRED: 'TRACKING_TOKEN_EXPIRED',
  /** A one-click unsubscribe POST without the RFC 8058 body `List-Unsubscribe=One-Click`: 400. */
  TRACKING_UNSUBSCRIBE_BODY: 'TRACKING_UNSUBSCRIBE_BODY',
} as const;

export type TrackingErrorCode = (typeof TrackingErrorCode)[keyof typeof TrackingErrorCode];
