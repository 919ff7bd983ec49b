/** zod inputs and outputs of the sms-keywords module: the organization's HELP answer. */
import { z } from '@hono/zod-openapi';

/** An organization's SMS keyword settings, as read. */
export const smsKeywordSettingsSchema = z
  .object({
    /** The organization's own HELP answer; `null` = the default. */
    helpReply: z.string().nullable(),
    /** What a HELP is answered with now: `helpReply`, or the default naming the organization. */
    effectiveHelpReply: z.string(),
  })
  .openapi('SmsKeywordSettings');

/** A change: `helpReply` set to a text, or to `null` for the default again. */
export const smsKeywordSettingsUpdateSchema = z
  .object({
    helpReply: z
      .string()
      .trim()
      .min(1)
      // Two GSM-7 segments are 306 characters; 320 leaves room without a third.
      .max(320)
      .nullable()
      .openapi({ example: 'Green Shop: help at shop.example/help. Reply STOP to unsubscribe.' }),
  })
  .strict()
  .openapi('SmsKeywordSettingsUpdate');
export type SmsKeywordSettingsUpdate = z.input<typeof smsKeywordSettingsUpdateSchema>;
