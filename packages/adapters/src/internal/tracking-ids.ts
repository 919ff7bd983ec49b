import type { EmailMessage, SendContext } from '@greentrack/core';

/**
 * The ids a provider carries with a message and hands back in its webhook events (SendGrid
 * `custom_args`, Postmark `Metadata`), so an event maps back to our message, organization and
 * campaign without a lookup by the provider's own id. Prefixed: SendGrid puts custom args at
 * the top level of each event, beside its own fields (`email`, `event`, `sg_message_id`, …).
 * Short: Postmark takes metadata keys of at most 20 characters (values 80, 10 fields).
 */
const TRACKING_ID_KEYS = {
  messageId: 'gt_message_id',
  organizationId: 'gt_organization_id',
  campaignId: 'gt_campaign_id',
  campaignRunId: 'gt_campaign_run_id',
} as const;

/** The tracking ids of one message, as string pairs (both providers accept only strings). */
export function trackingIds(message: EmailMessage, context: SendContext): Record<string, string> {
  const ids: Record<string, string> = {
    [TRACKING_ID_KEYS.messageId]: message.messageId,
    [TRACKING_ID_KEYS.organizationId]: context.organizationId,
  };
  if (context.campaignId !== undefined) ids[TRACKING_ID_KEYS.campaignId] = context.campaignId;
  if (context.campaignRunId !== undefined)
    ids[TRACKING_ID_KEYS.campaignRunId] = context.campaignRunId;
  return ids;
}
