/**
 * Provider failover in the dispatcher: provider A answering 503 call after call opens its
 * circuit breaker and sends move to B; after the cool-down (on the instance clock) one call
 * probes A and sends return to it. A message never goes through two providers: a call whose
 * outcome is unknown stays with its provider, even when that provider's breaker opens.
 * A provider's suppression changes the recipient's consent, so the next run skips them.
 *
 * The providers are small in-test providers (the breaker and the ledger are under test);
 * the adapters' tests drive the real SDKs.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestGreenTrack, databaseKind, makeOrganization } from '../../test/harness.js';
import { fixedClock } from '../clock.js';
import { isGreenTrackError } from '../errors.js';
import type { GreenTrackEventMap, GreenTrackEventName } from '../events.js';
import { createGreenTrack, type GreenTrack } from '../greentrack.js';
import type { RenderMessage } from '../providers/message-render.js';
import {
  type EmailProvider,
  ProviderError,
  type ProviderFailure,
  type SendResult,
} from '../providers/messaging.js';
import { systemScope } from '../scope.js';
import { setSendingSettings } from '../settings/service.js';
import { type DispatchDeps, type DispatchOptions, dispatchDue } from './dispatch.js';
import { startDueCampaigns } from './runs.js';
import { resendUnknownOutcome } from './unknown-outcomes.js';

const render: RenderMessage = async ({ template, customer }) => {
  const text = template.content.replaceAll('{{ customer.name }}', customer.name);
  return { channel: 'email', subject: template.subject ?? '', html: `<p>${text}</p>`, text };
};

/** How an in-test provider answers a call. */
type Mode =
  | 'up'
  /** 503 before accepting anything: certainly not sent. */
  | 'down'
  /** Accepts the messages, then the answer is lost (a proxy's 502): outcome unknown. */
  | 'accept_then_unknown';

/** An email provider that records what it accepted, by message id and recipient. */
function testProvider(
  id: string,
  options: { idempotent?: boolean; refuse?: (to: string) => ProviderFailure | undefined } = {},
) {
  const accepted: Array<{ messageId: string; to: string }> = [];
  const state = { mode: 'up' as Mode, calls: 0 };
  const provider: EmailProvider = {
    id,
    channel: 'email',
    capabilities: {
      maxBatch: 1,
      idempotent: options.idempotent ?? false,
      ratePerSecond: Number.POSITIVE_INFINITY,
    },
    send: async (messages) => {
      state.calls++;
      if (state.mode === 'down')
        throw new ProviderError({
          message: 'Service Unavailable',
          kind: 'transient',
          outcome: 'not_sent',
          code: '503',
        });
      const results: SendResult[] = messages.map((m) => {
        const failure = options.refuse?.(m.to.email);
        if (failure) return { messageId: m.messageId, status: 'failed', failure };
        const seen = accepted.some((a) => a.messageId === m.messageId);
        if (!(seen && options.idempotent))
          accepted.push({ messageId: m.messageId, to: m.to.email });
        return {
          messageId: m.messageId,
          status: 'sent',
          providerMessageId: `${id}-${m.messageId}`,
        };
      });
      if (state.mode === 'accept_then_unknown')
        throw new ProviderError({
          message: 'Bad Gateway',
          kind: 'transient',
          outcome: 'unknown',
          code: '502',
        });
      return results;
    },
  };
  return { provider, accepted, state };
}

