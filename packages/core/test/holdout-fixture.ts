/**
 * A started email campaign with a holdout over `customers` set-based customers (all of
 * type `customer`, each with an email), for the holdout tests: the real snapshot freezes the
 * audience and its holdout; nothing is dispatched.
 */
import { sql } from 'kysely';
import type { GreenTrack } from '../src/greentrack.js';
import { makeOrganization, startDueCampaignsOnly } from './harness.js';

export async function startedHoldoutCampaign(
  gt: GreenTrack,
  options: { customers: number; holdoutPercent: number },
) {
  const fixture = await makeOrganization(gt, 'Holdout');
  const organizationId = fixture.organization.id;
  const org = gt.as({ userId: fixture.owner.id, organizationId });
  await sql`INSERT INTO customers (organization_id, type, name, email)
            SELECT ${organizationId}::uuid, 'customer', 'Customer ' || i, 'c' || i || '@example.com'
              FROM generate_series(1, ${options.customers}::int) i`.execute(gt.db);
  const template = await gt.db
    .insertInto('templates')
    .values({
      organization_id: organizationId,
      name: 'Offer',
      channel: 'email',
      subject: 'An offer',
      content: 'Hello {{ customer.name }}',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const segment = await org.segments.create({
    name: 'Customers',
    rule: { field: 'type', op: 'eq', value: 'customer' },
  });
  const campaign = await org.campaigns.create({
    name: 'Offer',
    channel: 'email',
    template_id: template.id,
    segment_id: segment.id,
    holdout_percent: options.holdoutPercent,
  });
  await org.campaigns.schedule(campaign.id);
  await startDueCampaignsOnly(gt);
  const [run] = await org.campaigns.runs(campaign.id);
  if (!run?.started_at) throw new Error('the campaign did not start');
  return { organizationId, org, owner: fixture.owner, campaign, run, startedAt: run.started_at };
}

/** The run's audience: customer id → held out or not. */
export async function audienceOf(gt: GreenTrack, runId: string) {
  const rows = await gt.db
    .selectFrom('campaign_audience')
    .select(['customer_id', 'included_reason'])
    .where('campaign_run_id', '=', runId)
    .orderBy('customer_id')
    .execute();
  return rows.map((r) => ({
    customerId: r.customer_id,
    reason: r.included_reason,
    heldOut: r.included_reason?.startsWith('[holdout] ') ?? false,
  }));
}

/** Inserts conversion events as the conversions contract writes them, in one statement. */
export async function insertConversions(
  gt: GreenTrack,
  organizationId: string,
  rows: Array<{ customerId: string; name: string; revenueCents: number; at: Date }>,
) {
  if (rows.length === 0) return;
  await sql`INSERT INTO events (organization_id, customer_id, name, source, properties, occurred_at)
            SELECT ${organizationId}::uuid, x.customer_id, x.name, 'system',
                   jsonb_build_object('revenue_cents', x.revenue, 'currency', 'usd'), x.at
              FROM unnest(${rows.map((r) => r.customerId)}::uuid[], ${rows.map((r) => r.name)}::text[],
                          ${rows.map((r) => r.revenueCents)}::int[], ${rows.map((r) => r.at.toISOString())}::timestamptz[])
                AS x(customer_id, name, revenue, at)`.execute(gt.db);
}
