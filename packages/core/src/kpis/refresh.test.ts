/**
 * The materialized views are refreshed on demand (admin+, at most once a minute for the
 * instance) and by the worker every `kpis.refreshIntervalMs`, one refresher at a time; every
 * KPI read from them says `asOf`, the recorded time of the last refresh. Time is the test
 * clock: nothing sleeps.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestGreenTrack, databaseKind, makeOrganization } from '../../test/harness.js';
import { fixedClock } from '../clock.js';
import type { GreenTrack } from '../greentrack.js';
import type { TenantFacade } from '../tenant.js';

const T0 = new Date('2026-06-01T09:00:00Z');
const MINUTE = 60_000;

describe(`KPI view refresh [${databaseKind}]`, () => {
  const clock = fixedClock(T0);
  let gt: GreenTrack;
  let cleanup: () => Promise<void>;
  let admin: TenantFacade;
  let staff: TenantFacade;
  let organizationId: string;
  let campaignId: string;
  let runId: string;

  /** One more sent message in the campaign's run. */
  const send = async () => {
    await gt.database
      .system('the test writes a fixture')
      .insertInto('messages')
      .values({
        organization_id: organizationId,
        campaign_run_id: runId,
        channel: 'email',
        to_address: 'someone@example.com',
        body: 'Hi',
        status: 'sent',
        sent_at: clock.now(),
      })
      .execute();
  };
  const sent = async () => (await staff.kpis.campaign(campaignId)).sent;

  beforeAll(async () => {
    ({ gt, cleanup } = await createTestGreenTrack({ clock }));
    const org = await makeOrganization(gt, 'Refresh');
    organizationId = org.organization.id;
    admin = gt.as({ userId: org.admin.id, organizationId });
    staff = gt.as({ userId: org.staff.id, organizationId });
    campaignId = (await admin.campaigns.create({ name: 'Weekly', channel: 'email' })).id;
    runId = (
      await gt.database
        .system('the test writes a fixture')
        .insertInto('campaign_runs')
        .values({ campaign_id: campaignId, started_at: T0 })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
  });
  afterAll(() => cleanup());

  it('reports asOf null before the first refresh, then refreshes on demand', async () => {
    await send();
    expect(await staff.kpis.campaign(campaignId)).toMatchObject({ asOf: null, sent: 0, runs: [] });
    await expect(staff.kpis.refresh()).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(await admin.kpis.refresh()).toEqual({ refreshed: true, asOf: T0 });
    expect(await staff.kpis.campaign(campaignId)).toMatchObject({ asOf: T0, sent: 1 });
    const { rows } = await sql<{ view_name: string; refreshed_at: Date }>`
      SELECT view_name, refreshed_at FROM materialized_view_refreshes ORDER BY 1`.execute(gt.db);
    expect(rows).toEqual([
      { view_name: 'mv_campaign_performance', refreshed_at: T0 },
      { view_name: 'mv_revenue_by_campaign', refreshed_at: T0 },
    ]);
  });

  it('refreshes on demand at most once a minute', async () => {
    await send();
    clock.advance(MINUTE - 1);
    expect(await admin.kpis.refresh()).toEqual({ refreshed: false, asOf: T0 });
    expect(await sent()).toBe(1);
    clock.advance(1);
    const now = clock.now();
    expect(await admin.kpis.refresh()).toEqual({ refreshed: true, asOf: now });
    expect(await sent()).toBe(2);
  });

  it('lets one of several simultaneous callers refresh', async () => {
    clock.advance(MINUTE);
    await send();
    const results = await Promise.all([admin.kpis.refresh(), admin.kpis.refresh()]);
    expect(results.map((r) => r.refreshed).sort()).toEqual([false, true]);
    expect(results.map((r) => r.asOf)).toEqual([clock.now(), clock.now()]);
    expect(await sent()).toBe(3);
  });

  it('is refreshed by the worker when the last refresh is 15 minutes old', async () => {
    const last = clock.now();
    await send();
    await gt.worker.tick();
    clock.advance(15 * MINUTE - 1);
    await gt.worker.tick();
    expect(await staff.kpis.campaign(campaignId)).toMatchObject({ asOf: last, sent: 3 });
    clock.advance(1);
    await gt.worker.tick();
    expect(await staff.kpis.campaign(campaignId)).toMatchObject({ asOf: clock.now(), sent: 4 });
  });

  it('skips a scheduled refresh while another session holds the refresh lock', async () => {
    // PGlite is one session, where advisory locks are re-entrant: there the in-process
    // queue (the test above) is what keeps refreshes apart.
    if (databaseKind !== 'postgres') return;
    clock.advance(15 * MINUTE);
    await gt.db.connection().execute(async (other) => {
      await sql`SELECT pg_advisory_lock(${sql.lit(0x67744b504976)})`.execute(other);
      try {
        const before = (await staff.kpis.campaign(campaignId)).asOf;
        expect(await admin.kpis.refresh()).toEqual({ refreshed: false, asOf: before });
      } finally {
        await sql`SELECT pg_advisory_unlock(${sql.lit(0x67744b504976)})`.execute(other);
      }
    });
    expect(await admin.kpis.refresh()).toEqual({ refreshed: true, asOf: clock.now() });
  });
});
