/**
 * The consent module's part of `gt.as(actor)`: consent per customer and channel, and the
 * organization's policy (email opt-out and SMS opt-in unless changed).
 */
import type { Channel, SubscriptionStatus } from '../db/types.js';
import type { FacadeContext } from '../module.js';
import type { ConsentPolicyUpdate } from './schema.js';
import {
  type ConsentPolicy,
  type ConsentSetOptions,
  type CustomerConsent,
  getConsentPolicy,
  getCustomerConsent,
  setConsentPolicy,
  setCustomerConsent,
} from './service.js';

export const consentPermissions = {
  /** A customer's consent per channel, and reading the organization's consent policy. */
  'consent.read': 'staff',
  /** Recording a customer's subscription status (staff record opt-ins and opt-outs). */
  'consent.write': 'staff',
  /** Changing the organization's consent policy (who is messaged by default). */
  'consent.policy': 'admin',
} as const;
type ConsentAction = keyof typeof consentPermissions;

export interface ConsentFacade {
  consent: {
    /** The customer's status and whether it may be messaged, per channel (staff+). */
    get(customerId: string): Promise<CustomerConsent>;
    /**
     * Records a status on a channel with its source (staff+); audited, emits
     * `consent.changed` (never for a no-op).
     * @example await org.consent.set(customerId, 'sms', 'subscribed', { source: 'checkout' })
     */
    set(
      customerId: string,
      channel: Channel,
      status: SubscriptionStatus,
      options?: ConsentSetOptions,
    ): Promise<CustomerConsent>;
    policy: {
      /** The organization's policy per channel (staff+). */
      get(): Promise<ConsentPolicy>;
      /** Changes the policy (admin+); audited. */
      set(input: ConsentPolicyUpdate): Promise<ConsentPolicy>;
    };
  };
}

export function consentFacade({ on }: FacadeContext<ConsentAction>): ConsentFacade {
  return {
    consent: {
      get: on('consent.read', getCustomerConsent),
      set: on('consent.write', setCustomerConsent),
      policy: {
        get: on('consent.read', getConsentPolicy),
        set: on('consent.policy', setConsentPolicy),
      },
    },
  };
}
