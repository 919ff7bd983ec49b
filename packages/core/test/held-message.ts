/**
 * A campaign message held as `unknown`, for tests of the routes that list and resolve them.
 * The state is written directly — as a worker killed during the provider call leaves it
 * (decision 76) — because dispatching here would also send every other running campaign of
 * the test's database; `dispatch.test.ts` and the crash drill produce it the real way.
 *
 * One started campaign per organization is made on first use; each call then adds one
 * recipient to its run (customer, audience row, message, held delivery) in one transaction,
 * cheap enough for the isolation matrix and the fuzzer to make one per request.
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

interface HeldRun {
  campaignId: string;
  campaignRunId: string;
  templateId: string;
}

const runs = new WeakMap<GreenTrack, Map<string, Promise<HeldRun>>>();

/** A started email campaign whose audience is empty (its segment matches nobody). */
async function heldRun(
  gt: GreenTrack,
  organizationId: string,
  owner: TenantFacade,
): Promise<HeldRun> {
  const tag = randomBytes(4).toString('hex');
  const { id: templateId } = await gt.database
    .tenant(organizationId)
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
    rule: { field: 'email_domain', op: 'eq', value: `nobody-${tag}.test` },
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
  return { campaignId: campaign.id, campaignRunId: run.id, templateId };
}

/** A recipient of a started campaign whose message is held, in `owner`'s organization. */
export async function makeHeldMessage(
  gt: GreenTrack,
  organizationId: string,
  owner: TenantFacade,
): Promise<HeldMessage> {
  const byOrganization = runs.get(gt) ?? new Map<string, Promise<HeldRun>>();
  runs.set(gt, byOrganization);
  let pending = byOrganization.get(organizationId);
  if (!pending) {
    pending = heldRun(gt, organizationId, owner);
    byOrganization.set(organizationId, pending);
  }
  const run = await pending;
  const email = `r@held-${randomBytes(4).toString('hex')}.test`;
  return gt.database
    .tenant(organizationId)
    .transaction()
    .execute(async (tx) => {
      const customer = await tx
        .insertInto('customers')
        .values({ organization_id: organizationId, type: 'customer', name: 'Held', email })
        .returning('id')
        .executeTakeFirstOrThrow();
      const audience = await tx
        .insertInto('campaign_audience')
        .values({
          campaign_run_id: run.campaignRunId,
          customer_id: customer.id,
          channel: 'email',
          address: email,
          included_reason: 'a test fixture',
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const message = await tx
        .insertInto('messages')
        .values({
          organization_id: organizationId,
          campaign_run_id: run.campaignRunId,
          customer_id: customer.id,
          channel: 'email',
          to_address: email,
          provider: 'outbox',
          template_id: run.templateId,
          subject: 'Hello',
          body: '<p>Hello Held</p>',
          status: 'queued',
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await tx
        .insertInto('campaign_deliveries')
        .values({
          audience_id: audience.id,
          organization_id: organizationId,
          campaign_run_id: run.campaignRunId,
          customer_id: customer.id,
          state: 'unknown',
          message_id: message.id,
          attempts: 1,
          // The instance's clock decides what is due, as in the snapshot (tests fix it).
          not_before: gt.clock.now(),
          updated_at: gt.clock.now(),
          reason: 'the worker stopped during the provider call: outcome unknown',
        })
        .execute();
      await sql`UPDATE campaign_runs
                   SET stats = stats || jsonb_build_object('unknown', coalesce((stats ->> 'unknown')::int, 0) + 1)
                 WHERE id = ${run.campaignRunId}`.execute(tx);
      return {
        messageId: message.id,
        campaignId: run.campaignId,
        campaignRunId: run.campaignRunId,
        customerId: customer.id,
        email,
      };
    });
}
