/**
 * Google Analytics forwarding: conversions (payments, paid invoices, configured events) sent
 * to each organization's GA4 property through the Measurement Protocol by the worker, with
 * the customer's GA client id and the campaign's UTM values; the status and an account
 * check for people.
 *
 * An organization forwards through its oldest active `google_analytics` integration
 * account, whose credentials are `{ measurementId: 'G-…', apiSecret: '…' }` (GA: Admin →
 * Data streams → the web stream → Measurement Protocol API secrets).
 */
import { defineModule } from '../module.js';
import { gaForwardingCustomerData } from './customer-data.js';
import type { GaForwardingErrorCode as Code } from './error-codes.js';
import { gaForwardingFacade, gaForwardingPermissions } from './facade.js';
import { registerGaForwardingRoutes } from './routes.js';

export { GaForwardingErrorCode } from './error-codes.js';
export type { GaForwardingFacade } from './facade.js';
export { runGaForwardingPass } from './pass.js';
export type { GaForwardingStatus, GaValidation } from './schema.js';

export const gaForwardingModule = defineModule({
  name: 'ga-forwarding',
  tenantTables: ['ga_conversion_forwards'],
  customerData: gaForwardingCustomerData,
  permissions: gaForwardingPermissions,
  errorStatus: {
    // Nothing to check until the host or an admin sets GA up: a conflict with the state.
    GA_FORWARDING_NOT_CONFIGURED: 409,
    GA_ACCOUNT_NOT_FOUND: 404,
    GA_ACCOUNT_INVALID: 409,
    GA_PROVIDER_FAILED: 502,
  } satisfies Record<Code, number>,
  routes: registerGaForwardingRoutes,
  facade: gaForwardingFacade,
});
