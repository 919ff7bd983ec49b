/**
 * An email campaign end to end through one provider, for the SendGrid and Postmark tests: a
 * GreenTrack (PGlite, or the DATABASE_URL server) configured with the provider and working
 * tracking links, then `campaign-fixture.ts`'s campaign to `recipients` customers named
 * `Reader <i>` at `reader<i>-<suffix>@example.com`.
 */
import { randomBytes } from 'node:crypto';
import type { EmailProvider, GreenTrack } from '@greentrack/core';
import { dispatchCampaign } from './campaign-fixture.js';
import { createTestGreenTrack } from './greentrack.js';

export interface DispatchedCampaign {
  gt: GreenTrack;
  organizationId: string;
  campaignId: string;
  /** The campaign's messages as the API lists them. */
  messages: Awaited<ReturnType<typeof dispatchCampaign>>['messages'];
  cleanup: () => Promise<void>;
}

/** Dispatches a campaign to `recipients` customers through `email`. */
export async function dispatchCampaignThrough(
  email: EmailProvider,
  recipients: number,
): Promise<DispatchedCampaign> {
  const { gt, cleanup } = await createTestGreenTrack({
    providers: { email },
    // A real provider needs working unsubscribe links.
    secret: randomBytes(32).toString('hex'),
    tracking: { baseUrl: 'https://shop.example' },
    dispatch: { from: { email: 'news@bakery.example', name: 'Corner Bakery' } },
  });
  try {
    const suffix = randomBytes(4).toString('hex');
    const { campaign, messages } = await dispatchCampaign(gt, {
      channel: 'email',
      customers: Array.from({ length: recipients }, (_, i) => ({
        name: `Reader ${i}`,
        email: `reader${i}-${suffix}@example.com`,
      })),
      subject: 'Fresh bread, {{ customer.name }}',
      content: '<p>Hello {{ customer.name }}, the rye is out of the oven.</p>',
    });
    return {
      gt,
      organizationId: campaign.organization_id,
      campaignId: campaign.id,
      messages,
      cleanup,
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

/** The prefix of the address the e2e tests' local providers refuse (the fourth reader). */
export const REFUSED = 'reader3-';

/**
 * What the run recorded: the messages sent (all but the refused one) and, for the refused
 * one, its message row and its delivery's final state and reason.
 */
export async function outcomesOf(run: DispatchedCampaign) {
  const sent = run.messages.filter((m) => !m.to_address.startsWith(REFUSED));
  const refused = run.messages.find((m) => m.to_address.startsWith(REFUSED));
  const delivery = await run.gt.database
    .tenant(run.organizationId)
    .selectFrom('campaign_deliveries')
    .select(['state', 'reason'])
    .where('message_id', '=', refused?.id ?? '')
    .executeTakeFirstOrThrow();
  return { sent, refused, delivery };
}
