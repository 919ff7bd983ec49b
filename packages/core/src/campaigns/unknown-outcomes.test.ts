/**
 * Held deliveries (`unknown` outcomes): listed for a person, resolved by marking them sent or
 * failed, or resent under the same id; and the `dispatch.resendUnknown` policy reaching the
 * worker through the instance config.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestGreenTrack, databaseKind, makeOrganization } from '../../test/harness.js';
import { makeHeldMessage } from '../../test/held-message.js';
import { fixedClock } from '../clock.js';
import { isGreenTrackError } from '../errors.js';
import type { GreenTrack } from '../greentrack.js';
import { startDueCampaigns } from './runs.js';

describe(`unknown outcomes [${databaseKind}]`, () => {
  let gt: GreenTrack;
  let cleanup: () => Promise<void>;
  const clock = fixedClock('2026-06-01T09:00:00.000Z');

  beforeAll(async () => {
    // Non-idempotent: a resend is a second record, so the outbox shows exactly what went out.
    ({ gt, cleanup } = await createTestGreenTrack({
      clock,
      providers: { email: { outbox: { idempotent: false } } },
    }));
  });
  afterAll(() => cleanup());

  async function organization() {
    const fixture = await makeOrganization(gt, 'Held');
    const organizationId = fixture.organization.id;
    const as = (userId: string) => gt.as({ userId, organizationId });
    return {
      organizationId,
      owner: as(fixture.owner.id),
      admin: as(fixture.admin.id),
      staff: as(fixture.staff.id),
    };
  }

  const outbox = (organizationId: string, messageId: string) =>
    gt.database
      .tenant(organizationId)
      .selectFrom('outbox_messages')
      .select(['message_id', 'recipient'])
      .where('message_id', '=', messageId)
      .execute();

  const code = async (promise: Promise<unknown>) => {
    try {
      await promise;
    } catch (error) {
      if (isGreenTrackError(error)) return error.code;
      throw error;
    }
    return 'no error';
  };

  it('lists held messages oldest first, by campaign, a page at a time', async () => {
    const org = await organization();
    const first = await makeHeldMessage(gt, org.organizationId, org.owner);
    clock.advance(1000);
    const second = await makeHeldMessage(gt, org.organizationId, org.owner);
    const all = await org.staff.campaigns.unknownOutcomes();
    expect(all.items.map((i) => i.message_id)).toEqual([first.messageId, second.messageId]);
    expect(all.items[0]).toMatchObject({
      campaign_id: first.campaignId,
      campaign_run_id: first.campaignRunId,
      customer_id: first.customerId,
      address: first.email,
      channel: 'email',
      attempts: 1,
      reason: 'the worker stopped during the provider call: outcome unknown',
    });
    const page = await org.staff.campaigns.unknownOutcomes({ limit: 1 });
    expect(page.items.map((i) => i.message_id)).toEqual([first.messageId]);
    const rest = await org.staff.campaigns.unknownOutcomes({
      limit: 1,
      cursor: page.nextCursor ?? '',
    });
    expect(rest).toEqual({
      items: [expect.objectContaining({ message_id: second.messageId })],
      nextCursor: null,
    });
    const ofCampaign = await org.staff.campaigns.unknownOutcomes({ campaign_id: first.campaignId });
    expect(ofCampaign.items).toHaveLength(2);
    expect(
      (await org.staff.campaigns.unknownOutcomes({ campaign_id: randomUUID() })).items,
    ).toEqual([]);
    // Another organization sees none of them.
    const stranger = await organization();
    expect((await stranger.owner.campaigns.unknownOutcomes()).items).toEqual([]);
    expect(
      await code(stranger.owner.campaigns.resolveUnknown(first.messageId, { outcome: 'sent' })),
    ).toBe('CAMPAIGN_UNKNOWN_OUTCOME_NOT_FOUND');
  });

  it('marks a held message sent or failed once, moving its count out of unknown, with an audit entry', async () => {
    const org = await organization();
    const sent = await makeHeldMessage(gt, org.organizationId, org.owner);
    const failed = await makeHeldMessage(gt, org.organizationId, org.owner);
    expect(
      await org.staff.campaigns.resolveUnknown(sent.messageId, {
        outcome: 'sent',
        note: 'in the provider log',
      }),
    ).toEqual({
      message_id: sent.messageId,
      state: 'sent',
      reason: 'marked sent by a person: in the provider log',
    });
    await org.staff.campaigns.resolveUnknown(failed.messageId, { outcome: 'failed' });
    const db = gt.database.tenant(org.organizationId);
    const messages = await db
      .selectFrom('messages')
      .select(['id', 'status'])
      .where('id', 'in', [sent.messageId, failed.messageId])
      .execute();
    expect(Object.fromEntries(messages.map((m) => [m.id, m.status]))).toEqual({
      [sent.messageId]: 'sent',
      [failed.messageId]: 'failed',
    });
    const [run] = await org.owner.campaigns.runs(sent.campaignId);
    expect(run?.stats).toMatchObject({ unknown: 0, sent: 1, failed: 1 });
    expect((await org.owner.campaigns.unknownOutcomes()).items).toEqual([]);
    // Resolved is final; an id that is no campaign message is not found.
    expect(
      await code(org.staff.campaigns.resolveUnknown(sent.messageId, { outcome: 'failed' })),
    ).toBe('CAMPAIGN_OUTCOME_NOT_HELD');
    expect(await code(org.staff.campaigns.resolveUnknown(randomUUID(), { outcome: 'sent' }))).toBe(
      'CAMPAIGN_UNKNOWN_OUTCOME_NOT_FOUND',
    );
    expect(
      await code(
        org.staff.campaigns.resolveUnknown(failed.messageId, { outcome: 'maybe' as 'sent' }),
      ),
    ).toBe('VALIDATION_FAILED');
    const audit = await db
      .selectFrom('audit_log')
      .select(['action', 'entity_id'])
      .where('action', '=', 'campaign_delivery.resolve')
      .execute();
    expect(audit.map((a) => a.entity_id).sort()).toEqual([sent.messageId, failed.messageId].sort());
  });

  it('resends a held message under its same id (admin+), once', async () => {
    const org = await organization();
    const held = await makeHeldMessage(gt, org.organizationId, org.owner);
    expect(await code(org.staff.campaigns.resendUnknown(held.messageId))).toBe('FORBIDDEN');
    expect(await outbox(org.organizationId, held.messageId)).toEqual([]);
    const result = await org.admin.campaigns.resendUnknown(held.messageId);
    expect(result).toEqual({
      message_id: held.messageId,
      state: 'sent',
      reason: 'resent by a person',
    });
    expect(await outbox(org.organizationId, held.messageId)).toEqual([
      { message_id: held.messageId, recipient: held.email },
    ]);
    const delivery = await gt.database
      .tenant(org.organizationId)
      .selectFrom('campaign_deliveries')
      .select(['state', 'attempts'])
      .where('message_id', '=', held.messageId)
      .executeTakeFirstOrThrow();
    expect(delivery).toEqual({ state: 'sent', attempts: 2 });
    expect(await code(org.admin.campaigns.resendUnknown(held.messageId))).toBe(
      'CAMPAIGN_OUTCOME_NOT_HELD',
    );
    expect(await outbox(org.organizationId, held.messageId)).toHaveLength(1);
  });
});

describe(`the resendUnknown policy through the instance config [${databaseKind}]`, () => {
  /** A running one-recipient campaign whose delivery a killed worker left `handed`. */
  async function interruptedDelivery(resendUnknown: boolean) {
    const clock = fixedClock('2026-06-01T09:00:00.000Z');
    const { gt, cleanup } = await createTestGreenTrack({
      clock,
      providers: { email: { outbox: { idempotent: false } } },
      dispatch: { resendUnknown, leaseMs: 5000, sendTimeoutMs: 1000 },
    });
    const fixture = await makeOrganization(gt, 'Policy');
    const organizationId = fixture.organization.id;
    const owner = gt.as({ userId: fixture.owner.id, organizationId });
    const held = await makeHeldMessage(gt, organizationId, owner);
    // The same state one step earlier: handed, its lease run out.
    await gt.database
      .tenant(organizationId)
      .updateTable('campaign_deliveries')
      .set({ state: 'handed', lease_until: clock.now(), reason: null })
      .where('message_id', '=', held.messageId)
      .execute();
    clock.advance(1000);
    await startDueCampaigns({ database: gt.database, clock, emit: () => {} });
    await gt.worker.tick();
    const delivery = await gt.database
      .tenant(organizationId)
      .selectFrom('campaign_deliveries')
      .select('state')
      .where('message_id', '=', held.messageId)
      .executeTakeFirstOrThrow();
    const sends = await gt.database
      .tenant(organizationId)
      .selectFrom('outbox_messages')
      .select('message_id')
      .where('message_id', '=', held.messageId)
      .execute();
    await cleanup();
    return { state: delivery.state, sends: sends.length };
  }

  it('holds an interrupted message by default, and resends it under its id when configured', async () => {
    expect(await interruptedDelivery(false)).toEqual({ state: 'unknown', sends: 0 });
    expect(await interruptedDelivery(true)).toEqual({ state: 'sent', sends: 1 });
  });

  it('refuses a lease that cannot outlive the provider call', async () => {
    await expect(
      createTestGreenTrack({ dispatch: { leaseMs: 1000, sendTimeoutMs: 1000 } }),
    ).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
  });
});
