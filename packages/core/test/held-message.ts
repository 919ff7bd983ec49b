/**
 * A campaign message held as `unknown`, for tests of the routes that list and resolve them.
 * The state is written directly — as a worker killed during the provider call leaves it
 * (decision 76) — because dispatching here would also send every other running campaign of
 * the test's database; `dispatch.test.ts` and the crash drill produce it the real way.
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { GreenTrack } from '../src/greentrack.js';
import type { TenantFacade } from '../src/tenant.js';
import { startDueCampaignsOnly } from './harness.js';

export interface HeldMessage {
  messageId: string;
  campaignId: string;
  campaignRunId: string;
  customerId: string;
  email: string;
}

/** A running campaign of one recipient whose message is held, in `owner`'s organization. */
export async function makeHeldMessage(
  gt: GreenTrack,
  organizationId: string,
  owner: TenantFacade,
): Promise<HeldMessage> {
  const tag = randomBytes(4).toString('hex');
  const domain = `held-${tag}.test`;
  const customer = await owner.customers.create({
    name: `Held ${tag}`,
    type: 'customer',
    email: `r@${domain}`,
  });
  // Explicit consent: a test may have changed the organization's consent policy.
  await owner.consent.set(customer.id, 'email', 'subscribed');
  const db = gt.database.tenant(organizationId);
  const { id: templateId } = await db
    .insertInto('templates')
    .values({
      organization_id: organizationId,
      name: `Held ${tag}`,
      channel: 'email',
      subject: 'Hello',
      content: 'Hello {{ customer.name }}',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const segment = await owner.segments.create({
    name: `Held ${tag}`,
    rule: { field: 'email_domain', op: 'eq', value: domain },
  });
  const campaign = await owner.campaigns.create({
    name: `Held ${tag}`,
    channel: 'email',
    template_id: templateId,
    segment_id: segment.id,
  });
  await owner.campaigns.schedule(campaign.id);
  await startDueCampaignsOnly(gt);
  const [run] = await owner.campaigns.runs(campaign.id);
  if (!run) throw new Error('the campaign did not start');
  const messageId = await db.transaction().execute(async (tx) => {
    const message = await tx
      .insertInto('messages')
      .values({
        organization_id: organizationId,
        campaign_run_id: run.id,
        customer_id: customer.id,
        channel: 'email',
        to_address: customer.email ?? '',
        provider: 'outbox',
        template_id: templateId,
        subject: 'Hello',
        body: `<p>Hello ${customer.name}</p>`,
        status: 'queued',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const held = await tx
      .updateTable('campaign_deliveries')
      .set({
        state: 'unknown',
        message_id: message.id,
        attempts: 1,
        reason: 'the worker stopped during the provider call: outcome unknown',
      })
      .where('campaign_run_id', '=', run.id)
      .executeTakeFirst();
    if (held.numUpdatedRows !== 1n) throw new Error('the held message has no delivery');
    await sql`UPDATE campaign_runs SET stats = stats || '{"unknown": 1}'::jsonb WHERE id = ${run.id}`.execute(
      tx,
    );
    return message.id;
  });
  return {
    messageId,
    campaignId: campaign.id,
    campaignRunId: run.id,
    customerId: customer.id,
    email: customer.email ?? '',
  };
}
