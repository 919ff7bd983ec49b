/**
 * What a campaign sends, seen from outside: a test send to one address (rendered, sent,
 * audited, never counted), the listing of a campaign's messages with their events, the
 * `message.sent` / `message.failed` events of the dispatcher, and a recipient's messages in
 * their data export and gone after their erasure.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failure } from '../../test/errors.js';
import { createTestGreenTrack, databaseKind, makeOrganization } from '../../test/harness.js';
import { fixedClock } from '../clock.js';
import type { GreenTrackEventMap } from '../events.js';
import type { GreenTrack } from '../greentrack.js';
import type { EmailProvider, SendResult } from '../providers/messaging.js';
import { systemScope } from '../scope.js';
import { dispatchDue } from './dispatch.js';
import { renderWithTemplates } from './render.js';
import { startDueCampaigns } from './runs.js';
import { sendCampaignTest } from './test-send.js';

const BASE = 'http://host.test/api/greentrack';

describe(`campaign messages and test sends [${databaseKind}]`, () => {
  let gt: GreenTrack;
  let cleanup: () => Promise<void>;
  const clock = fixedClock('2026-06-01T09:00:00.000Z');

  beforeAll(async () => {
    ({ gt, cleanup } = await createTestGreenTrack({
      clock,
      secret: 'campaign-messages-secret-0123456789abcdef',
    }));
  });
  afterAll(() => cleanup());

  /** An organization with `n` VIP customers, an email template and a draft campaign to them. */
  async function draftCampaign(n: number, channel: 'email' | 'sms' = 'email') {
    const fixture = await makeOrganization(gt, 'Messages');
    const organizationId = fixture.organization.id;
    const org = gt.as({ userId: fixture.owner.id, organizationId });
    const staff = gt.as({ userId: fixture.staff.id, organizationId });
    const customers = [];
    for (let i = 0; i < n; i++) {
      customers.push(
        await org.customers.create({
          type: 'customer',
          name: `Dana ${i} Doe`,
          email: `d${i}-${randomUUID().slice(0, 8)}@example.com`,
          phone: `+1415555${String(1000 + i)}`,
          tags: ['vip'],
        }),
      );
    }
    const template = await org.templates.create(
      channel === 'email'
        ? {
            channel,
            name: 'Sale',
            subject: 'Sale for {{ customer.first_name }}',
            content: '<p>Hi {{ customer.first_name }} from {{ organization.name }}</p>',
          }
        : { channel, name: 'Sale', content: 'Hi {{ customer.first_name }}' },
    );
    const segment = await org.segments.create({
      name: 'VIP',
      rule: { field: 'tags', op: 'has_any', values: ['vip'] },
    });
    const campaign = await org.campaigns.create({
      name: 'Spring',
      channel,
      template_id: template.id,
      segment_id: segment.id,
    });
    return { organizationId, fixture, org, staff, customers, campaign, template };
  }

  const outboxOf = (organizationId: string) =>
    gt.database
      .tenant(organizationId)
      .selectFrom('outbox_messages')
      .select(['message_id', 'recipient', 'subject', 'body', 'sender', 'campaign_run_id'])
      .execute();

  const countOf = async (organizationId: string, table: 'messages' | 'campaign_runs') =>
    table === 'messages'
      ? (
          await gt.database
            .tenant(organizationId)
            .selectFrom('messages')
            .select('id')
            .where('organization_id', '=', organizationId)
            .execute()
        ).length
      : (
          await gt.database
            .tenant(organizationId)
            .selectFrom('campaign_runs as r')
            .innerJoin('campaigns as c', 'c.id', 'r.campaign_id')
            .select('r.id')
            .where('c.organization_id', '=', organizationId)
            .execute()
        ).length;

  describe('sendTest', () => {
    it('renders for the chosen customer, sends to the address only, and records an audit row, not a message', async () => {
      const { organizationId, org, staff, customers, campaign } = await draftCampaign(2);
      const [dana] = customers;
      if (!dana) throw new Error('no customer');
      // Staff may test a draft: part of writing it.
      const result = await staff.campaigns.sendTest(campaign.id, {
        to: '  reviewer@example.com ',
        customerId: dana.id,
      });
      expect(result).toMatchObject({
        channel: 'email',
        to: 'reviewer@example.com',
        provider: 'outbox',
        customer_id: dana.id,
        subject: '[Test] Sale for Dana',
      });
      const outbox = await outboxOf(organizationId);
      expect(outbox).toHaveLength(1);
      expect(outbox[0]).toMatchObject({
        message_id: result.message_id,
        recipient: 'reviewer@example.com',
        subject: '[Test] Sale for Dana',
        campaign_run_id: null,
      });
      expect(outbox[0]?.body).toContain('Hi Dana from Messages');
      expect(result.provider_message_id).toEqual(expect.any(String));
      // Not a message of the campaign: no run, no audience, no message row, status unchanged.
      expect(await countOf(organizationId, 'messages')).toBe(0);
      expect(await countOf(organizationId, 'campaign_runs')).toBe(0);
      expect((await org.campaigns.get(campaign.id)).status).toBe('draft');
      const { items } = await org.auditLog.list({ action: 'campaign.test' });
      expect(items).toHaveLength(1);
      expect(items[0]).toMatchObject({ entity_id: campaign.id, actor_type: 'user' });
      expect(items[0]?.after).toMatchObject({
        to: 'reviewer@example.com',
        customer_id: dana.id,
        status: 'sent',
        message_id: result.message_id,
      });
    });

    it('renders for the documented sample customer when none is chosen', async () => {
      const { organizationId, org, campaign } = await draftCampaign(0);
      const result = await org.campaigns.sendTest(campaign.id, { to: 'me@example.com' });
      expect(result).toMatchObject({ customer_id: null, subject: '[Test] Sale for Alex' });
      const [sent] = await outboxOf(organizationId);
      expect(sent?.body).toContain('Hi Alex from Messages');
    });

    it('sends an SMS test to an E.164 number only', async () => {
      const { organizationId, org, campaign } = await draftCampaign(1, 'sms');
      const national = await failure(org.campaigns.sendTest(campaign.id, { to: '(415) 555-2671' }));
      expect(national.code).toBe('VALIDATION_FAILED');
      expect(national.details?.issues).toEqual([
        { path: 'to', message: 'not a valid E.164 phone number' },
      ]);
      const result = await org.campaigns.sendTest(campaign.id, { to: '+1 415 555 2671' });
      expect(result).toMatchObject({ channel: 'sms', to: '+14155552671', subject: null });
      expect(await outboxOf(organizationId)).toMatchObject([
        { recipient: '+14155552671', body: 'Hi Alex' },
      ]);
    });

    it('refuses bad input with typed errors and sends nothing', async () => {
      const { organizationId, org, campaign } = await draftCampaign(0);
      const codeOf = async (promise: Promise<unknown>) => (await failure(promise)).code;
      expect(await codeOf(org.campaigns.sendTest(campaign.id, { to: 'not an address' }))).toBe(
        'VALIDATION_FAILED',
      );
      expect(
        await codeOf(
          org.campaigns.sendTest(campaign.id, { to: 'a@example.com', customerId: randomUUID() }),
        ),
      ).toBe('CUSTOMER_NOT_FOUND');
      expect(await codeOf(org.campaigns.sendTest(randomUUID(), { to: 'a@example.com' }))).toBe(
        'CAMPAIGN_NOT_FOUND',
      );
      const bare = await org.campaigns.create({ name: 'No template', channel: 'email' });
      expect(await codeOf(org.campaigns.sendTest(bare.id, { to: 'a@example.com' }))).toBe(
        'CAMPAIGN_INCOMPLETE',
      );
      expect(await outboxOf(organizationId)).toEqual([]);
      expect((await org.auditLog.list({ action: 'campaign.test' })).items).toEqual([]);
    });

    it('answers 502 CAMPAIGN_TEST_FAILED with the provider’s reason, and audits the attempt', async () => {
      const { organizationId, campaign } = await draftCampaign(0);
      const refusing: EmailProvider = {
        ...gt.providers.email,
        id: 'refusing',
        send: async (messages) =>
          messages.map((m) => ({
            messageId: m.messageId,
            status: 'failed',
            failure: { kind: 'permanent', code: '406', message: 'inactive recipient' },
          })),
      };
      const error = await failure(
        sendCampaignTest(
          systemScope({ database: gt.database, clock, emit: () => {} }, organizationId),
          { email: refusing, sms: gt.providers.sms },
          campaign.id,
          { to: 'gone@example.com' },
        ),
      );
      expect(error.code).toBe('CAMPAIGN_TEST_FAILED');
      expect(error.details).toEqual({
        failure: { kind: 'permanent', code: '406', message: 'inactive recipient' },
      });
      const audit = await gt.database
        .tenant(organizationId)
        .selectFrom('audit_log')
        .select('after')
        .where('action', '=', 'campaign.test')
        .execute();
      expect(audit.map((a) => a.after)).toMatchObject([
        { status: 'failed', provider: 'refusing', failure: { code: '406' } },
      ]);
    });

    it('is a route: POST /campaigns/{id}/test', async () => {
      const { fixture, campaign } = await draftCampaign(0);
      const token = gt.tokens.issue({
        userId: fixture.staff.id,
        organizationId: fixture.organization.id,
      });
      const post = (body: unknown) =>
        gt.handler(
          new Request(`${BASE}/campaigns/${campaign.id}/test`, {
            method: 'POST',
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
            body: JSON.stringify(body),
          }),
        );
      const ok = await post({ to: 'qa@example.com' });
      expect(ok.status).toBe(200);
      expect(await ok.json()).toMatchObject({ to: 'qa@example.com', customer_id: null });
      const bad = await post({ to: 'qa@example.com', extra: 1 });
      expect(bad.status).toBe(400);
      expect(await bad.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
    });
  });

  /** Starts the campaign (audience frozen) without sending. */
  async function start(org: Awaited<ReturnType<typeof draftCampaign>>['org'], id: string) {
    await org.campaigns.schedule(id);
    await startDueCampaigns({ database: gt.database, clock, emit: () => {} });
    const [run] = await org.campaigns.runs(id);
    if (!run) throw new Error('no run');
    return run;
  }

  /** The outbox, except that it refuses `refused` for good. */
  const refusingFor = (refused: string): EmailProvider => ({
    ...gt.providers.email,
    send: async (messages, context) => {
      const recorded = await gt.providers.email.send(
        messages.filter((m) => m.to.email !== refused),
        context,
      );
      return messages.map(
        (m): SendResult =>
          recorded.find((r) => r.messageId === m.messageId) ?? {
            messageId: m.messageId,
            status: 'failed',
            failure: { kind: 'permanent', code: '406', message: 'inactive recipient' },
          },
      );
    },
  });

  it('emits message.sent and message.failed per message, after the outcome is committed', async () => {
    const { organizationId, org, customers, campaign } = await draftCampaign(3);
    const run = await start(org, campaign.id);
    const [refused] = customers;
    if (!refused?.email) throw new Error('no customer');
    const heard: Array<
      | ['message.sent', GreenTrackEventMap['message.sent']]
      | ['message.failed', GreenTrackEventMap['message.failed']]
    > = [];
    const statusSeen: Array<string | undefined> = [];
    const reads: Array<Promise<unknown>> = [];
    await dispatchDue({
      database: gt.database,
      clock,
      providers: { email: refusingFor(refused.email), sms: gt.providers.sms },
      render: renderWithTemplates,
      emit: (name, payload) => {
        if (name !== 'message.sent' && name !== 'message.failed') return;
        heard.push([name, payload] as (typeof heard)[number]);
        // What a listener reads back must already be stored.
        const id = (payload as { messageId: string | null }).messageId;
        if (id)
          reads.push(
            gt.database
              .tenant(organizationId)
              .selectFrom('messages')
              .select('status')
              .where('id', '=', id)
              .executeTakeFirst()
              .then((row) => statusSeen.push(row?.status)),
          );
      },
    });
    const sent = heard.filter(([name]) => name === 'message.sent').map(([, p]) => p);
    const failed = heard.filter(([name]) => name === 'message.failed').map(([, p]) => p);
    expect(sent.map((p) => p.customerId).sort()).toEqual(
      customers
        .slice(1)
        .map((c) => c.id)
        .sort(),
    );
    for (const p of sent)
      expect(p).toMatchObject({
        organizationId,
        campaignId: campaign.id,
        campaignRunId: run.id,
        channel: 'email',
        messageId: expect.any(String),
        providerMessageId: expect.any(String),
      });
    expect(failed).toEqual([
      {
        organizationId,
        campaignId: campaign.id,
        campaignRunId: run.id,
        customerId: refused.id,
        channel: 'email',
        messageId: expect.any(String),
        reason: '406: inactive recipient',
      },
    ]);
    await Promise.all(reads);
    expect(statusSeen.sort()).toEqual(['failed', 'sent', 'sent']);
  });

  it('lists a campaign’s messages page by page, filtered by status, each with its events', async () => {
    const { organizationId, org, customers, campaign } = await draftCampaign(5);
    const other = await org.campaigns.create({
      name: 'Other',
      channel: 'email',
      template_id: campaign.template_id,
      segment_id: campaign.segment_id,
    });
    await start(org, campaign.id);
    const refused = customers[2]?.email ?? '';
    await dispatchDue({
      database: gt.database,
      clock,
      emit: () => {},
      providers: { email: refusingFor(refused), sms: gt.providers.sms },
      render: renderWithTemplates,
    });
    // A second campaign to the same people: never in the first one's list.
    await start(org, other.id);
    await gt.worker.tick();
    expect(await countOf(organizationId, 'messages')).toBe(10);

    const all = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await org.campaigns.messages(campaign.id, {
        limit: 2,
        ...(cursor ? { cursor } : {}),
      });
      all.push(...page.items);
      cursor = page.nextCursor ?? undefined;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(all.map((m) => m.customer_id).sort()).toEqual(customers.map((c) => c.id).sort());
    expect(new Set(all.map((m) => m.id)).size).toBe(5);
    expect(all.every((m) => !('body' in m))).toBe(true);

    const failed = await org.campaigns.messages(campaign.id, { status: 'failed' });
    expect(failed.items.map((m) => m.to_address)).toEqual([refused]);
    expect((await org.campaigns.messages(campaign.id, { status: 'sent' })).items).toHaveLength(4);

    const [first] = all;
    if (!first) throw new Error('no message');
    await gt.database
      .tenant(organizationId)
      .insertInto('message_events')
      .values([
        {
          organization_id: organizationId,
          message_id: first.id,
          type: 'click',
          occurred_at: new Date('2026-06-01T10:05:00Z'),
          metadata: JSON.stringify({ url: 'https://example.com/sale' }),
        },
        {
          organization_id: organizationId,
          message_id: first.id,
          type: 'delivered',
          occurred_at: new Date('2026-06-01T09:01:00Z'),
        },
      ])
      .execute();
    const withEvents = (await org.campaigns.messages(campaign.id)).items.find(
      (m) => m.id === first.id,
    );
    expect(withEvents?.events).toMatchObject([
      { type: 'delivered', metadata: {} },
      { type: 'click', metadata: { url: 'https://example.com/sale' } },
    ]);

    const bad = await failure(org.campaigns.messages(campaign.id, { cursor: 'bm90LWEtY3Vyc29y' }));
    expect(bad.code).toBe('VALIDATION_FAILED');
    expect((await failure(org.campaigns.messages(randomUUID()))).code).toBe('CAMPAIGN_NOT_FOUND');
  });

  it('puts a recipient’s messages and their events in their export, and erasure removes them', async () => {
    const { organizationId, org, customers, campaign } = await draftCampaign(2);
    await start(org, campaign.id);
    await gt.worker.tick();
    const [erased, kept] = customers;
    if (!erased || !kept) throw new Error('no customers');
    const messages = await org.campaigns.messages(campaign.id);
    const ofErased = messages.items.find((m) => m.customer_id === erased.id);
    if (!ofErased) throw new Error('no message');
    await gt.database
      .tenant(organizationId)
      .insertInto('message_events')
      .values({
        organization_id: organizationId,
        message_id: ofErased.id,
        type: 'open',
        occurred_at: new Date('2026-06-01T09:30:00Z'),
      })
      .execute();

    const doc = (await org.customers.export(erased.id)) as unknown as Record<
      string,
      Array<Record<string, unknown>>
    >;
    expect(doc.messages).toMatchObject([
      { id: ofErased.id, to_address: erased.email, status: 'sent', subject: 'Sale for Dana' },
    ]);
    expect(doc.messages?.[0]?.body).toContain('Hi Dana');
    expect(doc.message_events).toMatchObject([{ message_id: ofErased.id, type: 'open' }]);
    expect(doc.campaign_audience).toMatchObject([{ customer_id: erased.id }]);

    const result = await org.customers.erase(erased.id);
    expect(result.deleted).toMatchObject({ messages: 1, message_events: 1, campaign_audience: 1 });
    const left = await org.campaigns.messages(campaign.id);
    expect(left.items.map((m) => m.customer_id)).toEqual([kept.id]);
    const rows = await gt.database
      .tenant(organizationId)
      .selectFrom('message_events')
      .select('id')
      .where('message_id', '=', ofErased.id)
      .execute();
    expect(rows).toEqual([]);
    // The run's counts are figures, not people: they stay.
    expect((await org.campaigns.runs(campaign.id))[0]?.stats).toMatchObject({ sent: 2 });
  });
});
