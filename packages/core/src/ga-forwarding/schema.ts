/** Outputs of Google Analytics forwarding: the dashboard's status and an account check. */
import { z } from '@hono/zod-openapi';

const countsSchema = z.strictObject({
  pending: z.number().int().min(0),
  sent: z.number().int().min(0),
  failed: z.number().int().min(0),
  skipped: z.number().int().min(0),
});

export const gaForwardingStatusSchema = z
  .strictObject({
    /** The host configured a forwarder (`providers.analytics`). */
    configured: z.boolean(),
    /** The organization's active `google_analytics` account, if any. */
    integration_account_id: z.uuid().nullable(),
    /** Conversions per state, for that account. */
    counts: countsSchema,
    /** Skipped conversions per reason (`NO_CLIENT_ID`, `TOO_OLD`, …). */
    skipped_reasons: z.record(z.string(), z.number().int().min(0)),
    /** The most recent failure (a failed conversion, or a pending one being retried). */
    last_error: z
      .strictObject({
        event_id: z.uuid(),
        status: z.enum(['pending', 'failed']),
        error: z.string(),
        at: z.iso.datetime(),
      })
      .nullable(),
    last_sent_at: z.iso.datetime().nullable(),
  })
  .openapi('GaForwardingStatus');

export type GaForwardingStatus = z.infer<typeof gaForwardingStatusSchema>;

export const gaValidationSchema = z
  .strictObject({
    integration_account_id: z.uuid(),
    /** No validation message: GA's validation server accepts the request. */
    valid: z.boolean(),
    /** The request checked: a sample purchase as the pass would send it. */
    request: z.record(z.string(), z.unknown()),
    /** The validation server's messages, as it sent them. */
    validation_messages: z.array(
      z.strictObject({
        fieldPath: z.string(),
        description: z.string(),
        validationCode: z.string(),
      }),
    ),
  })
  .openapi('GaValidation');

export type GaValidation = z.infer<typeof gaValidationSchema>;
