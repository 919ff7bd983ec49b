/**
 * zod inputs and outputs of the customers module, following the seed's `CustomerCreate` /
 * `CustomerOut` models. Email and phone are normalized here, so every write path (API,
 * import) stores the same canonical form.
 */
import { z } from '@hono/zod-openapi';
import type { ValidationIssue } from '../errors.js';
import { isCountryCode } from './countries.js';
import { normalizeEmail, normalizePhone, normalizeTags } from './normalize.js';

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .nullish()
    .transform((v) => (v ? v : null));

/** The stored customer columns a caller may write (tags live in their own tables). */
export const customerValueFields = [
  'type',
  'name',
  'email',
  'phone',
  'address_line1',
  'address_line2',
  'city',
  'state',
  'postal_code',
  'country',
  'notes',
  'external_zeroinvoice_customer_id',
] as const;
export type CustomerValueField = (typeof customerValueFields)[number];

const customerTypeSchema = z.enum(['customer', 'lead']);

const tagsSchema = z
  .array(z.string().trim().min(1).max(64))
  .max(100)
  .transform((tags) => normalizeTags(tags));

const countrySchema = z
  .string()
  .trim()
  .transform((v) => v.toUpperCase())
  .pipe(z.string().refine(isCountryCode, 'must be an ISO 3166-1 alpha-2 code like US'));

/** Fields shared by create and update, before contact normalization. */
const customerFields = {
  type: customerTypeSchema,
  name: z.string().trim().min(1).max(200),
  email: z.string().max(320).nullish(),
  phone: z.string().max(40).nullish(),
  address_line1: optionalText(200),
  address_line2: optionalText(200),
  city: optionalText(100),
  state: optionalText(100),
  postal_code: optionalText(20),
  country: countrySchema,
  tags: tagsSchema,
  notes: optionalText(10_000),
  external_zeroinvoice_customer_id: optionalText(200),
};

/**
 * Normalizes email and phone of a (partial) customer and reports each invalid one by field.
 * A phone's national format is read in the customer's `country`, else `fallbackCountry`.
 * Empty strings clear the field.
 */
export function normalizeContactFields<
  T extends { email?: string | null; phone?: string | null; country?: string | null },
>(value: T, fallbackCountry: string | null): { value: T; issues: ValidationIssue[] } {
  const out = { ...value };
  const issues: ValidationIssue[] = [];
  if (typeof value.email === 'string') {
    const blank = value.email.trim() === '';
    out.email = blank ? null : normalizeEmail(value.email);
    if (!blank && out.email === null)
      issues.push({ path: 'email', message: 'not a valid email address' });
  }
  if (typeof value.phone === 'string') {
    const blank = value.phone.trim() === '';
    out.phone = blank ? null : normalizePhone(value.phone, value.country ?? fallbackCountry);
    if (!blank && out.phone === null)
      issues.push({ path: 'phone', message: 'not a valid phone number for its country' });
  }
  return { value: out, issues };
}

export const customerCreateSchema = z
  .object({
    ...customerFields,
    country: customerFields.country.default('US'),
    tags: customerFields.tags.default([]),
  })
  .strict()
  .transform((value, ctx) => {
    const { value: normalized, issues } = normalizeContactFields(value, 'US');
    for (const issue of issues)
      ctx.addIssue({ code: 'custom', path: [issue.path], message: issue.message });
    return normalized;
  })
  .openapi('CustomerCreate');
export type CustomerCreate = z.input<typeof customerCreateSchema>;

/** A partial update; `null` clears an optional field; `tags` replaces the whole set. */
export const customerUpdateSchema = z
  .object({
    type: customerFields.type.optional(),
    name: customerFields.name.optional(),
    email: customerFields.email,
    phone: customerFields.phone,
    address_line1: customerFields.address_line1.optional(),
    address_line2: customerFields.address_line2.optional(),
    city: customerFields.city.optional(),
    state: customerFields.state.optional(),
    postal_code: customerFields.postal_code.optional(),
    country: customerFields.country.optional(),
    tags: customerFields.tags.optional(),
    notes: customerFields.notes.optional(),
    external_zeroinvoice_customer_id: customerFields.external_zeroinvoice_customer_id.optional(),
  })
  .strict()
  .openapi('CustomerUpdate');