/** An organization with `n` subscribed customers, a segment of them and an email template. */
async function organizationWith(gt: GreenTrack, n: number) {
  const fixture = await makeOrganization(gt, 'Failover');
  const organizationId = fixture.organization.id;
  const org = gt.as({ userId: fixture.owner.id, organizationId });
  const tag = `t${randomUUID().slice(0, 8)}`;
  const customers = [];
  for (let i = 0; i < n; i++)
    customers.push(
      await org.customers.create({
        type: 'customer',
        name: `Customer ${i}`,
        email: `c${i}-${randomUUID().slice(0, 8)}@example.com`,
        tags: [tag],
      }),
    );
  const { id: templateId } = await gt.database
    .tenant(organizationId)
    .insertInto('templates')
    .values({
      organization_id: organizationId,
      name: 'Hello',
      channel: 'email',
      subject: 'Sale',
      content: 'Hello {{ customer.name }}',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const segment = await org.segments.create({
    name: 'Tagged',
    rule: { field: 'tags', op: 'has_any', values: [tag] },
  });
  /** Starts a campaign to the segment; returns its run. */
  const startCampaign = async () => {
    const campaign = await org.campaigns.create({
      name: 'Sale',
      channel: 'email',
      template_id: templateId,
      segment_id: segment.id,
    });
    await org.campaigns.schedule(campaign.id);
    await startDueCampaigns({ database: gt.database, clock: gt.clock, emit: () => {} });
    const [run] = await org.campaigns.runs(campaign.id);
    if (!run) throw new Error('no run');
    return { campaign, run };
  };
  return { organizationId, org, customers, startCampaign };
}

describe(`provider failover [${databaseKind}]`, () => {
  let gt: GreenTrack;
  let cleanup: () => Promise<void>;
  const clock = fixedClock('2026-06-01T09:00:00.000Z');
  const events: Array<{ name: GreenTrackEventName; payload: unknown }> = [];

  beforeAll(async () => {
    ({ gt, cleanup } = await createTestGreenTrack({ clock }));
  });
  afterAll(() => cleanup());

  const depsWith = (...email: EmailProvider[]): DispatchDeps => {
    const [first, ...rest] = email;
    if (!first) throw new Error('no provider');
    return {
      database: gt.database,
      clock,
      emit: (name, payload) => {
        events.push({ name, payload });
      },
      providers: { email: first, sms: gt.providers.sms, fallbacks: { email: rest } },
      render,
    };
  };

  const eventsNamed = <K extends GreenTrackEventName>(name: K) =>
    events.filter((e) => e.name === name).map((e) => e.payload as GreenTrackEventMap[K]);

  const messagesOf = (organizationId: string, runId: string) =>
    gt.database
      .tenant(organizationId)
      .selectFrom('messages')
      .select(['id', 'customer_id', 'provider', 'status', 'provider_message_id'])
      .where('campaign_run_id', '=', runId)
      .execute();

  const deliveriesOf = (organizationId: string, runId: string) =>
    gt.database
      .tenant(organizationId)
      .selectFrom('campaign_deliveries')
      .select(['customer_id', 'state', 'reason', 'message_id', 'attempts'])
      .where('campaign_run_id', '=', runId)
      .execute();

  it('moves sends to B after A answers 503 N times in a row, and back to A after the cool-down', async () => {
    events.length = 0;
    const a = testProvider('provider-a');
    const b = testProvider('provider-b');
    const deps = depsWith(a.provider, b.provider);
    const options: DispatchOptions = {
      circuitBreaker: { consecutiveFailures: 3, coolDownMs: 60_000 },
    };
    a.state.mode = 'down';

    // A is down: each of the first three calls is refused (503) and its message moves to B
    // at once; the third opens A's breaker, so the last three go straight to B.
    const first = await organizationWith(gt, 6);
    const run1 = (await first.startCampaign()).run;
    expect(await dispatchDue(deps, options)).toMatchObject({ sent: 6, failed: 0, completed: 1 });
    expect(a.state.calls).toBe(3);
    expect(a.accepted).toEqual([]);
    expect(b.accepted.map((m) => m.to).sort()).toEqual(first.customers.map((c) => c.email).sort());
    const sent1 = await messagesOf(first.organizationId, run1.id);
    // The provider that sent, as it named the message (not the first one tried).
    for (const m of sent1)
      expect(m).toMatchObject({
        provider: 'provider-b',
        status: 'sent',
        provider_message_id: `provider-b-${m.id}`,
      });
    // A failover is no attempt: nothing was sent.
    for (const d of await deliveriesOf(first.organizationId, run1.id)) expect(d.attempts).toBe(1);
    expect(eventsNamed('provider.failover')).toEqual([
      {
        channel: 'email',
        providerId: 'provider-a',
        nextProviderId: 'provider-b',
        organizationId: first.organizationId,
        probeAt: new Date(clock.now().getTime() + 60_000),
      },
    ]);

    // A is back, but its breaker is cooling down: still B, and A is not called.
    a.state.mode = 'up';
    clock.advance(30_000);
    const second = await organizationWith(gt, 2);
    const run2 = (await second.startCampaign()).run;
    expect(await dispatchDue(deps, options)).toMatchObject({ sent: 2, completed: 1 });
    expect(a.state.calls).toBe(3);
    for (const m of await messagesOf(second.organizationId, run2.id))
      expect(m.provider).toBe('provider-b');

    // Cool-down over: one call probes A, succeeds, and the breaker closes.
    clock.advance(30_000);
    const third = await organizationWith(gt, 3);
    const run3 = (await third.startCampaign()).run;
    expect(await dispatchDue(deps, options)).toMatchObject({ sent: 3, completed: 1 });
    expect(a.state.calls).toBe(6);
    for (const m of await messagesOf(third.organizationId, run3.id))
      expect(m.provider).toBe('provider-a');
    expect(eventsNamed('provider.recovered')).toEqual([
      { channel: 'email', providerId: 'provider-a', organizationId: third.organizationId },
    ]);
    expect(eventsNamed('provider.failover')).toHaveLength(1);

    // Nobody received two sends, across both providers.
    const everyone = [...first.customers, ...second.customers, ...third.customers];
    const received = [...a.accepted, ...b.accepted].map((m) => m.to);
    expect(received.sort()).toEqual(everyone.map((c) => c.email).sort());
  });

  it("follows the organization's provider order, and the host's order for the others", async () => {
    const a = testProvider('order-a');
    const b = testProvider('order-b');
    const deps = depsWith(a.provider, b.provider);
    const chooser = await organizationWith(gt, 2);
    await setSendingSettings(systemScope(deps, chooser.organizationId), {
      providers: { email: ['order-b', 'order-a'] },
    });
    const other = await organizationWith(gt, 2);
    const chosenRun = (await chooser.startCampaign()).run;
    const otherRun = (await other.startCampaign()).run;
    expect(await dispatchDue(deps)).toMatchObject({ sent: 4, completed: 2 });
    for (const m of await messagesOf(chooser.organizationId, chosenRun.id))
      expect(m.provider).toBe('order-b');
    for (const m of await messagesOf(other.organizationId, otherRun.id))
      expect(m.provider).toBe('order-a');
    expect(b.accepted.map((m) => m.to).sort()).toEqual(
      chooser.customers.map((c) => c.email).sort(),
    );
  });

  it('never moves a message whose call may have been accepted: it is held with its provider', async () => {
    events.length = 0;
    const a = testProvider('held-a');
    const b = testProvider('held-b');
    const deps = depsWith(a.provider, b.provider);
    a.state.mode = 'accept_then_unknown';
    const { organizationId, org, customers, startCampaign } = await organizationWith(gt, 3);
    const { run } = await startCampaign();

    // Two unknown outcomes open A's breaker (they count as an outage); the two messages
    // stay with A, held, and only the third recipient's message goes to B.
    expect(
      await dispatchDue(deps, { circuitBreaker: { consecutiveFailures: 2, coolDownMs: 60_000 } }),
    ).toMatchObject({ sent: 1, unknown: 2, completed: 1 });
    expect(eventsNamed('provider.failover')).toHaveLength(1);
    const messages = await messagesOf(organizationId, run.id);
    const held = messages.filter((m) => m.status === 'queued');
    expect(held.map((m) => m.provider)).toEqual(['held-a', 'held-a']);
    expect(b.accepted.map((m) => m.messageId)).toEqual(
      messages.filter((m) => m.status === 'sent').map((m) => m.id),
    );
    expect(b.accepted.some((m) => held.some((h) => h.id === m.messageId))).toBe(false);
    const states = await deliveriesOf(organizationId, run.id);
    expect(states.filter((d) => d.state === 'unknown')).toHaveLength(2);

    // A person's resend goes to the provider the message may have reached, never another;
    // an instance without that provider refuses rather than send it elsewhere.
    a.state.mode = 'up';
    const [one] = held;
    if (!one) throw new Error('nothing held');
    const refused = await org.campaigns.resendUnknown(one.id).catch((error: unknown) => error);
    expect(isGreenTrackError(refused, 'CAMPAIGN_PROVIDER_NOT_CONFIGURED')).toBe(true);
    const resend = await resendUnknownOutcome(
      systemScope(deps, organizationId),
      { providers: deps.providers, render, dispatch: {} },
      one.id,
    );
    expect(resend).toMatchObject({ state: 'sent' });
    expect(b.accepted.some((m) => m.messageId === one.id)).toBe(false);
    expect(a.accepted.filter((m) => m.messageId === one.id)).toHaveLength(2);
    expect(customers).toHaveLength(3);
  });

  it('resends an interrupted message through its idempotent provider only, waiting out its breaker', async () => {
    events.length = 0;
    const a = testProvider('idem-a', { idempotent: true });
    const b = testProvider('idem-b');
    const deps = depsWith(a.provider, b.provider);
    const options: DispatchOptions = {
      circuitBreaker: { consecutiveFailures: 1, coolDownMs: 60_000 },
    };
    a.state.mode = 'accept_then_unknown';
    const { organizationId, customers, startCampaign } = await organizationWith(gt, 2);
    const { run } = await startCampaign();

    // The first call's answer is lost: A (idempotent) gets it again under the same id
    // later; the breaker opened, so the second recipient goes to B.
    expect(await dispatchDue(deps, options)).toMatchObject({ sent: 1, unknown: 0, completed: 0 });
    const pinned = (await messagesOf(organizationId, run.id)).find((m) => m.status === 'queued');
    expect(pinned?.provider).toBe('idem-a');

    // A's breaker is open: the resend waits for A rather than going to B.
    await dispatchDue(deps, options);
    expect(b.accepted.some((m) => m.messageId === pinned?.id)).toBe(false);
    const waiting = (await deliveriesOf(organizationId, run.id)).find(
      (d) => d.message_id === pinned?.id,
    );
    expect(waiting).toMatchObject({ state: 'pending' });
    expect(waiting?.reason).toMatch(/^PROVIDERS_UNAVAILABLE/);

    // After the cool-down and the retry's backoff, A takes the probe and deduplicates it.
    a.state.mode = 'up';
    clock.advance(3 * 60_000);
    expect(await dispatchDue(deps, options)).toMatchObject({ sent: 1, completed: 1 });
    expect(a.accepted.filter((m) => m.messageId === pinned?.id)).toHaveLength(1);
    const received = [...a.accepted, ...b.accepted].map((m) => m.to).sort();
    expect(received).toEqual(customers.map((c) => c.email).sort());
    expect(eventsNamed('provider.recovered')).toHaveLength(1);
  });

  it('acts on a provider suppression: consent changes with the failure, and the next run skips the address', async () => {
    events.length = 0;
    const { organizationId, org, customers, startCampaign } = await organizationWith(gt, 3);
    const [unsubscribed, invalid, fine] = customers;
    const a = testProvider('suppress-a', {
      refuse: (to) =>
        to === unsubscribed?.email
          ? {
              kind: 'permanent',
              code: '21610',
              message: 'Attempt to send to unsubscribed recipient',
              suppress: 'unsubscribed',
            }
          : to === invalid?.email
            ? { kind: 'permanent', code: '300', message: 'Invalid email', suppress: 'invalid' }
            : undefined,
    });
    const { run } = await startCampaign();
    expect(await dispatchDue(depsWith(a.provider))).toMatchObject({
      sent: 1,
      failed: 2,
      completed: 1,
    });

    const consent = async (id: string | undefined) =>
      (await org.consent.get(id ?? '')).email.status;
    expect(await consent(unsubscribed?.id)).toBe('unsubscribed');
    expect(await consent(invalid?.id)).toBe('bounced');
    expect(await consent(fine?.id)).not.toBe('unsubscribed');
    expect(
      eventsNamed('consent.changed')
        .map((e) => [e.customerId, e.status, e.source, e.previousStatus, e.actor.type])
        .sort(),
    ).toEqual(
      [
        [unsubscribed?.id, 'unsubscribed', 'provider:suppress-a:21610', null, 'system'],
        [invalid?.id, 'bounced', 'provider:suppress-a:300', null, 'system'],
      ].sort(),
    );
    const audit = await gt.database
      .tenant(organizationId)
      .selectFrom('audit_log')
      .select(['action', 'after'])
      .where('entity', '=', 'subscription')
      .execute();
    expect(audit.map((r) => [r.action, (r.after as { source: string }).source]).sort()).toEqual([
      ['subscription.create', 'provider:suppress-a:21610'],
      ['subscription.create', 'provider:suppress-a:300'],
    ]);
    expect((await deliveriesOf(organizationId, run.id)).map((d) => d.state).sort()).toEqual([
      'failed',
      'failed',
      'sent',
    ]);

    // The next campaign to the same segment leaves both addresses out of its audience.
    const next = await startCampaign();
    const audience = await gt.database
      .tenant(organizationId)
      .selectFrom('campaign_audience')
      .select('customer_id')
      .where('campaign_run_id', '=', next.run.id)
      .execute();
    expect(audience.map((r) => r.customer_id)).toEqual([fine?.id]);
    expect(await dispatchDue(depsWith(a.provider))).toMatchObject({ sent: 1, completed: 1 });
  });
});

describe(`failover through the instance config [${databaseKind}]`, () => {
  it('takes a list of providers per channel, in order, and fails over along it in the worker', async () => {
    const a = testProvider('config-a');
    const b = testProvider('config-b');
    a.state.mode = 'down';
    const secret = 'failover-test-secret-0123456789abcdefgh';
    const tracking = { baseUrl: 'https://shop.example' };
    const { gt, cleanup } = await createTestGreenTrack({
      clock: fixedClock('2026-06-01T09:00:00.000Z'),
      secret,
      tracking,
      providers: { email: [a.provider, b.provider] },
      dispatch: { circuitBreaker: { consecutiveFailures: 1, coolDownMs: 60_000 } },
    });
    try {
      expect(gt.providers.email).toBe(a.provider);
      expect(gt.providers.fallbacks?.email).toEqual([b.provider]);
      const failovers: unknown[] = [];
      gt.on('provider.failover', (event) => failovers.push(event));
      const { customers, startCampaign } = await organizationWith(gt, 2);
      await startCampaign();
      expect(await gt.worker.tick()).toMatchObject({ messagesSent: 2 });
      expect(a.state.calls).toBe(1);
      expect(b.accepted.map((m) => m.to).sort()).toEqual(customers.map((c) => c.email).sort());
      expect(failovers).toHaveLength(1);
    } finally {
      await cleanup();
    }
    // Ids name providers in messages and in an organization's order: they must differ.
    await expect(
      createGreenTrack({
        database: { inMemory: true },
        secret,
        tracking,
        providers: { email: [a.provider, testProvider('config-a').provider] },
      }),
    ).rejects.toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringContaining('unique') });
  });
});
