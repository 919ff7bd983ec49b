/**
 * The holdout share: stored beside the campaign and fixed once it starts; frozen with the
 * audience as exactly round(n × percent / 100) recipients chosen by md5(run ‖ customer);
 * none of them ever gets a message when the worker dispatches the run.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failure } from '../../../test/errors.js';
import { createTestGreenTrack, databaseKind } from '../../../test/harness.js';
import { audienceOf, startedHoldoutCampaign } from '../../../test/holdout-fixture.js';
import type { GreenTrack } from '../../greentrack.js';
import { systemScope } from '../../scope.js';
import { holdOut } from './snapshot.js';

describe(`campaign holdout [${databaseKind}]`, () => {
  let gt: GreenTrack;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ gt, cleanup } = await createTestGreenTrack());
  });
  afterAll(() => cleanup());

  it('stores the share (0–50, one decimal), and refuses to change it once started', async () => {
    const { org, campaign } = await startedHoldoutCampaign(gt, {
      customers: 3,
      holdoutPercent: 12.5,
    });
    expect(campaign.holdout_percent).toBe(12.5);
    expect((await org.campaigns.get(campaign.id)).holdout_percent).toBe(12.5);
    expect((await org.campaigns.list()).map((c) => c.holdout_percent)).toEqual([12.5]);
    // Running now: the share the snapshot used stays.
    expect((await failure(org.campaigns.update(campaign.id, { holdout_percent: 20 }))).code).toBe(
      'CAMPAIGN_LOCKED',
    );
    expect((await org.campaigns.update(campaign.id, { holdout_percent: 12.5 })).status).toBe(
      'running',
    );

    const draft = await org.campaigns.create({ name: 'Draft', channel: 'email' });
    expect(draft.holdout_percent).toBe(0);
    expect((await org.campaigns.update(draft.id, { holdout_percent: 50 })).holdout_percent).toBe(
      50,
    );
    expect((await org.campaigns.update(draft.id, { holdout_percent: 0 })).holdout_percent).toBe(0);
    const rows = await gt.db
      .selectFrom('campaign_holdouts')
      .select('campaign_id')
      .where('campaign_id', '=', draft.id)
      .execute();
    expect(rows).toEqual([]);
    for (const holdout_percent of [50.5, -1, 1.25, 1e-287])
      expect((await failure(org.campaigns.update(draft.id, { holdout_percent }))).code).toBe(
        'VALIDATION_FAILED',
      );
  });

  it('holds out exactly round(n × p / 100) recipients, by md5(run ‖ customer), and messages none of them', async () => {
    const { organizationId, org, campaign, run } = await startedHoldoutCampaign(gt, {
      customers: 37,
      holdoutPercent: 10,
    });
    const audience = await audienceOf(gt, run.id);
    expect(audience).toHaveLength(37);
    // round(3.7) = 4, the first four by md5(run id ‖ customer id).
    const expected = audience
      .map((a) => a.customerId)
      .sort((x, y) => {
        const h = (id: string) => createHash('md5').update(`${run.id}${id}`).digest('hex');
        return h(x).localeCompare(h(y)) || x.localeCompare(y);
      })
      .slice(0, 4);
    const heldOut = audience.filter((a) => a.heldOut);
    expect(heldOut.map((a) => a.customerId).sort()).toEqual(expected.sort());
    // The segment's reason is kept after the mark.
    expect(heldOut[0]?.reason).toMatch(/^\[holdout\] .*customer/);
    expect(run.stats).toEqual({ audience: 37, holdout: 4 });

    // Reproducible: marking again changes nothing.
    const scope = systemScope(
      { database: gt.database, clock: gt.clock, emit: () => {} },
      organizationId,
    );
    expect(await holdOut(scope, run.id, 10)).toBe(4);
    expect(await audienceOf(gt, run.id)).toEqual(audience);

    // The worker dispatches the run: 33 messages, none to a held-out customer.
    await gt.worker.tick();
    const messages = await gt.db
      .selectFrom('messages')
      .select('customer_id')
      .where('campaign_run_id', '=', run.id)
      .execute();
    expect(messages).toHaveLength(33);
    const held = new Set(expected);
    expect(messages.filter((m) => m.customer_id !== null && held.has(m.customer_id))).toEqual([]);
    const deliveries = await gt.db
      .selectFrom('campaign_deliveries')
      .select('customer_id')
      .where('campaign_run_id', '=', run.id)
      .execute();
    expect(deliveries.filter((d) => held.has(d.customer_id))).toEqual([]);
    expect((await org.campaigns.get(campaign.id)).status).toBe('completed');
    const [done] = await org.campaigns.runs(campaign.id);
    expect(done?.stats).toEqual({ audience: 37, holdout: 4, sent: 33 });
  });

  it('rounds half up, and holds out nobody at 0', async () => {
    const half = await startedHoldoutCampaign(gt, { customers: 5, holdoutPercent: 10 });
    expect((await audienceOf(gt, half.run.id)).filter((a) => a.heldOut)).toHaveLength(1);
    const none = await startedHoldoutCampaign(gt, { customers: 5, holdoutPercent: 0 });
    expect((await audienceOf(gt, none.run.id)).filter((a) => a.heldOut)).toHaveLength(0);
    expect(none.run.stats).toEqual({ audience: 5 });
  });
});
