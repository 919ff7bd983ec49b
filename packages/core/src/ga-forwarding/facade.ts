/** The ga-forwarding module's part of `gt.as(actor)`: `googleAnalytics.status` / `.validate`. */
import type { FacadeContext } from '../module.js';
import type { GaForwardingStatus, GaValidation } from './schema.js';
import { gaForwardingStatus, validateGaAccount } from './service.js';

export const gaForwardingPermissions = {
  /** The forwarding status: what the dashboard shows everyone who sees revenue. */
  'google_analytics.read': 'staff',
  /** A call to GA with the account's credentials: whoever manages integrations. */
  'google_analytics.validate': 'admin',
} as const;
type GaForwardingAction = keyof typeof gaForwardingPermissions;

export interface GaForwardingFacade {
  googleAnalytics: {
    /**
     * How forwarding conversions to the organization's Google Analytics property stands
     * (staff+): conversions per state (`pending`, `sent`, `failed`, `skipped` with reasons),
     * the last error and the last send.
     * @example const { counts, last_error } = await org.googleAnalytics.status();
     */
    status(): Promise<GaForwardingStatus>;
    /**
     * Checks the organization's `google_analytics` account against GA's validation server
     * (admin+): its answer's `validation_messages` (none: `valid`). Nothing is recorded in GA.
     * @example const { valid, validation_messages } = await org.googleAnalytics.validate();
     * @throws `GA_FORWARDING_NOT_CONFIGURED`, `GA_ACCOUNT_NOT_FOUND`, `GA_ACCOUNT_INVALID`,
     * `GA_PROVIDER_FAILED`
     */
    validate(): Promise<GaValidation>;
  };
}

export function gaForwardingFacade({
  on,
  deps,
}: FacadeContext<GaForwardingAction>): GaForwardingFacade {
  const serviceDeps = { analytics: deps.analytics, keyring: deps.keyring };
  return {
    googleAnalytics: {
      status: on('google_analytics.read', (scope) => gaForwardingStatus(scope, serviceDeps)),
      validate: on('google_analytics.validate', (scope) => validateGaAccount(scope, serviceDeps)),
    },
  };
}
