/**
 * zod inputs and outputs of the settings module: the organization's time zone and its
 * frequency cap per channel.
 */
import { z } from '@hono/zod-openapi';
import { canonicalTimeZone } from './time-zone.js';

/** An IANA time zone name the runtime knows (any letter case; stored canonical). */
const timeZoneSchema = z
  .string()
  .max(64)
  .refine((name) => canonicalTimeZone(name) !== null, {
    message: 'Unknown time zone: expected an IANA name such as America/New_York or UTC',
  })
  .openapi({ example: 'America/New_York' });

/** At most `messages` per customer on a channel in a rolling window of `days` days. */
const frequencyCapSchema = z
  .object({
    messages: z.int().min(1).max(1000),
    days: z.int().min(1).max(365),
  })
  .strict()
  .openapi('FrequencyCap');

/**
 * Ids of providers the host configured for a channel, in the order to try them (failover):
 * a subset, in any order. `null` = the host's order.
 */
const providerOrderSchema = z
  .array(z.string().min(1).max(64))
  .min(1)
  .max(10)
  .refine((ids) => new Set(ids).size === ids.length, { message: 'ids must be unique' })
  .openapi({ example: ['postmark', 'sendgrid'] });

/** The organization's sending settings. */
export const sendingSettingsSchema = z
  .object({
    /** Local time for recipients whose own zone is unknown (quiet hours). */
    timeZone: z.string(),
    /** The cap per channel; `null` = no cap. */
    frequencyCap: z.object({
      email: frequencyCapSchema.nullable(),
      sms: frequencyCapSchema.nullable(),
    }),
    /** Provider ids per channel in failover order; `null` = the host's order. */
    providers: z.object({
      email: z.array(z.string()).nullable(),
      sms: z.array(z.string()).nullable(),
    }),
  })
  .openapi('SendingSettings');

/**
 * A change of the settings: the fields given change, the others keep their value; a cap
 * set to `null` is removed.
 */
export const sendingSettingsUpdateSchema = z
  .object({
    timeZone: timeZoneSchema.optional(),
    frequencyCap: z
      .object({
        email: frequencyCapSchema.nullable().optional(),
        sms: frequencyCapSchema.nullable().optional(),
      })
      .strict()
      .optional(),
    providers: z
      .object({
        email: providerOrderSchema.nullable().optional(),
        sms: providerOrderSchema.nullable().optional(),
      })
      .strict()
      .optional(),
  })
  .strict()
  .openapi('SendingSettingsUpdate');
export type SendingSettingsUpdate = z.input<typeof sendingSettingsUpdateSchema>;
