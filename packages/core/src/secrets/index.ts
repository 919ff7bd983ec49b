export { SecretErrorCode } from './error-codes.js';
export type { Credentials, CredentialsContext, CredentialsEnvelope, Keyring } from './keyring.js';
export {
  createKeyring,
  credentialsEnvelopeSchema,
  maskCredential,
} from './keyring.js';
export { purposeKey, signatureMatches, signData } from './signing.js';
