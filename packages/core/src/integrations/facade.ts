/**
 * The integrations module's part of `gt.as(actor)`: provider accounts whose credentials are
 * encrypted at rest; only masked hints ever come back.
 */
import type { FacadeContext } from '../module.js';
import type {
  IntegrationAccountCreate,
  IntegrationAccountOut,
  IntegrationAccountQuery,
  IntegrationAccountUpdate,
} from './schema.js';
import {
  createIntegrationAccount,
  deleteIntegrationAccount,
  getIntegrationAccount,
  listIntegrationAccounts,
  updateIntegrationAccount,
} from './service.js';

export const integrationPermissions = {
  /** Listing accounts and seeing credential hints: hints are sensitive, so not staff. */
  'integration.read': 'admin',
  /** Connecting, editing, replacing the credentials of, or removing an account. */
  'integration.manage': 'admin',
} as const;
type IntegrationAction = keyof typeof integrationPermissions;

export interface IntegrationsFacade {
  integrations: {
    /** The organization's accounts, optionally of one provider (admin+). */
    list(query?: IntegrationAccountQuery): Promise<IntegrationAccountOut[]>;
    /** One account with credential hints (admin+). @throws `INTEGRATION_NOT_FOUND` */
    get(accountId: string): Promise<IntegrationAccountOut>;
    /**
     * Connects an account, encrypting its credentials (admin+; needs `secret`).
     * @throws `INTEGRATION_EXISTS`, `SECRET_REQUIRED`
     */
    create(input: IntegrationAccountCreate): Promise<IntegrationAccountOut>;
    /** Renames, changes status or replaces the credentials of an account (admin+). */
    update(accountId: string, input: IntegrationAccountUpdate): Promise<IntegrationAccountOut>;
    /** Removes an account (admin+). @throws `INTEGRATION_NOT_FOUND` */
    remove(accountId: string): Promise<void>;
  };
}

export function integrationsFacade({
  on,
  deps,
}: FacadeContext<IntegrationAction>): IntegrationsFacade {
  return {
    integrations: {
      list: on('integration.read', (scope, query?: IntegrationAccountQuery) =>
        listIntegrationAccounts(scope, query),
      ),
      get: on('integration.read', getIntegrationAccount),
      create: on('integration.manage', (scope, input: IntegrationAccountCreate) =>
        createIntegrationAccount(scope, deps.keyring(), input),
      ),
      update: on('integration.manage', (scope, id: string, input: IntegrationAccountUpdate) =>
        updateIntegrationAccount(scope, deps.keyring(), id, input),
      ),
      remove: on('integration.manage', deleteIntegrationAccount),
    },
  };
}
