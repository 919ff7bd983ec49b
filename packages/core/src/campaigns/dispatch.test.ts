/**
 * The dispatcher against the outbox provider: every recipient gets exactly one message,
 * consent is re-checked at send time, pause/resume continue where they stopped, transient
 * failures retry after their backoff, permanent ones fail, and an interrupted provider call
 * is resent only through an idempotent provider — else held as `unknown`.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestGreenTrack, databaseKind, makeOrganization } from '../../test/harness.js';
import { fixedClock } from '../clock.js';
import type { GreenTrack } from '../greentrack.js';
import type { RenderMessage } from '../providers/message-render.js';
import type { EmailProvider, SendResult } from '../providers/messaging.js';
import { type DispatchDeps, dispatchDue } from './dispatch.js';
import { startDueCampaigns } from './runs.js';

/** A stand-in for the templates module's renderer: substitutes the customer's name. */
const render: RenderMessage = async ({ template, customer }) => {
  const text = template.content.replaceAll('{{ customer.name }}', customer.name);
  return template.channel === 'email'
    ? { channel: 'email', subject: template.subject ?? '', html: `<p>${text}</p>`, text }
    : { channel: 'sms', text };
};

describe(`campaign dispatch [${databaseKind}]`, () => {
  let gt: GreenTrack;
  let cleanup: () => Promise<void>;
  const clock = fixedClock('2026-06-01T09:00:00.000Z');

  beforeAll(async () => {
    ({ gt, cleanup } = await createTestGreenTrack({ clock }));
  });
  afterAll(() => cleanup());

  /** An organization with `n` subscribed VIP customers and a running email campaign. */
  async function runningCampaign(n: number) {
    const fixture = await makeOrganization(gt, 'Dispatch');
    const organizationId = fixture.organization.id;
    const org = gt.as({ userId: fixture.owner.id, organizationId });
    const customers = [];
    for (let i = 0; i < n; i++) {
      customers.push(
        await org.customers.create({
          type: 'customer',
          name: `Customer ${i}`,
          email: `c${i}-${randomUUID().slice(0, 8)}@example.com`,
          tags: ['vip'],
        }),
      );
    }
    const { id: templateId } = await gt.database
      .tenant(organizationId)
      .insertInto('templates')
      .values({
        organization_id: organizationId,
        name: 'Hello',
        channel: 'email',
        subject: 'Spring sale',
        content: 'Hello {{ customer.name }}',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const segment = await org.segments.create({
      name: 'VIP',
      rule: { field: 'tags', op: 'has_any', values: ['vip'] },
    });
    const campaign = await org.campaigns.create({
      name: 'Spring',
      channel: 'email',
      template_id: templateId,
      segment_id: segment.id,
    });
    await org.campaigns.schedule(campaign.id);
    // Started without dispatching (a worker tick would also send).
    await startDueCampaigns({ database: gt.database, clock, emit: () => {} });
    const [run] = await org.campaigns.runs(campaign.id);
    if (!run) throw new Error('no run');
    return { organizationId, org, customers, campaign, run };
  }

  const depsWith = (email: EmailProvider): DispatchDeps => ({
    database: gt.database,
    clock,
    emit: () => {},
    providers: { email, sms: gt.providers.sms },
    render,
  });

  const outboxOf = (organizationId: string) =>
    gt.database
      .tenant(organizationId)
      .selectFrom('outbox_messages')
      .select(['message_id', 'recipient', 'body', 'subject'])
      .execute();

  const deliveries = (organizationId: string) =>
    gt.database
      .tenant(organizationId)
      .selectFrom('campaign_deliveries')
      .select(['customer_id', 'state', 'reason', 'message_id', 'attempts'])
      .execute();

  it('sends every recipient exactly one rendered message, records it, and completes the campaign', async () => {
    const { organizationId, org, customers, campaign, run } = await runningCampaign(5);
    const result = await dispatchDue(depsWith(gt.providers.email));
    expect(result).toMatchObject({ sent: 5, failed: 0, skipped: 0, unknown: 0, completed: 1 });

    const sent = await outboxOf(organizationId);
    expect(sent.map((m) => m.recipient).sort()).toEqual(customers.map((c) => c.email).sort());
    const messages = await gt.database
      .tenant(organizationId)
      .selectFrom('messages')
      .selectAll()
      .where('campaign_run_id', '=', run.id)
      .execute();
    expect(messages).toHaveLength(5);
    for (const message of messages) {
      const customer = customers.find((c) => c.id === message.customer_id);
      expect(message).toMatchObject({
        status: 'sent',
        provider: 'outbox',
        subject: 'Spring sale',
        body: `<p>Hello ${customer?.name}</p>`,
        to_address: customer?.email,
        utm_source: 'greentrack',
        utm_medium: 'email',
      });
      // The provider's id is the outbox row's; the outbox row carries our message id.
      expect(sent.find((o) => o.message_id === message.id)).toBeDefined();
      expect(message.provider_message_id).toEqual(expect.any(String));
    }
    expect((await org.campaigns.get(campaign.id)).status).toBe('completed');
    expect((await org.campaigns.runs(campaign.id))[0]?.stats).toEqual({ audience: 5, sent: 5 });
    // Nothing more to do.
    expect(await dispatchDue(depsWith(gt.providers.email))).toMatchObject({
      sent: 0,
      completed: 0,
    });
    expect(await outboxOf(organizationId)).toHaveLength(5);
  });

  it('re-checks consent at send time, and pause/resume continue exactly where they stopped', async () => {
    const { organizationId, org, customers, campaign } = await runningCampaign(5);
    const [first] = customers;
    if (!first) throw new Error('no customer');
    // Unsubscribed after the snapshot: not sent.
    await org.consent.set(first.id, 'email', 'unsubscribed');
    const deps = depsWith(gt.providers.email);
    // The first claim takes two in audience-id order.
    expect(
      (await dispatchDue(deps, { batchSize: 2, batchesPerRun: 1 })).sent +
        (await deliveries(organizationId)).filter((d) => d.state === 'skipped').length,
    ).toBe(2);
    await org.campaigns.pause(campaign.id);
    expect(await dispatchDue(deps, { batchSize: 2 })).toMatchObject({ sent: 0, skipped: 0 });
    await org.campaigns.resume(campaign.id);
    await dispatchDue(deps, { batchSize: 2 });

    const states = await deliveries(organizationId);
    expect(states.find((d) => d.customer_id === first.id)).toMatchObject({
      state: 'skipped',
      reason: 'consent withdrawn after the snapshot',
      message_id: null,
    });
    expect(states.filter((d) => d.state === 'sent')).toHaveLength(4);
    const sent = await outboxOf(organizationId);
    expect(sent).toHaveLength(4);
    expect(new Set(sent.map((m) => m.recipient)).size).toBe(4);
    expect(sent.map((m) => m.recipient)).not.toContain(first.email);
    expect((await org.campaigns.get(campaign.id)).status).toBe('completed');
  });

  it('retries a transient failure after its Retry-After, and fails a permanent one', async () => {
    const { organizationId, customers } = await runningCampaign(3);
    const [flaky, bad] = customers;
    let calls = 0;
    const provider: EmailProvider = {
      ...gt.providers.email,
      send: async (messages, context) => {
        calls++;
        const results: SendResult[] = [];
        const ok = messages.filter(
          (m) => m.to.email !== bad?.email && (calls > 1 || m.to.email !== flaky?.email),
        );
        const recorded = await gt.providers.email.send(ok, context);
        for (const m of messages) {
          const done = recorded.find((r) => r.messageId === m.messageId);
          if (done) results.push(done);
          else if (m.to.email === bad?.email)
            results.push({
              messageId: m.messageId,
              status: 'failed',
              failure: { kind: 'permanent', code: '406', message: 'inactive recipient' },
            });
          else
            results.push({
              messageId: m.messageId,
              status: 'failed',
              failure: {
                kind: 'transient',
                code: '429',
                message: 'slow down',
                retryAfterMs: 90_000,
              },
            });
        }
        return results;
      },
    };
    const deps = depsWith(provider);
    expect(await dispatchDue(deps)).toMatchObject({ sent: 1, failed: 1, completed: 0 });
    const waiting = (await deliveries(organizationId)).find((d) => d.customer_id === flaky?.id);
    expect(waiting).toMatchObject({ state: 'pending', reason: '429: slow down', attempts: 1 });
    // Not before the Retry-After.
    clock.advance(60_000);
    expect(await dispatchDue(deps)).toMatchObject({ sent: 0 });
    clock.advance(31_000);
    expect(await dispatchDue(deps)).toMatchObject({ sent: 1, completed: 1 });
    const states = await deliveries(organizationId);
    expect(states.find((d) => d.customer_id === bad?.id)).toMatchObject({
      state: 'failed',
      reason: '406: inactive recipient',
    });
    const failedMessage = await gt.database
      .tenant(organizationId)
      .selectFrom('messages')
      .select('status')
      .where('customer_id', '=', bad?.id ?? '')
      .executeTakeFirst();
    expect(failedMessage?.status).toBe('failed');
    expect(await outboxOf(organizationId)).toHaveLength(2);
  });

  it('holds a message whose provider call was interrupted when the provider cannot deduplicate', async () => {
    const { organizationId, org, campaign } = await runningCampaign(2);
    // The call reaches the provider (recorded), then the connection drops.
    const interrupted: EmailProvider = {
      ...gt.providers.email,
      capabilities: { ...gt.providers.email.capabilities, idempotent: false },
      send: async (messages, context) => {
        await gt.providers.email.send(messages, context);
        throw new Error('socket hang up');
      },
    };
    expect(await dispatchDue(depsWith(interrupted))).toMatchObject({
      sent: 0,
      unknown: 2,
      completed: 1,
    });
    const states = await deliveries(organizationId);
    expect(states.map((d) => d.state)).toEqual(['unknown', 'unknown']);
    expect(states[0]?.reason).toBe('provider call interrupted: outcome unknown');
    // Never resent: exactly the one recorded send each.
    await dispatchDue(depsWith(gt.providers.email));
    expect(await outboxOf(organizationId)).toHaveLength(2);
    expect((await org.campaigns.get(campaign.id)).status).toBe('completed');
  });

  it('after a crash between hand-off and outcome, resends under the same id through an idempotent provider', async () => {
    const { organizationId, run } = await runningCampaign(3);
    // A worker handed off, called the (idempotent) outbox, and died before recording.
    const db = gt.database.tenant(organizationId);
    const deps = depsWith(gt.providers.email);
    const crashing: EmailProvider = {
      ...gt.providers.email,
      send: async (messages, context) => {
        await gt.providers.email.send(messages, context);
        // Simulates SIGKILL: the outcome is never recorded and the lease is left to expire.
        throw Object.assign(new Error('killed'), { crash: true });
      },
    };
    // Leave the deliveries `handed` with the lease running, as a killed worker would.
    await dispatchDue(
      { ...deps, providers: { ...deps.providers, email: crashing } },
      { resendUnknown: true },
    ).catch(() => {});
    await db
      .updateTable('campaign_deliveries')
      .set({ state: 'handed', lease_until: clock.now() })
      .where('campaign_run_id', '=', run.id)
      .execute();
    clock.advance(1000);
    expect(await dispatchDue(deps)).toMatchObject({ sent: 3, unknown: 0, completed: 1 });
    const sent = await outboxOf(organizationId);
    expect(sent).toHaveLength(3);
    const messages = await db
      .selectFrom('messages')
      .select(['id', 'status'])
      .where('campaign_run_id', '=', run.id)
      .execute();
    expect(messages.map((m) => m.status)).toEqual(['sent', 'sent', 'sent']);
    expect(sent.map((o) => o.message_id).sort()).toEqual(messages.map((m) => m.id).sort());
  });

  it('holds the provider to its ratePerSecond across batches: never more than a second allows', async () => {
    const { organizationId } = await runningCampaign(5);
    const calls: Array<{ at: number; size: number }> = [];
    // 2 messages a second: batches of 2, the 5 sends spread over at least 2 seconds.
    const slow: EmailProvider = {
      ...gt.providers.email,
      capabilities: { ...gt.providers.email.capabilities, ratePerSecond: 2 },
      send: async (messages, context) => {
        calls.push({ at: performance.now(), size: messages.length });
        return gt.providers.email.send(messages, context);
      },
    };
    expect(await dispatchDue(depsWith(slow))).toMatchObject({ sent: 5, completed: 1 });
    expect(calls.map((c) => c.size)).toEqual([2, 2, 1]);
    // A second apart, give or take how much longer one batch took to claim and hand off than
    // the one before (the allowance is awaited before the claim).
    for (const [k, call] of calls.entries()) {
      const next = calls[k + 1];
      if (next) expect(next.at - call.at).toBeGreaterThanOrEqual(900);
    }
    expect((calls.at(-1)?.at ?? 0) - (calls[0]?.at ?? 0)).toBeGreaterThanOrEqual(1900);
    expect(await outboxOf(organizationId)).toHaveLength(5);
  });
});
