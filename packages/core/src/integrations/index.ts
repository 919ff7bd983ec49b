export { IntegrationErrorCode } from './error-codes.js';
export type { Credentials, CredentialsContext, CredentialsEnvelope, Keyring } from './keyring.js';
export { createKeyring, credentialHints, MIN_SECRET_LENGTH, maskCredential } from './keyring.js';
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
