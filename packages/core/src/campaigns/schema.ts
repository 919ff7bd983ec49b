/**
 * Input and output shapes of the campaigns module (zod; the HTTP routes and the OpenAPI
 * document use the same schemas). Field names are the columns' (`template_id`, …).
 */
import { z } from '@hono/zod-openapi';
import { Timestamp } from '../http/schemas.js';

const text = (max: number) => z.string().trim().min(1).max(max);
const utm = z.string().trim().min(1).max(200).nullish();

/** 0–50 in steps of 0.1 (the column is `numeric(3, 1)`). */
const holdoutPercentSchema = z
  .number()
  .min(0)
  .max(50)
  // k / 10 is the double nearest to k tenths, so this holds exactly for one decimal and for
  // nothing else (a tiny positive number is not 0.0).
  .refine((v) => Math.round(v * 10) / 10 === v, { message: 'has more than one decimal' })
  .openapi({ multipleOf: 0.1 });

/** When the worker should start the campaign (ISO 8601 with an offset). */
const scheduleAtSchema = z.iso.datetime({ offset: true });

export const campaignCreateSchema = z
  .object({
    name: text(200),
    channel: z.enum(['email', 'sms']),
    objective: z.enum(['promotion', 'upsell', 'winback', 'nurture']).nullish(),
    template_id: z.uuid().nullish(),
    segment_id: z.uuid().nullish(),
    utm_source: utm,
    utm_medium: utm,
    utm_campaign: utm,
    /**
     * Percent of each run's audience held out of sending, to measure the campaign's lift
     * (`GET /campaigns/{id}/holdout`): 0 (none) to 50, in steps of 0.1. Fixed once started.
     * @default 0
     */
    holdout_percent: holdoutPercentSchema.optional(),
  })
  .strict()
  .openapi('CampaignCreate');
export type CampaignCreate = z.input<typeof campaignCreateSchema>;

export const campaignUpdateSchema = campaignCreateSchema
  .partial()
  .strict()
  .openapi('CampaignUpdate');
export type CampaignUpdate = z.input<typeof campaignUpdateSchema>;

export const campaignScheduleSchema = z
  .object({
    /** Start at this time; omitted: as soon as the worker runs. */
    schedule_at: scheduleAtSchema.optional(),
  })
  .strict()
  .openapi('CampaignSchedule');
export type CampaignSchedule = z.input<typeof campaignScheduleSchema>;

export const campaignOutSchema = z
  .object({
    id: z.uuid(),
    organization_id: z.uuid(),
    name: z.string(),
    objective: z.enum(['promotion', 'upsell', 'winback', 'nurture']).nullable(),
    channel: z.enum(['email', 'sms']),
    template_id: z.uuid().nullable(),
    segment_id: z.uuid().nullable(),
    status: z.enum(['draft', 'scheduled', 'running', 'paused', 'completed']),
    schedule_at: Timestamp.nullable(),
    utm_source: z.string().nullable(),
    utm_medium: z.string().nullable(),
    utm_campaign: z.string().nullable(),
    /** Percent of each run's audience held out of sending (0: none). */
    holdout_percent: z.number(),
    /** Set when the campaign was cancelled: when, and by whom. */
    cancelled: z
      .object({ at: Timestamp, by: z.object({ type: z.string(), id: z.string().nullable() }) })
      .nullable(),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .openapi('Campaign');

export const campaignListOutSchema = z.object({ items: z.array(campaignOutSchema) });

const campaignRunOutSchema = z
  .object({
    id: z.uuid(),
    campaign_id: z.uuid(),
    started_at: Timestamp.nullable(),
    completed_at: Timestamp.nullable(),
    /** Counts of the run: audience, sent, failed, … */
    stats: z.record(z.string(), z.number()),
  })
  .openapi('CampaignRun');

export const campaignRunListOutSchema = z.object({ items: z.array(campaignRunOutSchema) });

export const audienceQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().max(200).optional(),
});
export type AudienceQuery = z.input<typeof audienceQuerySchema>;

const audienceMemberOutSchema = z
  .object({
    id: z.uuid(),
    customer_id: z.uuid(),
    channel: z.enum(['email', 'sms']),
    address: z.string(),
    included_reason: z.string().nullable(),
    created_at: Timestamp,
  })
  .openapi('AudienceMember');

