/**
 * Campaigns: the lifecycle table, drafts and their references, scheduling, the worker's
 * start with its frozen audience (consent, reachability, suppression, one row per address,
 * frequency cap), locks once started, cancellation, and the audit trail.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestGreenTrack, databaseKind, makeOrganization } from '../../test/harness.js';
import { fixedClock } from '../clock.js';
import type { CampaignStatus } from '../db/types.js';
import type { GreenTrack } from '../greentrack.js';
import type { Scope } from '../scope.js';
import { parseRule } from '../segments/index.js';
import type { TenantFacade } from '../tenant.js';
import { snapshotAudience } from './audience.js';
import { type CampaignAction, transition } from './lifecycle.js';
import { startDueCampaigns } from './runs.js';

const failure = async (promise: Promise<unknown>) => {
  try {
    await promise;
  } catch (error) {
    return error as { code: string; message: string; details?: unknown };
  }
  throw new Error('expected a failure');
};

describe('campaign lifecycle table', () => {
  // Every (status, action) pair: where it leads, or refused.
  const expected: Record<CampaignAction, Partial<Record<CampaignStatus, CampaignStatus>>> = {
    schedule: { draft: 'scheduled' },
    unschedule: { scheduled: 'draft' },
    start: { scheduled: 'running' },
    pause: { running: 'paused' },
    resume: { paused: 'running' },
    complete: { running: 'completed' },
    cancel: {
      draft: 'completed',
      scheduled: 'completed',
      running: 'completed',
      paused: 'completed',
    },
  };
  const statuses: CampaignStatus[] = ['draft', 'scheduled', 'running', 'paused', 'completed'];
  for (const [action, to] of Object.entries(expected) as Array<
    [CampaignAction, typeof expected.start]
  >) {
    it(`${action}`, () => {
      for (const from of statuses) {
        const target = to[from];
        if (target) expect(transition(from, action)).toBe(target);
        else
          expect(() => transition(from, action)).toThrow(
            `Cannot ${action} a campaign that is ${from}`,
          );
      }
    });
  }
});

describe(`campaigns [${databaseKind}]`, () => {
  let gt: GreenTrack;
  let cleanup: () => Promise<void>;
  let org: TenantFacade;
  let staff: TenantFacade;
  let organizationId: string;
  let emailTemplate: string;
  let smsTemplate: string;
  let segmentId: string;
  const clock = fixedClock('2026-06-01T09:00:00.000Z');

  const template = async (channel: 'email' | 'sms', organization = organizationId) =>
    (
      await gt.database
        .tenant(organization)
        .insertInto('templates')
        .values({
          organization_id: organization,
          name: `${channel} template`,
          channel,
          subject: channel === 'email' ? 'Hello' : null,
          content: 'Hello {{ customer.name }}',
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;

  beforeAll(async () => {
    ({ gt, cleanup } = await createTestGreenTrack({ clock }));
    const fixture = await makeOrganization(gt, 'Bakery');
    organizationId = fixture.organization.id;
    org = gt.as({ userId: fixture.admin.id, organizationId });
    staff = gt.as({ userId: fixture.staff.id, organizationId });
    emailTemplate = await template('email');
    smsTemplate = await template('sms');
    segmentId = (
      await org.segments.create({
        name: 'VIPs',
        rule: { field: 'tags', op: 'has_any', values: ['vip'] },
      })
    ).id;
  });
  afterAll(() => cleanup());

  const draft = (extra: Record<string, unknown> = {}) =>
    org.campaigns.create({
      name: 'Spring sale',
      channel: 'email',
      template_id: emailTemplate,
      segment_id: segmentId,
      ...extra,
    });

  it('creates drafts with the seed defaults, and refuses references outside the organization', async () => {
    const campaign = await staff.campaigns.create({ name: 'Idea', channel: 'sms' });
    expect(campaign).toMatchObject({
      status: 'draft',
      utm_source: 'greentrack',
      utm_medium: 'sms',
      template_id: null,
      cancelled: null,
    });
    const other = await makeOrganization(gt, 'Elsewhere');
    const foreign = await template('email', other.organization.id);
    const refused = await failure(draft({ template_id: foreign }));
    expect(refused).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: { issues: [{ path: 'template_id', message: 'no such template' }] },
    });
    const wrongChannel = await failure(draft({ template_id: smsTemplate }));
    expect(wrongChannel.message).toContain('the template is for sms, the campaign for email');
    expect((await failure(draft({ segment_id: randomUUID() }))).code).toBe('VALIDATION_FAILED');
  });

  it('schedules only complete drafts, and only admins do', async () => {
    const incomplete = await org.campaigns.create({ name: 'No template', channel: 'email' });
    expect(await failure(org.campaigns.schedule(incomplete.id))).toMatchObject({
      code: 'CAMPAIGN_INCOMPLETE',
      details: { missing: ['template_id', 'segment_id'] },
    });
    const campaign = await draft();
    expect((await failure(staff.campaigns.schedule(campaign.id))).code).toBe('FORBIDDEN');
    const scheduled = await org.campaigns.schedule(campaign.id, {
      schedule_at: '2026-06-01T12:00:00+02:00',
    });
    expect(scheduled).toMatchObject({ status: 'scheduled' });
    expect(scheduled.schedule_at?.toISOString()).toBe('2026-06-01T10:00:00.000Z');
    expect(await failure(org.campaigns.pause(campaign.id))).toMatchObject({
      code: 'CAMPAIGN_INVALID_TRANSITION',
      details: { status: 'scheduled', action: 'pause' },
    });
    expect((await failure(org.campaigns.remove(campaign.id))).code).toBe(
      'CAMPAIGN_INVALID_TRANSITION',
    );
    expect(await org.campaigns.unschedule(campaign.id)).toMatchObject({
      status: 'draft',
      schedule_at: null,
    });
    await org.campaigns.remove(campaign.id);
    expect((await failure(org.campaigns.get(campaign.id))).code).toBe('CAMPAIGN_NOT_FOUND');
  });

  it('is started by the worker when due: a run, a frozen audience, then pause, resume, lock and cancel', async () => {
    const vip = async (name: string, email: string | null, extra: Record<string, unknown> = {}) =>
      (await org.customers.create({ type: 'customer', name, email, tags: ['vip'], ...extra })).id;
    const ada = await vip('Ada', 'ada@example.com');
    const bob = await vip('Bob', 'bob@example.com');
    await vip('Nomail', null);
    const unsubscribed = await vip('Una', 'una@example.com');
    await org.consent.set(unsubscribed, 'email', 'unsubscribed');
    const bounced = await vip('Bea', 'bea@example.com');
    await org.consent.set(bounced, 'email', 'bounced');
    // Two customers, one address (different case): one message.
    const twinA = await vip('Twin A', 'twin@example.com');
    const twinB = await vip('Twin B', 'TWIN@example.com', { phone: null });
    await org.customers.create({ type: 'customer', name: 'Not VIP', email: 'nv@example.com' });

    const campaign = await draft();
    await org.campaigns.schedule(campaign.id, { schedule_at: '2026-06-01T09:30:00Z' });
    // The worker's scheduler alone (a tick would also send: see the end-to-end test).
    const started: unknown[] = [];
    const startDue = () =>
      startDueCampaigns({
        database: gt.database,
        clock,
        emit: (name, payload) => {
          if (name === 'campaign.started') started.push(payload);
        },
      });
    // Not due yet.
    expect(await startDue()).toHaveLength(0);
    clock.advance(30 * 60_000);
    expect(await startDue()).toHaveLength(1);
    // Twice due, once started.
    expect(await startDue()).toHaveLength(0);
    expect((await org.campaigns.get(campaign.id)).status).toBe('running');

    const [run] = await org.campaigns.runs(campaign.id);
    expect(run?.stats).toEqual({ audience: 3 });
    expect(started).toEqual([
      expect.objectContaining({ campaignId: campaign.id, campaignRunId: run?.id, audience: 3 }),
    ]);
    const { items } = await org.campaigns.audience(run?.id ?? '');
    expect(items.map((a) => a.customer_id).sort()).toEqual(
      [ada, bob, [twinA, twinB].sort()[0]].sort(),
    );
    expect(items.find((a) => a.customer_id === ada)).toMatchObject({
      channel: 'email',
      address: 'ada@example.com',
      included_reason: expect.stringContaining('vip'),
    });

    // Frozen: a new VIP after the start is not in this run.
    await vip('Late', 'late@example.com');
    expect((await org.campaigns.audience(run?.id ?? '')).items).toHaveLength(3);

    expect(await failure(org.campaigns.update(campaign.id, { segment_id: null }))).toMatchObject({
      code: 'CAMPAIGN_LOCKED',
      details: { fields: ['segment_id'] },
    });
    expect((await org.campaigns.update(campaign.id, { name: 'Renamed' })).name).toBe('Renamed');
    expect((await org.campaigns.pause(campaign.id)).status).toBe('paused');
    expect((await org.campaigns.resume(campaign.id)).status).toBe('running');
    const cancelled = await org.campaigns.cancel(campaign.id);
    expect(cancelled).toMatchObject({
      status: 'completed',
      cancelled: { at: clock.now().toISOString(), by: { type: 'user' } },
    });
    expect((await failure(org.campaigns.cancel(campaign.id))).code).toBe(
      'CAMPAIGN_INVALID_TRANSITION',
    );

    const audit = await org.auditLog.list({ limit: 50 });
    const actions = audit.items.filter((e) => e.entity_id === campaign.id).map((e) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        'campaign.create',
        'campaign.schedule',
        'campaign.start',
        'campaign.update',
        'campaign.pause',
        'campaign.resume',
        'campaign.cancel',
      ]),
    );
  });

  it('end to end: a worker tick starts the campaign and sends each recipient the rendered template once', async () => {
    const fixture = await makeOrganization(gt, 'Florist');
    const id = fixture.organization.id;
    const o = gt.as({ userId: fixture.owner.id, organizationId: id });
    for (const name of ['Ada Lovelace', 'Grace Hopper'])
      await o.customers.create({
        type: 'customer',
        name,
        email: `${name.split(' ')[0]}@example.com`,
        tags: ['vip'],
      });
    const template = await o.templates.create({
      channel: 'email',
      format: 'mjml',
      name: 'Spring',
      subject: 'Hi {{ customer.first_name }}',
      content:
        '<mjml><mj-body><mj-section><mj-column><mj-text>Hello {{ customer.name }} from {{ organization.name }}</mj-text></mj-column></mj-section></mj-body></mjml>',
    });
    const segment = await o.segments.create({
      name: 'vip',
      rule: { field: 'tags', op: 'has_any', values: ['vip'] },
    });
    const campaign = await o.campaigns.create({
      name: 'Spring',
      channel: 'email',
      template_id: template.id,
      segment_id: segment.id,
    });
    await o.campaigns.schedule(campaign.id);
    expect(await gt.worker.tick()).toMatchObject({
      campaignsStarted: 1,
      messagesSent: 2,
      messagesFailed: 0,
    });
    expect((await o.campaigns.get(campaign.id)).status).toBe('completed');
    const sent = await gt.database
      .tenant(id)
      .selectFrom('outbox_messages')
      .select(['recipient', 'subject', 'body', 'text_body'])
      .orderBy('recipient')
      .execute();
    expect(sent.map((m) => [m.recipient, m.subject])).toEqual([
      ['Ada@example.com', 'Hi Ada'],
      ['Grace@example.com', 'Hi Grace'],
    ]);
    expect(sent[0]?.body).toContain('Hello Ada Lovelace from Florist');
    expect(sent[0]?.body).toMatch(/<td[^>]+style="/);
    expect(sent[0]?.text_body).toContain('Hello Ada Lovelace from Florist');
    expect((await gt.worker.tick()).messagesSent).toBe(0);
  });

  it('snapshots SMS audiences by E.164 phone and honours a frequency cap', async () => {
    const fixture = await makeOrganization(gt, 'Texts');
    const id = fixture.organization.id;
    const o = gt.as({ userId: fixture.owner.id, organizationId: id });
    await o.consent.policy.set({ sms: 'opt_out' });
    const make = (name: string, phone: string | null) =>
      o.customers.create({ type: 'customer', name, phone, country: 'US', tags: ['vip'] });
    const reachable = await make('Phone', '+14155550100');
    const capped = await make('Busy', '+14155550101');
    await make('No phone', null);
    const segment = await o.segments.create({
      name: 'vip',
      rule: { field: 'tags', op: 'has_any', values: ['vip'] },
    });
    const db = gt.database.tenant(id);
    // Two SMS sent this week to Busy; one queued and one failed to Phone count for nothing.
    const daysAgo = (d: number) => new Date(clock.now().getTime() - d * 86_400_000);
    await db
      .insertInto('messages')
      .values([
        ...[1, 2].map((d) => ({
          organization_id: id,
          customer_id: capped.id,
          channel: 'sms' as const,
          to_address: '+14155550101',
          body: 'earlier',
          status: 'sent' as const,
          sent_at: daysAgo(d),
          created_at: daysAgo(d),
        })),
        ...(['queued', 'failed'] as const).map((status) => ({
          organization_id: id,
          customer_id: reachable.id,
          channel: 'sms' as const,
          to_address: '+14155550100',
          body: 'never sent',
          status,
          created_at: daysAgo(1),
        })),
      ])
      .execute();
    const campaign = await db
      .insertInto('campaigns')
      .values({ organization_id: id, name: 'Texts', channel: 'sms', segment_id: segment.id })
      .returning('id')
      .executeTakeFirstOrThrow();
    const run = await db
      .insertInto('campaign_runs')
      .values({ campaign_id: campaign.id })
      .returning('id')
      .executeTakeFirstOrThrow();
    const scope: Scope = {
      db,
      organizationId: id,
      actor: { type: 'system', id: null },
      role: 'owner',
      clock,
      emit: () => {},
    };
    const definition = { rule: parseRule({ field: 'tags', op: 'has_any', values: ['vip'] }) };
    const n = await snapshotAudience(scope, {
      campaignRunId: run.id,
      channel: 'sms',
      definition,
      frequencyCap: { messages: 2, days: 7 },
    });
    expect(n).toBe(1);
    const rows = await db
      .selectFrom('campaign_audience')
      .select(['customer_id', 'address'])
      .execute();
    expect(rows).toEqual([{ customer_id: reachable.id, address: '+14155550100' }]);
    // Idempotent: the same snapshot again adds nothing; without the cap, Busy joins.
    const capped2 = { campaignRunId: run.id, channel: 'sms' as const, definition };
    expect(
      await snapshotAudience(scope, { ...capped2, frequencyCap: { messages: 2, days: 7 } }),
    ).toBe(0);
    expect(await snapshotAudience(scope, capped2)).toBe(1);
  });
});
