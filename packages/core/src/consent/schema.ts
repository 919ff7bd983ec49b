/**
 * zod inputs and outputs of the consent module: per-customer subscription status per
 * channel, and the organization's consent policy.
 */
import { z } from '@hono/zod-openapi';

/** The channels consent is tracked for (the seed's `subscriptions.channel`). */
const channelSchema = z.enum(['email', 'sms']);

/** A stored subscription status (the seed's `subscriptions.status` CHECK). */
const subscriptionStatusSchema = z
  .enum(['subscribed', 'unsubscribed', 'bounced', 'complained'])
  .openapi('SubscriptionStatus');

/**
 * How a channel treats a customer with no stored status: `opt_in` sends only to subscribed
 * customers, `opt_out` sends unless unsubscribed, bounced or complained.
 */
const consentModeSchema = z.enum(['opt_in', 'opt_out']).openapi('ConsentMode');

/** The organization's consent mode per channel. */
export const consentPolicySchema = z
  .object({ email: consentModeSchema, sms: consentModeSchema })
  .openapi('ConsentPolicy');

/** A change of the policy: the channels given change, the others keep their mode. */
export const consentPolicyUpdateSchema = z
  .object({ email: consentModeSchema.optional(), sms: consentModeSchema.optional() })
  .strict()
  .openapi('ConsentPolicyUpdate');
export type ConsentPolicyUpdate = z.input<typeof consentPolicyUpdateSchema>;

/** Where a consent change came from, e.g. `signup_form`, `support_call`, `sendgrid`. */
const sourceSchema = z.string().trim().min(1).max(200);

/** Body of `PUT /customers/{id}/consent/{channel}`. */
export const consentSetBodySchema = z
  .object({
    status: subscriptionStatusSchema,
    source: sourceSchema.optional().openapi({
      description: 'Where the change came from; kept in the audit row and the event',
      example: 'signup_form',
    }),
  })
  .strict()
  .openapi('ConsentSet');

/** Everything `setCustomerConsent` validates, so issues name `channel`, `status` or `source`. */
export const consentChangeSchema = z.object({
  channel: channelSchema,
  status: subscriptionStatusSchema,
  source: sourceSchema.nullish().transform((v) => v ?? null),
});

/**
 * Why a customer can or cannot receive on a channel. In order of precedence:
 * `unsubscribed` / `bounced` / `complained` (stored status blocks), `no_address` (no email or
 * phone on file), `subscribed` (explicit opt-in), `opt_out_default` (no status; the policy
 * is opt-out), `not_subscribed` (no status; the policy is opt-in).
 */
export const consentReasonSchema = z
  .enum([
    'unsubscribed',
    'bounced',
    'complained',
    'no_address',
    'subscribed',
    'opt_out_default',
    'not_subscribed',
  ])
  .openapi('ConsentReason');

/** One channel of a customer's consent. */
const channelConsentSchema = z
  .object({
    /** The stored status, or `null` when the customer never had one on this channel. */
    status: subscriptionStatusSchema.nullable(),
    updatedAt: z.string().openapi({ format: 'date-time' }).nullable(),
    /** The organization's mode for this channel. */
    mode: consentModeSchema,
    /** Whether the customer has an address for the channel (email / phone). */
    hasAddress: z.boolean(),
    /** Whether a campaign may send to this customer on this channel now. */
    canSend: z.boolean(),
    reason: consentReasonSchema,
  })
  .openapi('ChannelConsent');

/** A customer's consent on every channel. */
export const customerConsentSchema = z
  .object({
    customerId: z.uuid(),
    email: channelConsentSchema,
    sms: channelConsentSchema,
  })
  .openapi('CustomerConsent');

/** A `{id}/consent/{channel}` path. */
export const consentChannelParams = z.object({
  id: z.string().openapi({ param: { name: 'id', in: 'path' }, format: 'uuid' }),
  channel: z.enum(channelSchema.options).openapi({ param: { name: 'channel', in: 'path' } }),
});
