/**
 * Consent: subscription status per customer and channel, and the organization's policy.
 */
import { defineModule } from '../module.js';
import { consentCustomerData } from './customer-data.js';
import { consentFacade, consentPermissions } from './facade.js';
import { registerConsentRoutes } from './routes.js';

export type { ConsentPolicyUpdate } from './schema.js';

export type {
  ChannelConsent,
  ConsentReason,
  ConsentSetOptions,
  CustomerConsent,
} from './service.js';
export {
  consentAllowsSql,
  consentDecision,
  consentJoinSql,
  DEFAULT_CONSENT_POLICY,
  getConsentPolicy,
  getCustomerConsent,
  setCustomerConsent,
} from './service.js';

export const consentModule = defineModule({
  name: 'consent',
  tenantTables: ['subscriptions', 'organization_settings'],
  customerData: consentCustomerData,
  permissions: consentPermissions,
  routes: registerConsentRoutes,
  facade: consentFacade,
});
