/**
 * Integrations: provider accounts with credentials encrypted at rest.
 */
import { defineModule } from '../module.js';
import type { IntegrationErrorCode as Code } from './error-codes.js';
import { integrationPermissions, integrationsFacade } from './facade.js';
import { registerIntegrationRoutes } from './routes.js';

export type { IntegrationAccountOut } from './schema.js';
export { integrationAccountOutSchema } from './schema.js';

export {
  createIntegrationAccount,
  deleteIntegrationAccount,
  getIntegrationAccount,
  listIntegrationAccounts,
  readIntegrationCredentials,
  rotateCredentialsKey,
  updateIntegrationAccount,
} from './service.js';

export const integrationsModule = defineModule({
  name: 'integrations',
  tenantTables: ['integration_accounts'],
  permissions: integrationPermissions,
  errorStatus: { INTEGRATION_NOT_FOUND: 404, INTEGRATION_EXISTS: 409 } satisfies Record<
    Code,
    number
  >,
  routes: registerIntegrationRoutes,
  facade: integrationsFacade,
});
