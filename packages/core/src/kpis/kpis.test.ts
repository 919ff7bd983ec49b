/**
 * The KPI API on a hand-built fixture, with every expected number written out: per campaign
 * and run (from the materialized views), rates, the funnel, top campaigns and the daily
 * series; one organization never sees another's numbers; bad input → typed 4xx.
 *
 * Campaign Spring, run 1 (Ana, Ben, Cy, Dee in the audience; Hal held out, never sent):
 *   m1 Ana: delivered, opened twice, clicked · m2 Ben: delivered, opened, unsubscribed
 *   m3 Cy: bounced · m4 Dee: still queued (not sent)
 * run 2 (Ana, Eve): m5 Ana: delivered · m6 Eve: delivered, clicked (no open reported)
 * Conversions: Ana pays 50.00 on Apr 2 (last_click → m1; linear → m1 and m5, 25.00 each),
 * Eve's invoice paid 30.00 on Apr 3 (last_click → m6), Ana refunded 10.00 on Apr 4
 * (last_click → m1, −10.00).
 * Campaign Autumn, one run: m7 Ben delivered; Ben pays 90.00 on Apr 10 (last_click → m7).
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestGreenTrack, databaseKind, makeOrganization } from '../../test/harness.js';
import { fixedClock } from '../clock.js';
import type { AttributionModel, MessageEventType } from '../db/types.js';
import type { GreenTrack } from '../greentrack.js';
import type { TenantFacade } from '../tenant.js';

const SECRET = 'kpis-test-secret-0123456789abcdef0123';
const BASE = 'http://host.test/api/greentrack';
const SENT_AT = new Date('2026-04-01T10:00:00Z');

/** Writes a fixture as the pipeline would have, through the system road. */
async function seedCampaign(
  gt: GreenTrack,
  organizationId: string,
  name: string,
  runs: Array<{
    audience: string[];
    /** Frozen with the audience, marked held out as the holdout does; never sent. */
    heldOut?: string[];
    messages: Array<{ customer: string; sent: boolean; events: MessageEventType[] }>;
  }>,
) {
  const db = gt.database.system('the test writes a fixture');
  const campaign = await db
    .insertInto('campaigns')
    .values({ organization_id: organizationId, name, channel: 'email', status: 'completed' })
    .returning('id')
    .executeTakeFirstOrThrow();
  const runIds: string[] = [];
  const messageIds: string[] = [];
  for (const [index, run] of runs.entries()) {
    const { id: runId } = await db
      .insertInto('campaign_runs')
      .values({
        campaign_id: campaign.id,
        started_at: new Date(SENT_AT.getTime() + index * 60_000),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    runIds.push(runId);
    await db
      .insertInto('campaign_audience')
      .values(
        [
          ...run.audience.map((customer_id) => ({
            customer_id,
            included_reason: 'type = customer',
          })),
          ...(run.heldOut ?? []).map((customer_id) => ({
            customer_id,
            included_reason: '[holdout] type = customer',
          })),
        ].map((row) => ({
          ...row,
          campaign_run_id: runId,
          channel: 'email' as const,
          address: `${row.customer_id}@example.com`,
        })),
      )
      .execute();
    for (const message of run.messages) {
      const { id } = await db
        .insertInto('messages')
        .values({
          organization_id: organizationId,
          campaign_run_id: runId,
          customer_id: message.customer,
          channel: 'email',
          to_address: `${message.customer}@example.com`,
          body: 'Hi',
          status: message.sent ? 'sent' : 'queued',
          sent_at: message.sent ? SENT_AT : null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      messageIds.push(id);
      for (const [i, type] of message.events.entries()) {
        await db
          .insertInto('message_events')
          .values({
            organization_id: organizationId,
            message_id: id,
            type,
            occurred_at: new Date(SENT_AT.getTime() + (i + 1) * 60_000),
          })
          .execute();
      }
    }
  }
  return { campaignId: campaign.id, runIds, messageIds };
}

/** A conversion event and its attribution rows: [model, message id, cents] each. */
async function seedConversion(
  gt: GreenTrack,
  organizationId: string,
  conversion: { customer: string; name: string; at: string; revenue: number },
  credits: Array<[AttributionModel, string, number]>,
) {
  const db = gt.database.system('the test writes a fixture');
  const event = await db
    .insertInto('events')
    .values({
      organization_id: organizationId,
      customer_id: conversion.customer,
      name: conversion.name,
      source: 'system',
      occurred_at: new Date(conversion.at),
      properties: JSON.stringify({ revenue_cents: conversion.revenue }),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('attributions')
    .values(
      credits.map(([model, message_id, revenue_cents]) => ({
        organization_id: organizationId,
        customer_id: conversion.customer,
        message_id,
        event_id: event.id,
        conversion_name: conversion.name,
        revenue_cents,
        attributed_model: model,
      })),
    )
    .execute();
}

describe(`KPI API [${databaseKind}]`, () => {
  let gt: GreenTrack;
  let cleanup: () => Promise<void>;
  let home: Awaited<ReturnType<typeof makeOrganization>>;
  let staff: TenantFacade;
  let spring: Awaited<ReturnType<typeof seedCampaign>>;
  let autumn: Awaited<ReturnType<typeof seedCampaign>>;
  let foreign: Awaited<ReturnType<typeof seedCampaign>>;

  beforeAll(async () => {
    ({ gt, cleanup } = await createTestGreenTrack({
      clock: fixedClock('2026-05-01T00:00:00Z'),
      secret: SECRET,
    }));
    home = await makeOrganization(gt, 'Home');
    const other = await makeOrganization(gt, 'Other');
    staff = gt.as({ userId: home.staff.id, organizationId: home.organization.id });
    const owner = gt.as({ userId: home.owner.id, organizationId: home.organization.id });
    const [ana, ben, cy, dee, eve, hal] = await Promise.all(
      ['Ana', 'Ben', 'Cy', 'Dee', 'Eve', 'Hal'].map(
        async (name) => (await owner.customers.create({ name, type: 'customer' })).id,
      ),
    );
    if (!ana || !ben || !cy || !dee || !eve || !hal) throw new Error('fixture');
    const org = home.organization.id;
    spring = await seedCampaign(gt, org, 'Spring', [
      {
        audience: [ana, ben, cy, dee],
        heldOut: [hal],
        messages: [
          { customer: ana, sent: true, events: ['delivered', 'open', 'open', 'click'] },
          { customer: ben, sent: true, events: ['delivered', 'open', 'unsubscribe'] },
          { customer: cy, sent: true, events: ['bounce'] },
          { customer: dee, sent: false, events: [] },
        ],
      },
      {
        audience: [ana, eve],
        messages: [
          { customer: ana, sent: true, events: ['delivered'] },
          { customer: eve, sent: true, events: ['delivered', 'click'] },
        ],
      },
    ]);
    const [m1, , , , m5, m6] = spring.messageIds as [
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    await seedConversion(
      gt,
      org,
      { customer: ana, name: 'payment_received', at: '2026-04-02T10:00:00Z', revenue: 5000 },
      [
        ['last_click', m1, 5000],
        ['linear', m1, 2500],
        ['linear', m5, 2500],
      ],
    );
    await seedConversion(
      gt,
      org,
      { customer: eve, name: 'invoice_paid', at: '2026-04-03T10:00:00Z', revenue: 3000 },
      [['last_click', m6, 3000]],
    );
    await seedConversion(
      gt,
      org,
      { customer: ana, name: 'payment_refunded', at: '2026-04-04T10:00:00Z', revenue: -1000 },
      [['last_click', m1, -1000]],
    );
    autumn = await seedCampaign(gt, org, 'Autumn', [
      { audience: [ben], messages: [{ customer: ben, sent: true, events: ['delivered'] }] },
    ]);
    await seedConversion(
      gt,
      org,
      { customer: ben, name: 'payment_received', at: '2026-04-10T10:00:00Z', revenue: 9000 },
      [['last_click', autumn.messageIds[0] as string, 9000]],
    );
    // Another organization, richer than Home: none of it may show in Home's numbers.
    const otherOwner = gt.as({ userId: other.owner.id, organizationId: other.organization.id });
    const zed = (await otherOwner.customers.create({ name: 'Zed', type: 'customer' })).id;
    foreign = await seedCampaign(gt, other.organization.id, 'Foreign', [
      {
        audience: [zed],
        messages: [{ customer: zed, sent: true, events: ['delivered', 'click'] }],
      },
    ]);
    await seedConversion(
      gt,
      other.organization.id,
      { customer: zed, name: 'payment_received', at: '2026-04-02T12:00:00Z', revenue: 100_000 },
      [['last_click', foreign.messageIds[0] as string, 100_000]],
    );
    await gt.refreshMaterializedViews();
  });
  afterAll(() => cleanup());

  it('reports a campaign and each run from the views, rates from unique counts, with asOf', async () => {
    const kpis = await staff.kpis.campaign(spring.campaignId);
    expect(kpis).toEqual({
      campaignId: spring.campaignId,
      model: 'last_click',
      asOf: new Date('2026-05-01T00:00:00Z'),
      sent: 5,
      delivered: 4,
      opened: 2,
      clicked: 2,
      bounced: 1,
      unsubscribed: 1,
      // The refund lowers revenue; it is not a conversion.
      conversions: 2,
      revenueCents: 7000,
      rates: { delivery: 0.8, open: 0.5, click: 0.5, unsubscribe: 0.25, conversion: 0.5 },
      runs: [
        {
          campaignRunId: spring.runIds[0],
          startedAt: new Date('2026-04-01T10:00:00Z'),
          completedAt: null,
          sent: 3,
          delivered: 2,
          opened: 2,
          clicked: 1,
          bounced: 1,
          unsubscribed: 1,
          conversions: 1,
          revenueCents: 4000,
          rates: { delivery: 2 / 3, open: 1, click: 0.5, unsubscribe: 0.5, conversion: 0.5 },
        },
        {
          campaignRunId: spring.runIds[1],
          startedAt: new Date('2026-04-01T10:01:00Z'),
          completedAt: null,
          sent: 2,
          delivered: 2,
          opened: 0,
          clicked: 1,
          bounced: 0,
          unsubscribed: 0,
          conversions: 1,
          revenueCents: 3000,
          rates: { delivery: 1, open: 0, click: 0.5, unsubscribe: 0, conversion: 0.5 },
        },
      ],
    });
  });

  it('reads conversions and revenue of the model asked for', async () => {
    const linear = await staff.kpis.campaign(spring.campaignId, { model: 'linear' });
    expect(linear.runs.map((r) => [r.conversions, r.revenueCents])).toEqual([
      [1, 2500],
      [1, 2500],
    ]);
    expect(linear.revenueCents).toBe(5000);
    const decay = await staff.kpis.campaign(spring.campaignId, { model: 'time_decay' });
    expect([decay.conversions, decay.revenueCents, decay.rates.conversion]).toEqual([0, 0, 0]);
  });

  it('gives null rates when nothing was sent or delivered', async () => {
    const owner = gt.as({ userId: home.owner.id, organizationId: home.organization.id });
    const draft = await owner.campaigns.create({ name: 'Draft', channel: 'email' });
    const kpis = await staff.kpis.campaign(draft.id);
    expect(kpis).toMatchObject({ sent: 0, runs: [] });
    expect(kpis.rates).toEqual({
      delivery: null,
      open: null,
      click: null,
      unsubscribe: null,
      conversion: null,
    });
  });

  it('counts unique customers through the funnel, for the campaign and for one run', async () => {
    expect(await staff.kpis.funnel(spring.campaignId)).toEqual({
      campaignId: spring.campaignId,
      campaignRunId: null,
      model: 'last_click',
      audience: 5,
      sent: 4,
      delivered: 3,
      opened: 2,
      clicked: 2,
      converted: 2,
    });
    expect(await staff.kpis.funnel(spring.campaignId, { runId: spring.runIds[1] })).toEqual({
      campaignId: spring.campaignId,
      campaignRunId: spring.runIds[1],
      model: 'last_click',
      audience: 2,
      sent: 2,
      delivered: 2,
      opened: 0,
      clicked: 1,
      converted: 1,
    });
  });

  it('ranks campaigns by the revenue of conversions in the period', async () => {
    const all = await staff.kpis.topCampaigns({ from: '2026-04-01', to: '2026-04-30' });
    expect(all).toEqual({
      timeZone: 'UTC',
      model: 'last_click',
      items: [
        { campaignId: autumn.campaignId, name: 'Autumn', conversions: 1, revenueCents: 9000 },
        { campaignId: spring.campaignId, name: 'Spring', conversions: 2, revenueCents: 7000 },
      ],
    });
    const first = await staff.kpis.topCampaigns({ from: '2026-04-01', to: '2026-04-30', limit: 1 });
    expect(first.items.map((i) => i.name)).toEqual(['Autumn']);
    // Apr 3–4: Eve's 30.00 and the refund.
    const window = await staff.kpis.topCampaigns({ from: '2026-04-03', to: '2026-04-04' });
    expect(window.items).toEqual([
      { campaignId: spring.campaignId, name: 'Spring', conversions: 1, revenueCents: 2000 },
    ]);
  });

  it('gives a daily series with every day present', async () => {
    const series = await staff.kpis.series({
      from: '2026-03-31',
      to: '2026-04-04',
      campaignId: spring.campaignId,
    });
    const zero = { sends: 0, deliveries: 0, opens: 0, clicks: 0, conversions: 0, revenueCents: 0 };
    expect(series).toEqual({
      timeZone: 'UTC',
      model: 'last_click',
      days: [
        { date: '2026-03-31', ...zero },
        { date: '2026-04-01', ...zero, sends: 5, deliveries: 4, opens: 2, clicks: 2 },
        { date: '2026-04-02', ...zero, conversions: 1, revenueCents: 5000 },
        { date: '2026-04-03', ...zero, conversions: 1, revenueCents: 3000 },
        { date: '2026-04-04', ...zero, revenueCents: -1000 },
      ],
    });
    // Every campaign of the organization: Autumn's send and delivery join Spring's.
    const everything = await staff.kpis.series({ from: '2026-04-01', to: '2026-04-01' });
    expect(everything.days).toEqual([
      { date: '2026-04-01', ...zero, sends: 6, deliveries: 5, opens: 2, clicks: 2 },
    ]);
  });

  describe('isolation between organizations', () => {
    it("answers another organization's campaign like an unknown one", async () => {
      await expect(staff.kpis.campaign(foreign.campaignId)).rejects.toMatchObject({
        code: 'CAMPAIGN_NOT_FOUND',
      });
      await expect(staff.kpis.funnel(foreign.campaignId)).rejects.toMatchObject({
        code: 'CAMPAIGN_NOT_FOUND',
      });
      await expect(
        staff.kpis.series({ from: '2026-04-01', to: '2026-04-02', campaignId: foreign.campaignId }),
      ).rejects.toMatchObject({ code: 'CAMPAIGN_NOT_FOUND' });
      await expect(
        staff.kpis.funnel(spring.campaignId, { runId: foreign.runIds[0] }),
      ).rejects.toMatchObject({ code: 'CAMPAIGN_RUN_NOT_FOUND' });
    });

    it('never counts another organization in series or rankings', async () => {
      const series = await staff.kpis.series({ from: '2026-04-02', to: '2026-04-02' });
      expect(series.days[0]).toMatchObject({ conversions: 1, revenueCents: 5000 });
      const top = await staff.kpis.topCampaigns({ from: '2026-04-01', to: '2026-04-30' });
      expect(top.items.map((i) => i.name)).toEqual(['Autumn', 'Spring']);
    });

    it('lets tenant work read only its own rows of the views, and not the views themselves', async () => {
      const tenant = gt.database.tenant(home.organization.id);
      // No organization filter: the view alone confines the rows.
      const { rows } = await sql<{ organization_id: string }>`
        SELECT DISTINCT organization_id FROM kpi_campaign_performance
        UNION SELECT DISTINCT organization_id FROM kpi_revenue_by_campaign`.execute(tenant);
      expect(rows).toEqual([{ organization_id: home.organization.id }]);
      if (gt.database.rowLevelSecurity) {
        await expect(
          sql`SELECT count(*) FROM mv_campaign_performance`.execute(tenant),
        ).rejects.toThrow(/permission denied/);
      }
    });
  });

  describe('validation', () => {
    const bad = [
      [{ from: '2026-02-30', to: '2026-03-01' }, 'from'],
      [{ from: 'yesterday', to: '2026-03-01' }, 'from'],
      [{ from: '2026-03-02', to: '2026-03-01' }, 'to'],
      [{ from: '2025-01-01', to: '2026-01-02' }, 'to'],
    ] as const;
    for (const [query, path] of bad) {
      it(`refuses ${JSON.stringify(query)} naming ${path}`, async () => {
        await expect(staff.kpis.series(query)).rejects.toMatchObject({
          code: 'VALIDATION_FAILED',
          details: { issues: [expect.objectContaining({ path })] },
        });
      });
    }

    it('defaults to the 30 days ending today in the organization’s time zone', async () => {
      const series = await staff.kpis.series({});
      expect([series.days.length, series.days[0]?.date, series.days.at(-1)?.date]).toEqual([
        30,
        '2026-04-02',
        '2026-05-01',
      ]);
      const ending = await staff.kpis.series({ to: '2026-04-04' });
      expect(ending.days[0]?.date).toBe('2026-03-06');
      await expect(staff.kpis.topCampaigns({ from: '2025-04-30' })).rejects.toMatchObject({
        code: 'VALIDATION_FAILED',
        details: { issues: [{ path: 'to', message: 'the period must be at most 366 days' }] },
      });
    });

    it('accepts 366 days and refuses more than 50 top campaigns or an unknown model', async () => {
      const year = await staff.kpis.series({ from: '2024-01-01', to: '2024-12-31' });
      expect(year.days).toHaveLength(366);
      await expect(
        staff.kpis.topCampaigns({ from: '2026-04-01', to: '2026-04-02', limit: 51 }),
      ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
      await expect(
        staff.kpis.campaign(spring.campaignId, { model: 'u_shaped' as 'linear' }),
      ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    });

    it('answers over HTTP with typed 4xx', async () => {
      const token = gt.tokens.issue({
        userId: home.staff.id,
        organizationId: home.organization.id,
        scopes: ['campaign.read'],
      });
      const get = (path: string) =>
        gt.handler(
          new Request(`${BASE}${path}`, { headers: { authorization: `Bearer ${token}` } }),
        );
      const tooLong = await get('/kpis/series?from=2025-01-01&to=2026-01-02');
      expect(tooLong.status).toBe(400);
      expect(await tooLong.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
      const unknown = await get(`/campaigns/${foreign.campaignId}/kpis`);
      expect(unknown.status).toBe(404);
      expect(await unknown.json()).toMatchObject({ error: { code: 'CAMPAIGN_NOT_FOUND' } });
      // A dashboard token with `campaign.read` reads KPIs, and cannot refresh.
      const ok = await get(`/campaigns/${spring.campaignId}/kpis?model=linear`);
      expect(ok.status).toBe(200);
      expect(await ok.json()).toMatchObject({
        revenueCents: 5000,
        asOf: '2026-05-01T00:00:00.000Z',
      });
      const refresh = await gt.handler(
        new Request(`${BASE}/kpis/refresh`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}` },
        }),
      );
      expect(refresh.status).toBe(403);
    });
  });
});