export type CustomerUpdate = z.input<typeof customerUpdateSchema>;

export const customerOutSchema = z
  .object({
    id: z.uuid(),
    organization_id: z.uuid(),
    type: customerTypeSchema,
    name: z.string(),
    email: z.string().nullable(),
    phone: z.string().nullable(),
    address_line1: z.string().nullable(),
    address_line2: z.string().nullable(),
    city: z.string().nullable(),
    state: z.string().nullable(),
    postal_code: z.string().nullable(),
    country: z.string().nullable(),
    tags: z.array(z.string()),
    notes: z.string().nullable(),
    external_zeroinvoice_customer_id: z.string().nullable(),
    created_at: z.string().openapi({ format: 'date-time' }),
    updated_at: z.string().openapi({ format: 'date-time' }),
  })
  .openapi('Customer');

/** Sortable columns of the customer list (`country`: customers without one sort first). */
const customerSortSchema = z.enum(['name', 'created_at', 'updated_at', 'country']);

/** A stored subscription status (the `subscriptions.status` check constraint). */
const subscriptionStatusSchema = z.enum(['subscribed', 'unsubscribed', 'bounced', 'complained']);

/**
 * `channel:status` pairs of the list's consent filter, e.g. `email:subscribed`; `none` means
 * no status is stored for that channel (the organization's policy decides).
 */
const consentFilterValues = (['email', 'sms'] as const).flatMap((channel) =>
  [...subscriptionStatusSchema.options, 'none' as const].map(
    (status) => `${channel}:${status}` as const,
  ),
);

const isoDate = z.iso.datetime({ offset: true });

/** Query of the customer list: filters, text search, sort and keyset cursor. */
export const customerListQuerySchema = z.object({
  q: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .optional()
    .openapi({ description: 'Text search over name, email and phone' }),
  type: customerTypeSchema.optional(),
  tags: z
    .union([z.string(), z.array(z.string())])
    .transform((v) => normalizeTags((Array.isArray(v) ? v : v.split(',')).filter(Boolean)))
    .optional()
    .openapi({ description: 'Customers carrying ALL of these tags (comma-separated or repeated)' }),
  city: z.string().trim().min(1).max(100).optional(),
  state: z.string().trim().min(1).max(100).optional(),
  country: countrySchema.optional(),
  consent: z.enum(consentFilterValues).optional().openapi({
    description:
      'Stored consent on one channel: `email:subscribed`, `sms:none` (no status recorded), …',
    example: 'email:subscribed',
  }),
  created_from: isoDate.optional(),
  created_to: isoDate.optional(),
  sort: customerSortSchema.default('created_at'),
  order: z.enum(['asc', 'desc']).default('desc'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(1000).optional(),
  include_total: z
    .union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')])
    .default(false)
    .openapi({ description: 'Also count all matches (costly on large organizations)' }),
});
export type CustomerListQuery = z.input<typeof customerListQuerySchema>;

/** Stored consent per channel; `null` when the customer has no status on that channel. */
const listConsentSchema = z.object({
  email: subscriptionStatusSchema.nullable(),
  sms: subscriptionStatusSchema.nullable(),
});

/** A customer as the list shows it: the record plus its stored consent per channel. */
const customerListItemSchema = customerOutSchema
  .extend({ consent: listConsentSchema })
  .openapi('CustomerListItem');

export const customerPageSchema = z
  .object({
    items: z.array(customerListItemSchema),
    nextCursor: z.string().nullable(),
    total: z.number().int().optional(),
  })
  .openapi('CustomerPage');

/** One tag in use, with how many customers carry it. */
const tagOutSchema = z.object({ name: z.string(), customers: z.number().int() }).openapi('Tag');

/** The organization's tags in use, most used first (the segment builder's suggestions). */
export const tagListOutSchema = z.object({ items: z.array(tagOutSchema) }).openapi('TagList');
