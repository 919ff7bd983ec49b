export { SecretErrorCode } from './error-codes.js';
export type { Credentials, CredentialsContext, CredentialsEnvelope, Keyring } from './keyring.js';
export {
  createKeyring,
  credentialHints,
  credentialsEnvelopeSchema,
  MIN_SECRET_LENGTH,
  maskCredential,
} from './keyring.js';
