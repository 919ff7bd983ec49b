/**
 * Tracking: signed links in campaign messages (click redirect, open pixel, one-click
 * unsubscribe and the preferences page) and the public endpoints that answer them.
 */
import { defineModule } from '../module.js';
import type { TrackingErrorCode as Code } from './error-codes.js';
import { registerTrackingRoutes, TRACKING_PATH_PREFIX } from './routes.js';

export { TrackingErrorCode } from './error-codes.js';
export { createTrackingLinks, type TrackingLinks, untrackedMessage } from './links.js';
export { createTrackingTokens } from './tokens.js';

export const trackingModule = defineModule({
  name: 'tracking',
  publicPathPrefixes: [TRACKING_PATH_PREFIX],
  errorStatus: {
    TRACKING_TOKEN_INVALID: 404,
    TRACKING_TOKEN_EXPIRED: 410,
    TRACKING_UNSUBSCRIBE_BODY: 400,
  } satisfies Record<Code, number>,
  routes: registerTrackingRoutes,
});
