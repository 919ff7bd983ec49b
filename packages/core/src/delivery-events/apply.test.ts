/**
 * The `message.event` handler on a migrated database (both PGlite and Postgres): effects as
 * the webhook pipeline hands them over, applied in a transaction acting as the `webhook`
 * actor. Idempotence, arrival order, unknown messages, the provider's event ids, the status
 * order and the consent effects — and that a consent change blocks a queued message at the
 * dispatcher's claim.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestGreenTrack, databaseKind, makeOrganization } from '../../test/harness.js';
import { dispatchDue, renderWithTemplates, startDueCampaigns } from '../campaigns/index.js';
import { fixedClock } from '../clock.js';
import type { GreenTrackEventMap } from '../events.js';
import type { GreenTrack } from '../greentrack.js';
import type { EmailProvider } from '../providers/messaging.js';
import type { MessageEventEffect, WebhookProvider } from '../providers/webhooks.js';
import { inTransaction, type Scope } from '../scope.js';
import { applyMessageEvents } from './apply.js';

const T0 = new Date('2026-06-01T09:00:00.000Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

describe(`delivery events: the message.event handler [${databaseKind}]`, () => {
  let gt: GreenTrack;
  let cleanup: () => Promise<void>;
  const clock = fixedClock('2026-06-01T08:00:00.000Z');
  const consentEvents: GreenTrackEventMap['consent.changed'][] = [];

  beforeAll(async () => {
    ({ gt, cleanup } = await createTestGreenTrack({ clock }));
  });
  afterAll(() => cleanup());

  /** An organization with `n` customers, each with one sent email from `provider`. */
  async function organizationWithMessages(n: number, provider: WebhookProvider = 'sendgrid') {
    const fixture = await makeOrganization(gt, 'Events');
    const organizationId = fixture.organization.id;
    const org = gt.as({ userId: fixture.owner.id, organizationId });
    const customers = [];
    for (let i = 0; i < n; i++)
      customers.push(
        await org.customers.create({
          type: 'customer',
          name: `C ${i}`,
          email: `c${i}-${randomUUID()}@example.com`,
          tags: ['vip'],
        }),
      );
    const messages = await gt.database
      .tenant(organizationId)
      .insertInto('messages')
      .values(
        customers.map((c, i) => ({
          organization_id: organizationId,
          customer_id: c.id,
          channel: 'email' as const,
          to_address: c.email ?? '',
          provider,
          provider_message_id: `pm-${i}-${randomUUID()}`,
          body: '<p>Hi</p>',
          status: 'sent' as const,
          sent_at: at(0),
        })),
      )
      .returning(['id', 'customer_id', 'provider_message_id'])
      .execute();
    return { organizationId, org, customers, messages };
  }

  function apply(
    organizationId: string,
    effects: MessageEventEffect[],
    provider: WebhookProvider = 'sendgrid',
  ) {
    const scope: Scope = {
      db: gt.database.tenant(organizationId),
      organizationId,
      actor: { type: 'webhook', id: null },
      role: 'owner',
      clock,
      emit: (name, payload) => {
        if (name === 'consent.changed')
          consentEvents.push(payload as GreenTrackEventMap['consent.changed']);
      },
    };
    return inTransaction(scope, (tx) =>
      applyMessageEvents(tx, effects, {
        webhook: {
          id: randomUUID(),
          organizationId,
          eventType: 'batch',
          payload: [],
          receivedAt: clock.now(),
          provider,
          integrationAccountId: randomUUID(),
        },
      }),
    );
  }

  const event = (
    messageId: string,
    type: MessageEventEffect['type'],
    seconds: number,
    extra: Partial<MessageEventEffect> = {},
  ): MessageEventEffect => ({
    kind: 'message.event',
    type,
    messageId,
    occurredAt: at(seconds),
    metadata: {},
    ...extra,
  });

  /** What the handler writes, normalized (ids of rows aside) for comparison. */
  async function state(organizationId: string) {
    const db = gt.database.tenant(organizationId);
    return {
      messages: await db
        .selectFrom('messages')
        .select(['id', 'status', 'sent_at'])
        .orderBy('id')
        .execute(),
      events: await db
        .selectFrom('message_events')
        .select(['message_id', 'type', 'occurred_at', 'metadata'])
        .orderBy('message_id')
        .orderBy('type')
        .orderBy('occurred_at')
        .execute(),
      subscriptions: await db
        .selectFrom('subscriptions')
        .select(['customer_id', 'channel', 'status'])
        .orderBy('customer_id')
        .execute(),
    };
  }

  it('stores engagement events, moves the status and resolves by our id or the provider id', async () => {
    const { organizationId, messages } = await organizationWithMessages(2);
    const [a, b] = messages as [(typeof messages)[0], (typeof messages)[0]];
    const summary = await apply(organizationId, [
      event(a.id, 'delivered', 5),
      event(a.id, 'open', 20, { metadata: { user_agent: 'Mail' } }),
      event(a.id, 'click', 30, { metadata: { url: 'https://shop.example/sale' } }),
      // No messageId: found by SendGrid's id of the message within the organization.
      {
        kind: 'message.event',
        type: 'delivered',
        providerMessageId: b.provider_message_id ?? '',
        occurredAt: at(6),
        metadata: {},
      },
      // Ours by neither id: ignored and counted, not an error.
      event(randomUUID(), 'delivered', 7),
      {
        kind: 'message.event',
        type: 'delivered',
        providerMessageId: 'nope',
        occurredAt: at(7),
        metadata: {},
      },
      event('not-a-uuid', 'open', 8),
    ]);
    expect(summary).toEqual({
      received: 7,
      unknown: 3,
      stored: 4,
      messagesUpdated: 2,
      consentChanged: 0,
    });
    const after = await state(organizationId);
    expect(after.messages.map((m) => m.status)).toEqual(['delivered', 'delivered']);
    expect(after.events.filter((e) => e.message_id === a.id)).toEqual([
      {
        message_id: a.id,
        type: 'click',
        occurred_at: at(30),
        metadata: { url: 'https://shop.example/sale' },
      },
      { message_id: a.id, type: 'delivered', occurred_at: at(5), metadata: {} },
      { message_id: a.id, type: 'open', occurred_at: at(20), metadata: { user_agent: 'Mail' } },
    ]);
  });

  it('is idempotent: the same webhook applied again changes nothing', async () => {
    const { organizationId, messages } = await organizationWithMessages(3);
    const effects = messages.flatMap((m, i) => [
      event(m.id, 'delivered', 10 + i, { providerEventId: `ev-d-${i}` }),
      event(m.id, i === 2 ? 'spam' : 'open', 100 + i, { providerEventId: `ev-o-${i}` }),
    ]);
    await apply(organizationId, effects);
    const first = await state(organizationId);
    const again = await apply(organizationId, effects);
    expect(again).toMatchObject({ stored: 0, messagesUpdated: 0, consentChanged: 0 });
    expect(await state(organizationId)).toEqual(first);
    expect(first.subscriptions).toHaveLength(1);
  });

  it('ends in the same state whatever order the events arrive in, one by one or batched', async () => {
    const build = (ids: string[]) =>
      ids.flatMap((id, i) => [
        event(id, 'sent', 1),
        event(id, 'deferred', 2),
        event(id, 'delivered', 3, { providerEventId: `d-${i}` }),
        event(id, 'open', 4),
        event(id, 'click', 5, {
          metadata: { url: 'https://a.example' },
          providerEventId: `c1-${i}`,
        }),
        // A different click in the same second: the seed's key keeps one of them.
        event(id, 'click', 5, {
          metadata: { url: 'https://b.example' },
          providerEventId: `c2-${i}`,
        }),
        ...(i % 3 === 0 ? [event(id, 'bounce', 6, { bounce: 'hard' as const })] : []),
        ...(i % 3 === 1 ? [event(id, 'unsubscribe', 7), event(id, 'spam', 8)] : []),
        ...(i % 3 === 2 ? [event(id, 'bounce', 9, { bounce: 'soft' as const })] : []),
      ]);
    const normalized = async (organizationId: string, ids: string[]) => {
      const s = await state(organizationId);
      const index = new Map(ids.map((id, i) => [id, i]));
      const customerIndex = new Map(
        (
          await gt.database
            .tenant(organizationId)
            .selectFrom('messages')
            .select(['id', 'customer_id'])
            .execute()
        ).map((m) => [m.customer_id, index.get(m.id)]),
      );
      return {
        messages: s.messages
          .map((m) => ({ ...m, id: index.get(m.id) }))
          .sort((x, y) => (x.id ?? 0) - (y.id ?? 0)),
        events: s.events
          .map((e) => ({ ...e, message_id: index.get(e.message_id) }))
          .sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y))),
        subscriptions: s.subscriptions
          .map((x) => ({ ...x, customer_id: customerIndex.get(x.customer_id) }))
          .sort((x, y) => (x.customer_id ?? 0) - (y.customer_id ?? 0)),
      };
    };
    const inOrder = await organizationWithMessages(6);
    const orderedIds = inOrder.messages.map((m) => m.id);
    await apply(inOrder.organizationId, build(orderedIds));
    const expected = await normalized(inOrder.organizationId, orderedIds);

    for (const seed of [1, 2]) {
      const shuffled = await organizationWithMessages(6);
      const ids = shuffled.messages.map((m) => m.id);
      const effects = build(ids).reverse();
      if (seed === 1) for (const e of effects) await apply(shuffled.organizationId, [e]);
      else {
        await apply(
          shuffled.organizationId,
          effects.filter((_, i) => i % 2 === 1),
        );
        await apply(
          shuffled.organizationId,
          effects.filter((_, i) => i % 2 === 0),
        );
      }
      expect(await normalized(shuffled.organizationId, ids)).toEqual(expected);
    }
    expect(expected.messages.map((m) => m.status)).toEqual([
      'bounced',
      'delivered',
      'bounced',
      'bounced',
      'delivered',
      'bounced',
    ]);
    expect(expected.subscriptions.map((s) => s.status)).toEqual([
      'bounced',
      'complained',
      'bounced',
      'complained',
    ]);
    // Of the two clicks in one second, the one whose metadata sorts first, in every order.
    expect(expected.events.filter((e) => e.type === 'click').map((e) => e.metadata)).toEqual(
      Array(6).fill({ url: 'https://a.example', provider_event_id: expect.any(String) }),
    );
  });

  it('stores an event once by its provider id, even when a retry carries another time', async () => {
    const { organizationId, messages } = await organizationWithMessages(1);
    const id = messages[0]?.id ?? '';
    await apply(organizationId, [event(id, 'delivered', 10, { providerEventId: 'SM1:delivered' })]);
    const again = await apply(organizationId, [
      event(id, 'delivered', 11, { providerEventId: 'SM1:delivered' }),
      event(id, 'delivered', 12, { providerEventId: 'SM1:delivered' }),
    ]);
    expect(again.stored).toBe(0);
    const { events } = await state(organizationId);
    expect(events).toEqual([
      {
        message_id: id,
        type: 'delivered',
        occurred_at: at(10),
        metadata: { provider_event_id: 'SM1:delivered' },
      },
    ]);
  });

  it('moves the status only forward; bounced and failed are final; sent_at is the earliest evidence', async () => {
    const { organizationId, messages } = await organizationWithMessages(4);
    const [bounced, failed, late, queued] = messages.map((m) => m.id) as [
      string,
      string,
      string,
      string,
    ];
    await gt.database
      .tenant(organizationId)
      .updateTable('messages')
      .set({ status: 'queued', sent_at: null })
      .where('id', '=', queued)
      .execute();
    await apply(organizationId, [
      event(bounced, 'bounce', 5, { bounce: 'soft' }),
      event(failed, 'failed', 5),
      event(late, 'delivered', 5),
      event(queued, 'open', 30),
    ]);
    await apply(organizationId, [
      event(bounced, 'delivered', 4),
      event(failed, 'delivered', 4),
      event(late, 'sent', 2),
      event(queued, 'sent', 12),
      event(queued, 'sent', -5 + 20),
    ]);
    const byId = new Map((await state(organizationId)).messages.map((m) => [m.id, m]));
    expect(byId.get(bounced)).toMatchObject({ status: 'bounced', sent_at: at(0) });
    expect(byId.get(failed)).toMatchObject({ status: 'failed', sent_at: at(0) });
    expect(byId.get(late)).toMatchObject({ status: 'delivered', sent_at: at(0) });
    // Queued when the provider's events came: they alone say when it left.
    expect(byId.get(queued)).toMatchObject({ status: 'delivered', sent_at: at(12) });
    // A soft bounce ends the message, not the address.
    expect((await state(organizationId)).subscriptions).toEqual([]);
  });

  it('changes consent up its order only, audits and emits each real change, and keeps a later re-subscribe', async () => {
    const { organizationId, org, messages, customers } = await organizationWithMessages(3);
    const [m0, m1, m2] = messages.map((m) => m.id) as [string, string, string];
    const [c0, c1, c2] = customers.map((c) => c.id) as [string, string, string];
    // c2 re-subscribed after its (older) unsubscribe event happened.
    clock.set(at(50));
    await org.consent.set(c2, 'email', 'subscribed', { source: 'preference_center' });
    consentEvents.length = 0;

    const summary = await apply(organizationId, [
      event(m0, 'bounce', 10, { bounce: 'hard' }),
      event(m0, 'unsubscribe', 11),
      event(m1, 'spam', 12),
      event(m2, 'unsubscribe', 20),
    ]);
    expect(summary.consentChanged).toBe(2);
    await apply(organizationId, [
      event(m1, 'bounce', 60, { bounce: 'hard' }),
      event(m0, 'bounce', 61, { bounce: 'hard' }),
    ]);
    const subscriptions = new Map(
      (await state(organizationId)).subscriptions.map((s) => [s.customer_id, s.status]),
    );
    expect(Object.fromEntries([c0, c1, c2].map((c) => [c, subscriptions.get(c)]))).toEqual({
      [c0]: 'unsubscribed',
      [c1]: 'complained',
      [c2]: 'subscribed',
    });
    expect(
      consentEvents.map((e) => [e.customerId, e.status, e.previousStatus, e.source, e.actor.type]),
    ).toEqual(
      expect.arrayContaining([
        [c0, 'unsubscribed', null, 'webhook:sendgrid', 'webhook'],
        [c1, 'complained', null, 'webhook:sendgrid', 'webhook'],
      ]),
    );
    expect(consentEvents).toHaveLength(2);
    const audit = await gt.database
      .tenant(organizationId)
      .selectFrom('audit_log')
      .select(['action', 'actor_type', 'after'])
      .where('entity', '=', 'subscription')
      .where('actor_type', '=', 'webhook')
      .execute();
    expect(audit).toHaveLength(2);
    expect(audit.every((a) => (a.after as { source?: string }).source === 'webhook:sendgrid')).toBe(
      true,
    );

    // A later event (after the re-subscribe) does apply.
    await apply(organizationId, [event(m2, 'spam', 70)]);
    expect((await org.consent.get(c2)).email.status).toBe('complained');
  });

  /** A running email campaign to every customer of `org` (all tagged vip), nothing sent yet. */
  async function startCampaign(org: ReturnType<GreenTrack['as']>) {
    const template = await org.templates.create({
      channel: 'email',
      name: 'Next',
      subject: 'Next',
      content: '<p>Hi</p>',
    });
    const segment = await org.segments.create({
      name: 'VIP',
      rule: { field: 'tags', op: 'has_any', values: ['vip'] },
    });
    const campaign = await org.campaigns.create({
      name: 'Next',
      channel: 'email',
      template_id: template.id,
      segment_id: segment.id,
    });
    await org.campaigns.schedule(campaign.id);
    await startDueCampaigns({ database: gt.database, clock, emit: () => {} });
  }

  it("blocks a queued message at the dispatcher's claim once a spam report arrives", async () => {
    const { organizationId, org, customers, messages } = await organizationWithMessages(2);
    const [reporter, other] = customers as [(typeof customers)[0], (typeof customers)[0]];
    await startCampaign(org);
    // Both queued in the running campaign; then the reporter marks the first email as spam.
    const reported = messages.find((m) => m.customer_id === reporter.id)?.id ?? '';
    await apply(organizationId, [event(reported, 'spam', 100)]);
    await dispatchDue({
      database: gt.database,
      clock,
      emit: () => {},
      providers: gt.providers,
      render: renderWithTemplates,
    });
    const deliveries = await gt.database
      .tenant(organizationId)
      .selectFrom('campaign_deliveries')
      .select(['customer_id', 'state', 'reason'])
      .execute();
    expect(new Map(deliveries.map((d) => [d.customer_id, d.state]))).toEqual(
      new Map([
        [reporter.id, 'skipped'],
        [other.id, 'sent'],
      ]),
    );
  });

  it('keeps the status a webhook set while the provider call was still under way', async () => {
    const { organizationId, org } = await organizationWithMessages(1);
    await startCampaign(org);
    // The provider's delivery webhook is processed before the dispatcher records the send.
    const racing: EmailProvider = {
      ...gt.providers.email,
      send: async (batch, context) => {
        const results = await gt.providers.email.send(batch, context);
        await apply(
          organizationId,
          batch.map((m) => event(m.messageId, 'delivered', 3600)),
        );
        return results;
      },
    };
    await dispatchDue({
      database: gt.database,
      clock,
      emit: () => {},
      providers: { email: racing, sms: gt.providers.sms },
      render: renderWithTemplates,
    });
    const sent = await gt.database
      .tenant(organizationId)
      .selectFrom('messages')
      .select(['status', 'sent_at'])
      .where('campaign_run_id', 'is not', null)
      .execute();
    expect(sent).toEqual([{ status: 'delivered', sent_at: clock.now() }]);
  });
});
