/**
 * zod inputs and outputs of the integrations module.
 *
 * Outputs carry masked hints and the key id only: no schema here has a field that could
 * hold a ciphertext or a plaintext secret, so a route that validates its response with
 * these schemas cannot leak one by accident.
 */
import { z } from 'zod';

/** Providers an account can be connected for: exactly the seed schema's CHECK list. */
const integrationProviderSchema = z.enum([
  'twilio',
  'sendgrid',
  'postmark',
  'zeroinvoice',
  'stripe',
  'google_analytics',
]);

const integrationStatusSchema = z.enum(['active', 'disabled']);

/**
 * The name an account gets when none is given. The seed's UNIQUE (organization_id, provider,
 * name) treats NULL names as distinct, so storing NULL would allow any number of unnamed
 * accounts per provider; a concrete default keeps "one unnamed account per provider".
 */
const DEFAULT_INTEGRATION_NAME = 'default';

/** Limits that keep one row small while fitting real keys (a GA service-account JSON is ~2.4 KB). */
const MAX_FIELDS = 20;
const MAX_VALUE_LENGTH = 8192;

const nameSchema = z.string().trim().min(1).max(100);

/**
 * Credential fields by name. Names look like identifiers (`apiKey`, `account_sid`), which
 * also keeps `__proto__` and friends out; values are kept byte-for-byte (never trimmed),
 * since whitespace may be part of a secret.
 */
const credentialsInputSchema = z
  .record(
    z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, 'must be an identifier like apiKey'),
    z.string().min(1, 'must not be empty').max(MAX_VALUE_LENGTH),
  )
  .refine((fields) => Object.keys(fields).length > 0, 'must have at least one field')
  .refine((fields) => Object.keys(fields).length <= MAX_FIELDS, `at most ${MAX_FIELDS} fields`);

export const integrationAccountCreateSchema = z.strictObject({
  provider: integrationProviderSchema,
  /** @default 'default' */
  name: nameSchema.default(DEFAULT_INTEGRATION_NAME),
  credentials: credentialsInputSchema,
  /** @default 'active' */
  status: integrationStatusSchema.default('active'),
});
export type IntegrationAccountCreate = z.input<typeof integrationAccountCreateSchema>;

/** A partial update. `credentials` replaces the whole set (fields are never merged). */
export const integrationAccountUpdateSchema = z.strictObject({
  name: nameSchema.optional(),
  credentials: credentialsInputSchema.optional(),
  status: integrationStatusSchema.optional(),
});
export type IntegrationAccountUpdate = z.input<typeof integrationAccountUpdateSchema>;

/** Filters of `listIntegrationAccounts`. */
export const integrationAccountQuerySchema = z.object({
  provider: integrationProviderSchema.optional(),
  status: integrationStatusSchema.optional(),
});
export type IntegrationAccountQuery = z.input<typeof integrationAccountQuerySchema>;

/**
 * An integration account as the API returns it (JSON form: timestamps as ISO strings).
 * Strict, so a response carrying any extra field fails validation instead of shipping it.
 */
export const integrationAccountOutSchema = z
  .strictObject({
    id: z.uuid(),
    organization_id: z.uuid(),
    provider: integrationProviderSchema,
    name: z.string().nullable(),
    status: integrationStatusSchema,
    /** Per credential field, a masked hint like `'••••abcd'`. */
    credential_hints: z.record(z.string(), z.string()),
    /** Which key encrypted the credentials; `null` if the stored value is not an envelope. */
    key_id: z.string().nullable(),
    created_at: z.iso.datetime(),
    updated_at: z.iso.datetime(),
  })
  .meta({ id: 'IntegrationAccount' });

export const integrationAccountListOutSchema = z
  .object({ items: z.array(integrationAccountOutSchema) })
  .meta({ id: 'IntegrationAccountList' });

/** An integration account as services return it (timestamps as `Date`). */
export interface IntegrationAccountOut
  extends Omit<z.output<typeof integrationAccountOutSchema>, 'created_at' | 'updated_at'> {
  created_at: Date;
  updated_at: Date;
}
