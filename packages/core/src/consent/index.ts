/**
 * Consent: subscription status per customer and channel, and the organization's policy.
 */
import { defineModule } from '../module.js';
import { consentFacade, consentPermissions } from './facade.js';
import { registerConsentRoutes } from './routes.js';

export { ConsentErrorCode } from './error-codes.js';
export type { ConsentPolicyUpdate, ConsentSetBody } from './schema.js';
export {
  channelConsentSchema,
  channelSchema,
  consentModeSchema,
  consentPolicySchema,
  consentPolicyUpdateSchema,
  consentSetBodySchema,
  customerConsentSchema,
  subscriptionStatusSchema,
} from './schema.js';
export type {
  ChannelConsent,
  ConsentMode,
  ConsentPolicy,
  ConsentReason,
  ConsentSetOptions,
  CustomerConsent,
} from './service.js';
export {
  consentAllowsSql,
  consentDecision,
  DEFAULT_CONSENT_POLICY,
  getConsentPolicy,
  getCustomerConsent,
  setConsentPolicy,
  setCustomerConsent,
} from './service.js';

export const consentModule = defineModule({
  name: 'consent',
  permissions: consentPermissions,
  routes: registerConsentRoutes,
  facade: consentFacade,
});