export const audiencePageOutSchema = z.object({
  items: z.array(audienceMemberOutSchema),
  nextCursor: z.string().nullable(),
});

export const campaignTestSchema = z
  .object({
    /** Where the test goes: an email address for an email campaign, E.164 for SMS. */
    to: z.string().trim().min(1).max(320),
    /** Render for this customer of the organization; omitted: the documented sample customer. */
    customerId: z.uuid().optional(),
  })
  .strict()
  .openapi('CampaignTest');
export type CampaignTest = z.input<typeof campaignTestSchema>;

export const campaignTestOutSchema = z
  .object({
    /** The id the provider got as ours (no `messages` row is written for a test). */
    message_id: z.uuid(),
    channel: z.enum(['email', 'sms']),
    /** The address as sent to (normalized: trimmed email, E.164 phone). */
    to: z.string(),
    provider: z.string(),
    provider_message_id: z.string().nullable(),
    /** The customer it was rendered for; null for the sample customer. */
    customer_id: z.uuid().nullable(),
    /** The subject as sent (email; `[Test]` prefixed), null for SMS. */
    subject: z.string().nullable(),
  })
  .openapi('CampaignTestResult');

const messageStatusSchema = z.enum(['queued', 'sent', 'delivered', 'bounced', 'failed']);

export const messageListQuerySchema = z.object({
  /** Only messages in this status. */
  status: messageStatusSchema.optional(),
  /** Only this run's messages. */
  run: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(300).optional(),
});
export type MessageListQuery = z.input<typeof messageListQuerySchema>;

const messageEventOutSchema = z
  .object({
    id: z.uuid(),
    type: z.enum(['delivered', 'open', 'click', 'bounce', 'spam', 'unsubscribe']),
    occurred_at: Timestamp,
    metadata: z.record(z.string(), z.unknown()),
  })
  .openapi('CampaignMessageEvent');

const messageOutSchema = z
  .object({
    id: z.uuid(),
    campaign_run_id: z.uuid(),
    customer_id: z.uuid().nullable(),
    channel: z.enum(['email', 'sms']),
    to_address: z.string(),
    provider: z.string().nullable(),
    provider_message_id: z.string().nullable(),
    template_id: z.uuid().nullable(),
    subject: z.string().nullable(),
    status: messageStatusSchema,
    sent_at: Timestamp.nullable(),
    created_at: Timestamp,
    /** What happened to the message, oldest first. */
    events: z.array(messageEventOutSchema),
  })
  .openapi('CampaignMessage');

export const messagePageOutSchema = z.object({
  items: z.array(messageOutSchema),
  nextCursor: z.string().nullable(),
});
export const unknownOutcomeQuerySchema = z.object({
  /** Only this campaign's held messages. */
  campaign_id: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().max(300).optional(),
});
export type UnknownOutcomeQuery = z.input<typeof unknownOutcomeQuerySchema>;

export const unknownOutcomeCursorSchema = z.object({ at: z.iso.datetime(), id: z.uuid() });

export const unknownOutcomeResolutionSchema = z
  .object({
    /** What the provider's own log says happened. */
    outcome: z.enum(['sent', 'failed']),
    /** Why, for the audit log (e.g. "found in SendGrid's activity feed"). */
    note: z.string().trim().min(1).max(500).optional(),
  })
  .strict()
  .openapi('UnknownOutcomeResolution');
export type UnknownOutcomeResolution = z.input<typeof unknownOutcomeResolutionSchema>;

const unknownOutcomeOutSchema = z
  .object({
    message_id: z.uuid(),
    campaign_id: z.uuid(),
    campaign_run_id: z.uuid(),
    customer_id: z.uuid(),
    address: z.string(),
    channel: z.enum(['email', 'sms']),
    reason: z.string().nullable(),
    attempts: z.number().int(),
    held_at: Timestamp,
  })
  .openapi('UnknownOutcome');

export const unknownOutcomePageOutSchema = z.object({
  items: z.array(unknownOutcomeOutSchema),
  nextCursor: z.string().nullable(),
});

export const unknownOutcomeResultOutSchema = z
  .object({
    message_id: z.uuid(),
    state: z.enum(['sent', 'failed', 'unknown']),
    reason: z.string().nullable(),
  })
  .openapi('UnknownOutcomeResult');
