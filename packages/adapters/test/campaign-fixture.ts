/**
 * A campaign end to end through the public facade, for adapter tests: an organization, its
 * customers (SMS ones with consent), a template, a segment of them, a campaign scheduled
 * now, then worker ticks until it completes. Returns the `messages` rows as recorded.
 */
import { randomBytes } from 'node:crypto';
import type { GreenTrack } from '@greentrack/core';

export interface FixtureCustomer {
  name: string;
  email?: string;
  phone?: string;
}

export interface CampaignFixture {
  channel: 'email' | 'sms';
  customers: FixtureCustomer[];
  content: string;
  /** Email only. */
  subject?: string;
}

/** The organization, its customers and a campaign scheduled to start now (not yet run). */
export async function scheduleCampaign(gt: GreenTrack, fixture: CampaignFixture) {
  const suffix = randomBytes(4).toString('hex');
  const owner = await gt.users.create({ email: `owner-${suffix}@example.com`, name: 'Owner' });
  const { organization } = await gt.organizations.create({
    name: 'Green Shop',
    ownerUserId: owner.id,
  });
  const org = gt.as({ userId: owner.id, organizationId: organization.id });
  const tag = `e2e-${suffix}`;
  const customers = [];
  for (const customer of fixture.customers) {
    const created = await org.customers.create({ type: 'customer', ...customer, tags: [tag] });
    // SMS is opt-in by default: only subscribed numbers are messaged.
    if (fixture.channel === 'sms') {
      await org.consent.set(created.id, 'sms', 'subscribed', { source: 'checkout' });
    }
    customers.push(created);
  }
  const template = await org.templates.create(
    fixture.channel === 'email'
      ? {
          channel: 'email',
          name: 'Spring',
          subject: fixture.subject ?? 'Spring',
          content: fixture.content,
        }
      : { channel: 'sms', name: 'Spring', content: fixture.content },
  );
  const segment = await org.segments.create({
    name: 'E2E',
    rule: { field: 'tags', op: 'has_any', values: [tag] },
  });
  const campaign = await org.campaigns.create({
    name: 'Spring',
    channel: fixture.channel,
    template_id: template.id,
    segment_id: segment.id,
  });
  await org.campaigns.schedule(campaign.id);
  return { org, campaign, customers };
}

/** What GreenTrack recorded for the run, plus the customers' ids. */
export async function dispatchCampaign(gt: GreenTrack, fixture: CampaignFixture) {
  const { org, campaign, customers } = await scheduleCampaign(gt, fixture);
  const started = Date.now();
  for (let tick = 0; tick < 20; tick++) {
    await gt.worker.tick();
    if ((await org.campaigns.get(campaign.id)).status === 'completed') break;
  }
  const { items } = await org.campaigns.messages(campaign.id, { limit: 200 });
  return {
    org,
    campaign: await org.campaigns.get(campaign.id),
    customers,
    messages: items,
    elapsedMs: Date.now() - started,
  };
}
