/**
 * The credentials keyring: encryption at rest for `integration_accounts.credentials`.
 *
 * AES-256-GCM with a key derived by HKDF-SHA256 from the configured GreenTrack `secret`.
 * Each stored value is an envelope that names its key (`kid`, a fingerprint of the derived
 * key), so the secret can be rotated: a keyring holds the current key and any previous
 * ones, decrypts with whichever the envelope names, and always encrypts with the current one.
 *
 * The additional authenticated data binds a ciphertext to its organization and provider (and
 * to its key id and hints), so an envelope copied into another organization's or another
 * provider's row does not decrypt, and edited hints are detected on the next decryption.
 */
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createSecretKey,
  hkdfSync,
  type KeyObject,
  randomBytes,
} from 'node:crypto';
import { z } from 'zod';
import { CommonErrorCode, GreenTrackError, type ValidationIssue } from '../errors.js';
import { SecretErrorCode } from './error-codes.js';

/** Minimum length of a secret, as `createGreenTrack` enforces for `secret`. */
const MIN_SECRET_LENGTH = 32;

/**
 * HKDF salt and info. Fixed, versioned strings: the secret is the only input that varies, so
 * the same secret always yields the same key (and key id) on every process and machine.
 * Changing either string would orphan every stored ciphertext.
 */
const HKDF_SALT = 'greentrack/integration-credentials/v1';
const HKDF_INFO = 'greentrack/integration-credentials/v1/aes-256-gcm';
/** GCM's standard nonce size; random per encryption (2^-32 collision bound is far off). */
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_ID_HEX_CHARS = 16;
const MASK = '••••';
/** Below this many characters even the last four would give away too much of the secret. */
const MIN_HINT_SOURCE_LENGTH = 8;

/** Credential fields by name, e.g. `{ accountSid: 'AC…', authToken: '…' }`. */
export type Credentials = Record<string, string>;

/**
 * What `integration_accounts.credentials` holds. Only `hints` is readable without the key;
 * `iv`, `tag` and `ct` are base64.
 */
export interface CredentialsEnvelope {
  v: 1;
  alg: 'A256GCM';
  /** Fingerprint of the key that encrypted `ct` (see `Keyring.currentKeyId`). */
  kid: string;
  iv: string;
  tag: string;
  ct: string;
  /** Per credential field, a masked hint (`'••••abcd'`): the only thing ever shown. */
  hints: Record<string, string>;
}

/** What a ciphertext is bound to: decrypting it under any other context fails. */
export interface CredentialsContext {
  organizationId: string;
  provider: string;
}

/**
 * Encrypts and decrypts credentials envelopes. Holds derived keys only inside closures, so
 * logging or serializing a keyring shows key ids, never key material.
 */
export interface Keyring {
  /** Key id every new envelope gets: 16 hex chars of SHA-256 of the derived key. */
  readonly currentKeyId: string;
  /** Every key id this keyring can decrypt, current first. */
  readonly keyIds: readonly string[];
  /** Encrypts `credentials` under the current key, bound to `context`. */
  encrypt(credentials: Credentials, context: CredentialsContext): CredentialsEnvelope;
  /**
   * Decrypts an envelope (as read from the database) that was encrypted for `context`.
   * @throws `CREDENTIALS_KEY_UNKNOWN` when the envelope's key is not in this keyring;
   * `CREDENTIALS_DECRYPT_FAILED` when it is malformed, tampered with or bound elsewhere.
   */
  decrypt(envelope: unknown, context: CredentialsContext): Credentials;
}

const base64 = z.base64();
/** The stored envelope's shape; anything else is reported as undecryptable. */
export const credentialsEnvelopeSchema = z.object({
  v: z.literal(1),
  alg: z.literal('A256GCM'),
  kid: z.string().regex(/^[0-9a-f]{16}$/),
  iv: base64,
  tag: base64,
  ct: base64,
  hints: z.record(z.string(), z.string()),
});

/** Derives the AES key for `secret` and its key id. */
function deriveKey(secret: string): { kid: string; key: KeyObject } {
  const raw = Buffer.from(hkdfSync('sha256', secret, HKDF_SALT, HKDF_INFO, 32));
  const kid = createHash('sha256').update(raw).digest('hex').slice(0, KEY_ID_HEX_CHARS);
  const key = createSecretKey(raw);
  raw.fill(0);
  return { kid, key };
}

/**
 * The AAD: everything about an envelope except the ciphertext itself. Hints are sorted
 * because jsonb does not keep key order, and the AAD must be rebuilt byte-identically.
 */
function additionalData(
  kid: string,
  hints: Record<string, string>,
  context: CredentialsContext,
): Buffer {
  const sortedHints = Object.keys(hints)
    .sort()
    .map((field) => [field, hints[field]]);
  return Buffer.from(
    JSON.stringify([
      HKDF_SALT,
      'A256GCM',
      kid,
      context.organizationId,
      context.provider,
      sortedHints,
    ]),
    'utf8',
  );
}

/**
 * The masked hint for one credential value: `'••••'` plus its last four characters, or just
 * `'••••'` when the value is shorter than 8 characters.
 * @example maskCredential('SG.abcdefgh1234') // '••••1234'
 */
