/**
 * Send-time rules end to end, through `gt.worker.tick()` and the injectable clock:
 * - the organization's frequency cap shapes the audience snapshot (only SENT messages
 *   count), and is re-checked at send time: a recipient who reached it since the snapshot
 *   is skipped, with the reason;
 * - quiet hours: SMS recipients for whom it is night are deferred to 08:00 in their zone
 *   (phone country, else address country, else the organization's zone), sent at later
 *   ticks — none lost, none twice — and a deferral does not use up an attempt.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestGreenTrack,
  databaseKind,
  makeOrganization,
  startDueCampaignsOnly,
} from '../../test/harness.js';
import { fixedClock } from '../clock.js';
import type { GreenTrack } from '../greentrack.js';
import { FREQUENCY_CAP_REASON } from './send-time.js';

describe(`send-time rules [${databaseKind}]`, () => {
  let gt: GreenTrack;
  let cleanup: () => Promise<void>;
  // A Monday, 09:00 UTC: 10:00 in London, 14:45 in Kathmandu, 05:00 in New York,
  // 02:00 in Los Angeles.
  const clock = fixedClock('2026-06-01T09:00:00.000Z');

  beforeAll(async () => {
    ({ gt, cleanup } = await createTestGreenTrack({ clock }));
  });
  afterAll(() => cleanup());

  /** An organization whose customers tagged `vip` get a campaign on `channel`, scheduled now. */
  async function organization(name: string) {
    const fixture = await makeOrganization(gt, name);
    const organizationId = fixture.organization.id;
    const org = gt.as({ userId: fixture.owner.id, organizationId });
    await org.consent.policy.set({ sms: 'opt_out' });
    const db = gt.database.tenant(organizationId);
    const customer = (
      name: string,
      contact: { email?: string; phone?: string; country?: string },
    ) => org.customers.create({ type: 'customer', name, tags: ['vip'], ...contact });
    const schedule = async (channel: 'email' | 'sms') => {
      const template =
        channel === 'email'
          ? await org.templates.create({
              channel,
              name: 'News',
              subject: 'News',
              content: 'Hi {{ customer.name }}',
            })
          : await org.templates.create({
              channel,
              name: 'Text',
              content: 'Hi {{ customer.name }}',
            });
      const segment = await org.segments.create({
        name: `vip ${channel}`,
        rule: { field: 'tags', op: 'has_any', values: ['vip'] },
      });
      const campaign = await org.campaigns.create({
        name: `News ${channel}`,
        channel,
        template_id: template.id,
        segment_id: segment.id,
      });
      await org.campaigns.schedule(campaign.id);
      return campaign;
    };
    const deliveries = async () =>
      db
        .selectFrom('campaign_deliveries')
        .select(['customer_id', 'state', 'attempts', 'not_before', 'reason'])
        .execute();
    const outbox = async () =>
      db.selectFrom('outbox_messages').select(['recipient']).orderBy('recipient').execute();
    /** A message sent to `customerId` `daysAgo` days ago (or one that never went out). */
    const earlier = (
      customerId: string,
      channel: 'email' | 'sms',
      to: string,
      daysAgo: number,
      status: 'sent' | 'failed' | 'queued' = 'sent',
    ) => {
      const at = new Date(clock.now().getTime() - daysAgo * 86_400_000);
      return db
        .insertInto('messages')
        .values({
          organization_id: organizationId,
          customer_id: customerId,
          channel,
          to_address: to,
          body: 'earlier',
          status,
          sent_at: status === 'sent' ? at : null,
          created_at: at,
        })
        .execute();
    };
    return { organizationId, org, db, customer, schedule, deliveries, outbox, earlier };
  }

  it('quiet hours: deferred to 08:00 local, sent at later ticks, none lost or twice, no attempt used', async () => {
    clock.set('2026-06-01T09:00:00.000Z');
    const o = await organization('Quiet');
    await o.org.settings.sending.set({ timeZone: 'America/Los_Angeles' });
    const london = await o.customer('London', { phone: '+447400123456', country: 'US' });
    const kathmandu = await o.customer('Kathmandu', { phone: '+9779841234567' });
    const us = await o.customer('US', { phone: '+14155550100' });
    // A number of no country and no address country: the organization's zone decides.
    const nowhere = await o.customer('Freephone', { phone: '+80012345678' });
    await o.db
      .updateTable('customers')
      .set({ country: null })
      .where('id', '=', nowhere.id)
      .execute();
    const campaign = await o.schedule('sms');

    expect(await gt.worker.tick()).toMatchObject({ campaignsStarted: 1, messagesSent: 2 });
    expect((await o.outbox()).map((m) => m.recipient)).toEqual(
      [london.phone, kathmandu.phone].sort(),
    );
    const byCustomer = async () => new Map((await o.deliveries()).map((d) => [d.customer_id, d]));
    let ledger = await byCustomer();
    // 08:00 in Los Angeles is 15:00 UTC; 08:00 in Honolulu (the last US zone to wake) 18:00.
    expect(ledger.get(nowhere.id)).toMatchObject({
      state: 'pending',
      attempts: 0,
      not_before: new Date('2026-06-01T15:00:00.000Z'),
      reason: expect.stringMatching(/quiet hours/),
    });
    expect(ledger.get(us.id)).toMatchObject({
      state: 'pending',
      attempts: 0,
      not_before: new Date('2026-06-01T18:00:00.000Z'),
    });

    // Still night for both: nothing is claimed, nothing counted.
    clock.set('2026-06-01T14:59:00.000Z');
    expect((await gt.worker.tick()).messagesSent).toBe(0);
    expect((await byCustomer()).get(nowhere.id)?.attempts).toBe(0);

    clock.set('2026-06-01T15:00:00.000Z');
    expect((await gt.worker.tick()).messagesSent).toBe(1);
    clock.set('2026-06-01T18:00:00.000Z');
    expect((await gt.worker.tick()).messagesSent).toBe(1);
    expect((await o.org.campaigns.get(campaign.id)).status).toBe('completed');
    expect((await gt.worker.tick()).messagesSent).toBe(0);

    const sent = (await o.outbox()).map((m) => m.recipient);
    expect(sent).toEqual([london.phone, kathmandu.phone, us.phone, nowhere.phone].sort());
    ledger = await byCustomer();
    expect([...ledger.values()].map((d) => [d.state, d.attempts])).toEqual(
      Array(4).fill(['sent', 1]),
    );
  });

  it('frequency cap at the snapshot: from the organization setting, counting only sent messages', async () => {
    clock.set('2026-06-02T10:00:00.000Z');
    const o = await organization('Capped snapshot');
    await o.org.settings.sending.set({ frequencyCap: { email: { messages: 2, days: 7 } } });
    const busy = await o.customer('Busy', { email: 'busy@example.com' });
    const old = await o.customer('Old', { email: 'old@example.com' });
    const unlucky = await o.customer('Unlucky', { email: 'unlucky@example.com' });
    await o.earlier(busy.id, 'email', 'busy@example.com', 1);
    await o.earlier(busy.id, 'email', 'busy@example.com', 6);
    // Outside the window, on another channel, or never sent: none of these count.
    await o.earlier(old.id, 'email', 'old@example.com', 1);
    await o.earlier(old.id, 'email', 'old@example.com', 8);
    await o.earlier(old.id, 'sms', '+14155550111', 2);
    await o.earlier(unlucky.id, 'email', 'unlucky@example.com', 1, 'failed');
    await o.earlier(unlucky.id, 'email', 'unlucky@example.com', 1, 'queued');
    await o.schedule('email');
    await startDueCampaignsOnly(gt);
    const audience = await o.db.selectFrom('campaign_audience').select('customer_id').execute();
    expect(audience.map((a) => a.customer_id).sort()).toEqual([old.id, unlucky.id].sort());
  });

  it('frequency cap at send time: a recipient who reached it since the snapshot is skipped', async () => {
    clock.set('2026-06-03T10:00:00.000Z');
    const o = await organization('Capped send');
    await o.org.settings.sending.set({ frequencyCap: { email: { messages: 1, days: 3 } } });
    const ada = await o.customer('Ada', { email: 'ada@example.com' });
    const bob = await o.customer('Bob', { email: 'bob@example.com' });
    const campaign = await o.schedule('email');
    await startDueCampaignsOnly(gt);
    expect(await o.db.selectFrom('campaign_audience').select('customer_id').execute()).toHaveLength(
      2,
    );
    // Another campaign reached Ada after the snapshot.
    await o.earlier(ada.id, 'email', 'ada@example.com', 0.01);
    await gt.worker.tick();
    expect((await o.outbox()).map((m) => m.recipient)).toEqual(['bob@example.com']);
    const ledger = new Map((await o.deliveries()).map((d) => [d.customer_id, d]));
    expect(ledger.get(ada.id)).toMatchObject({ state: 'skipped', reason: FREQUENCY_CAP_REASON });
    expect(ledger.get(bob.id)).toMatchObject({ state: 'sent' });
    const [run] = await o.org.campaigns.runs(campaign.id);
    expect(run?.stats).toMatchObject({ audience: 2, sent: 1, skipped: 1 });
    expect((await o.org.campaigns.get(campaign.id)).status).toBe('completed');
  });
});
