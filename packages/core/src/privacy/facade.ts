/**
 * The privacy module's part of `gt.as(actor)`: data-subject export and erase.
 */
import type { FacadeContext } from '../module.js';
import { type CustomerExport, type EraseResult, eraseCustomer, exportCustomer } from './service.js';

export const privacyPermissions = {
  /** Downloading everything held about one customer (personal data in bulk). */
  'customer.export': 'admin',
  /** Erasing a customer and its history (right to be forgotten); irreversible. */
  'customer.erase': 'admin',
} as const;
type PrivacyAction = keyof typeof privacyPermissions;

export interface PrivacyFacade {
  customers: {
    /**
     * Everything held about one customer as one JSON document, read from one snapshot
     * (admin+; audited with row counts only). @throws `CUSTOMER_NOT_FOUND`
     */
    export(customerId: string): Promise<CustomerExport>;
    /**
     * Right to be forgotten: deletes the customer and its history, unlinks and redacts
     * what is kept for revenue, in one transaction (admin+; irreversible). Returns row counts.
     */
    erase(customerId: string): Promise<EraseResult>;
  };
}

export function privacyFacade({ on, deps }: FacadeContext<PrivacyAction>): PrivacyFacade {
  return {
    customers: {
      export: on('customer.export', (scope, id: string) =>
        exportCustomer(scope, deps.customerData, id),
      ),
      erase: on('customer.erase', (scope, id: string) =>
        eraseCustomer(scope, deps.customerData, id),
      ),
    },
  };
}
