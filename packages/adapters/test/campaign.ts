/**
 * A campaign dispatched end to end through an email provider: a GreenTrack (PGlite, or the
 * DATABASE_URL server) configured with the provider, an organization with subscribed
 * customers, an email template, a segment and a campaign, started and sent by
 * `gt.worker.tick()` — the path a host's worker takes.
 */
import { randomBytes } from 'node:crypto';
import type { EmailProvider, GreenTrack } from '@greentrack/core';
import { createTestGreenTrack } from './greentrack.js';

export interface DispatchedCampaign {
  gt: GreenTrack;
  organizationId: string;
  campaignId: string;
  customers: Array<{ id: string; email: string }>;
  /** The campaign's `messages` rows after the tick. */
  messages: Array<{
    id: string;
    customer_id: string | null;
    to_address: string;
    status: string;
    provider: string | null;
    provider_message_id: string | null;
  }>;
  cleanup: () => Promise<void>;
}

/** Dispatches a campaign to `recipients` subscribed customers through `email`. */
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
    const owner = await gt.users.create({ email: `owner-${suffix}@example.com`, name: 'Owner' });
    const { organization } = await gt.organizations.create({
      name: 'Corner Bakery',
      ownerUserId: owner.id,
    });
    const org = gt.as({ userId: owner.id, organizationId: organization.id });
    const customers: Array<{ id: string; email: string }> = [];
    for (let i = 0; i < recipients; i++) {
      const customer = await org.customers.create({
        type: 'customer',
        name: `Reader ${i}`,
        email: `reader${i}-${suffix}@example.com`,
        tags: ['bread'],
      });
      await org.consent.set(customer.id, 'email', 'subscribed', { source: 'test' });
      customers.push({ id: customer.id, email: customer.email ?? '' });
    }
    const template = await org.templates.create({
      channel: 'email',
      name: 'Fresh bread',
      subject: 'Fresh bread, {{ customer.name }}',
      content: '<p>Hello {{ customer.name }}, the rye is out of the oven.</p>',
    });
    const segment = await org.segments.create({
      name: 'Bread lovers',
      rule: { field: 'tags', op: 'has_any', values: ['bread'] },
    });
    const campaign = await org.campaigns.create({
      name: 'Rye day',
      channel: 'email',
      template_id: template.id,
      segment_id: segment.id,
    });
    await org.campaigns.schedule(campaign.id);
    await gt.worker.tick();
    const messages = await gt.database
      .tenant(organization.id)
      .selectFrom('messages')
      .select(['id', 'customer_id', 'to_address', 'status', 'provider', 'provider_message_id'])
      .where('organization_id', '=', organization.id)
      .execute();
    return {
      gt,
      organizationId: organization.id,
      campaignId: campaign.id,
      customers,
      messages,
      cleanup,
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}
