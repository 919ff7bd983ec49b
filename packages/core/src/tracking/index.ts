/**
 * Tracking: signed links in campaign messages (click redirect, open pixel, one-click
 * unsubscribe and the preferences page) and the public endpoints that answer them.
 */
import { defineModule } from '../module.js';
import { TRACKING_ERROR_STATUS } from './error-status.js';
import { registerTrackingRoutes, TRACKING_PATH_PREFIX } from './routes.js';

export { TrackingErrorCode } from './error-codes.js';
export { createTrackingLinks, type TrackingLinks, untrackedMessage } from './links.js';
export { createTrackingTokens } from './tokens.js';

export const trackingModule = defineModule({
  name: 'tracking',
  publicPathPrefixes: [TRACKING_PATH_PREFIX],
  errorStatus: TRACKING_ERROR_STATUS,
  routes: registerTrackingRoutes,
});
