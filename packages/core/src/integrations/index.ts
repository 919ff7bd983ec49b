/**
 * Integrations: provider accounts with credentials encrypted at rest.
 */
import { defineModule } from '../module.js';
import type { IntegrationErrorCode as Code } from './error-codes.js';
import { integrationPermissions, integrationsFacade } from './facade.js';
import { registerIntegrationRoutes } from './routes.js';

export { IntegrationErrorCode } from './error-codes.js';
export type {
  IntegrationAccountCreate,
  IntegrationAccountOut,
  IntegrationAccountQuery,
  IntegrationAccountUpdate,
} from './schema.js';
export {
  DEFAULT_INTEGRATION_NAME,
  integrationAccountCreateSchema,
  integrationAccountListOutSchema,
  integrationAccountOutSchema,
  integrationAccountQuerySchema,
  integrationAccountUpdateSchema,
  integrationProviderSchema,
  integrationStatusSchema,
} from './schema.js';
export type { RotateCredentialsKeyOptions } from './service.js';
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
  permissions: integrationPermissions,
  errorStatus: { INTEGRATION_NOT_FOUND: 404, INTEGRATION_EXISTS: 409 } satisfies Record<
    Code,
    number
  >,
  routes: registerIntegrationRoutes,
  facade: integrationsFacade,
});