export function maskCredential(value: string): string {
  // Code points, not UTF-16 units, so a hint never ends in half a surrogate pair.
  const chars = Array.from(value);
  return chars.length < MIN_HINT_SOURCE_LENGTH ? MASK : MASK + chars.slice(-4).join('');
}

/** Hints for every field of `credentials`. */
function credentialHints(credentials: Credentials): Record<string, string> {
  return Object.fromEntries(
    Object.entries(credentials).map(([field, value]) => [field, maskCredential(value)]),
  );
}

function decryptFailed(message: string, cause?: unknown): GreenTrackError {
  return new GreenTrackError({
    code: SecretErrorCode.CREDENTIALS_DECRYPT_FAILED,
    message,
    cause,
  });
}

/**
 * Builds a keyring from the current secret and any previous ones (still accepted for
 * decryption, never used to encrypt).
 *
 * @example
 * const keyring = createKeyring(process.env.GREENTRACK_SECRET, [process.env.OLD_SECRET]);
 * const envelope = keyring.encrypt({ apiKey: 'SG.x…' }, { organizationId, provider: 'sendgrid' });
 * keyring.decrypt(envelope, { organizationId, provider: 'sendgrid' }); // { apiKey: 'SG.x…' }
 * @throws `SECRET_REQUIRED` when `current` is missing; `CONFIG_INVALID` when a secret is
 * shorter than 32 characters.
 */
export function createKeyring(
  current: string | undefined,
  previous: readonly string[] = [],
): Keyring {
  if (current === undefined || current === '') {
    throw new GreenTrackError({
      code: SecretErrorCode.SECRET_REQUIRED,
      message: 'Integration credentials need `secret` in the GreenTrack config',
    });
  }
  const issues: ValidationIssue[] = [];
  const tooShort = `must be at least ${MIN_SECRET_LENGTH} characters`;
  if (current.length < MIN_SECRET_LENGTH) issues.push({ path: 'secret', message: tooShort });
  previous.forEach((secret, i) => {
    if (secret.length < MIN_SECRET_LENGTH)
      issues.push({ path: `previousSecrets.${i}`, message: tooShort });
  });
  if (issues.length > 0) {
    throw new GreenTrackError({
      code: CommonErrorCode.CONFIG_INVALID,
      message: `Invalid config: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
      details: { issues },
    });
  }

  const currentKey = deriveKey(current);
  const keys = new Map<string, KeyObject>([[currentKey.kid, currentKey.key]]);
  for (const secret of previous) {
    const { kid, key } = deriveKey(secret);
    // A previous secret equal to the current one (a common half-finished rotation) is harmless.
    if (!keys.has(kid)) keys.set(kid, key);
  }

  return {
    currentKeyId: currentKey.kid,
    keyIds: Object.freeze([...keys.keys()]),

    encrypt(credentials, context) {
      const hints = credentialHints(credentials);
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', currentKey.key, iv, {
        authTagLength: TAG_BYTES,
      });
      cipher.setAAD(additionalData(currentKey.kid, hints, context));
      const ct = Buffer.concat([
        cipher.update(JSON.stringify(credentials), 'utf8'),
        cipher.final(),
      ]);
      return {
        v: 1,
        alg: 'A256GCM',
        kid: currentKey.kid,
        iv: iv.toString('base64'),
        tag: cipher.getAuthTag().toString('base64'),
        ct: ct.toString('base64'),
        hints,
      };
    },

    decrypt(envelope, context) {
      const parsed = credentialsEnvelopeSchema.safeParse(envelope);
      if (!parsed.success) throw decryptFailed('Stored credentials are not a valid envelope');
      const { kid, hints } = parsed.data;
      const key = keys.get(kid);
      if (!key) {
        throw new GreenTrackError({
          code: SecretErrorCode.CREDENTIALS_KEY_UNKNOWN,
          message:
            'Stored credentials were encrypted with a key this instance does not have; ' +
            'add the old secret to the previous secrets, or re-enter the credentials',
          details: { keyId: kid, knownKeyIds: [...keys.keys()] },
        });
      }
      const iv = Buffer.from(parsed.data.iv, 'base64');
      const tag = Buffer.from(parsed.data.tag, 'base64');
      if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) {
        throw decryptFailed('Stored credentials have a malformed IV or tag');
      }
      let plaintext: string;
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
        decipher.setAAD(additionalData(kid, hints, context));
        decipher.setAuthTag(tag);
        plaintext = Buffer.concat([
          decipher.update(Buffer.from(parsed.data.ct, 'base64')),
          decipher.final(),
        ]).toString('utf8');
      } catch (error) {
        // GCM gives one answer for a wrong key, wrong AAD and edited bytes; so do we.
        throw decryptFailed(
          'Stored credentials failed authentication (tampered, or bound to another organization or provider)',
          error,
        );
      }
      const credentials = z.record(z.string(), z.string()).safeParse(safeJsonParse(plaintext));
      if (!credentials.success) throw decryptFailed('Decrypted credentials are not a field map');
      return credentials.data;
    },
  };
}

function safeJsonParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
