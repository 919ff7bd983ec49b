/**
 * The webhook pipeline end to end through `gt.handler`: verification, store-then-process,
 * inline and worker processing, failures, reprocess, replay, redaction, isolation,
 * retention and events. A test source signs with HMAC (`test-source.ts`) and a test handler
 * of `sms.inbound` effects writes tags, so every outcome is visible in the database.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, databaseKind, makeOrganization } from '../../test/harness.js';
import { recordAudit } from '../audit/index.js';
import { fixedClock } from '../clock.js';
import type { GreenTrackEventMap } from '../events.js';
import { createInstance, type GreenTrack } from '../greentrack.js';
import { toNodeHandler } from '../http/node.js';
import type { WebhookHandler } from '../module.js';
import { webhookHandlers } from '../modules.js';
import type { InboundWebhookRequest } from '../providers/webhooks.js';
import type { TenantFacade } from '../tenant.js';
import { signTestWebhook, TEST_SIGNATURE_HEADER, testWebhookSource } from './test-source.js';

const SECRET = 'webhooks-test-secret-0123456789abcdef-xyz';
const BASE = 'http://host.test/api/greentrack';
const INLINE_TIMEOUT_MS = 400;
const PUBLIC_BASE = 'https://app.example.com/api/greentrack';
const MAX_BODY_BYTES = 4096;

/** What the test handler does: apply, throw, or never return (until released). */
const control: { mode: 'apply' | 'throw' | 'hang'; entered?: () => void } = { mode: 'apply' };

/** Tags named by the effects' bodies, set-based and idempotent; one reply per new tag. */
const tagHandler: WebhookHandler<'sms.inbound'> = async (tx, effects) => {
  control.entered?.();
  if (control.mode === 'hang') await new Promise(() => {});
  const inserted = await tx.db
    .insertInto('tags')
    .values(effects.map((e) => ({ organization_id: tx.organizationId, name: e.body })))
    .onConflict((oc) => oc.columns(['organization_id', 'name']).doNothing())
    .returning('name')
    .execute();
  if (control.mode === 'throw') throw new Error('the handler broke');
  await recordAudit(tx, { action: 'test.tagged', entity: 'tag', after: { count: effects.length } });
  return { replies: inserted.map((t) => `tagged ${t.name}`) };
};

describe(`webhooks pipeline (${databaseKind})`, () => {
  let gt: GreenTrack;
  let drop: () => Promise<void>;
  const clock = fixedClock('2026-06-01T12:00:00Z');
  let home: { id: string; admin: TenantFacade; staff: TenantFacade; account: string };
  let other: { id: string; admin: TenantFacade; account: string };
  const events: Array<{ name: string; payload: unknown }> = [];
  /** The requests the sources were asked to verify, as core built them. */
  const verified: InboundWebhookRequest[] = [];

  const post = (
    account: string,
    body: string,
    headers: Record<string, string> = {},
    provider = 'twilio',
  ) =>
    gt.handler(
      new Request(`${BASE}/webhooks/${provider}/${account}?via=test`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body,
      }),
    );
  const signed = (account: string, payload: unknown, secret = `${SECRET}-home`) => {
    const body = JSON.stringify(payload);
    return post(account, body, { [TEST_SIGNATURE_HEADER]: signTestWebhook(secret, body) });
  };
  const rows = (organizationId: string) =>
    gt.database
      .tenant(organizationId)
      .selectFrom('webhooks_inbound')
      .selectAll()
      .orderBy('received_at')
      .execute();
  const tags = async (organizationId: string) =>
    (
      await gt.database
        .tenant(organizationId)
        .selectFrom('tags')
        .select('name')
        .orderBy('name')
        .execute()
    ).map((t) => t.name);
  const clear = async (organizationId: string) => {
    await gt.database.tenant(organizationId).deleteFrom('webhooks_inbound').execute();
    await gt.database.tenant(organizationId).deleteFrom('tags').execute();
  };

  beforeAll(async () => {
    const database = await createTestDatabase();
    drop = database.drop;
    gt = await createInstance(
      {
        database: database.options,
        secret: SECRET,
        clock,
        http: { maxBodyBytes: MAX_BODY_BYTES },
        providers: {
          webhooks: [
            testWebhookSource('twilio', (request) => verified.push(request)),
            testWebhookSource('sendgrid'),
          ],
        },
        webhooks: {
          publicBaseUrl: `${PUBLIC_BASE}/`,
          inlineMaxEvents: 3,
          inlineTimeoutMs: INLINE_TIMEOUT_MS,
          retentionDays: 30,
        },
      },
      { ...webhookHandlers, 'sms.inbound': tagHandler },
    );
    for (const name of ['webhook.received', 'webhook.failed'] as const)
      gt.on(name, (payload: GreenTrackEventMap[typeof name]) => events.push({ name, payload }));
    const setUp = async (label: string) => {
      const { organization, owner, admin, staff } = await makeOrganization(gt, label);
      const as = (userId: string) => gt.as({ userId, organizationId: organization.id });
      const account = await as(owner.id).integrations.create({
        provider: 'twilio',
        credentials: { webhookSecret: `${SECRET}-${label}`, authToken: 'unused' },
      });
      return {
        id: organization.id,
        admin: as(admin.id),
        staff: as(staff.id),
        account: account.id,
      };
    };
    home = await setUp('home');
    other = await setUp('other');
  });

  afterAll(async () => {
    await gt?.close();
    await drop?.();
  });

  beforeEach(async () => {
    control.mode = 'apply';
    control.entered = undefined;
    events.length = 0;
    verified.length = 0;
    await clear(home.id);
    await clear(other.id);
  });

  it('stores, processes inline and answers with the source’s acknowledgement', async () => {
    const response = await signed(home.account, { type: 'inbound', tags: ['vip', 'gold'] });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/xml');
    expect(await response.text()).toBe(
      '<Response><Message>tagged vip</Message><Message>tagged gold</Message></Response>',
    );
    const [row] = await rows(home.id);
    expect(row).toMatchObject({
      provider: 'twilio',
      event_type: 'inbound',
      status: 'processed',
      error: null,
      payload: { type: 'inbound', tags: ['vip', 'gold'] },
    });
    expect(row?.processed_at).toEqual(clock.now());
    expect(await tags(home.id)).toEqual(['gold', 'vip']);
    // The handler's audit row names the webhook it came from.
    const audit = await gt.database
      .tenant(home.id)
      .selectFrom('audit_log')
      .select(['actor_type', 'actor_id'])
      .where('action', '=', 'test.tagged')
      .execute();
    expect(audit).toContainEqual({ actor_type: 'webhook', actor_id: row?.id });
    // What the source verified: the public URL (rebuilt from publicBaseUrl), the exact bytes.
    expect(verified[0]?.url).toBe(`${PUBLIC_BASE}/webhooks/twilio/${home.account}?via=test`);
    expect(Buffer.from(verified[0]?.rawBody ?? []).toString()).toBe(
      JSON.stringify({ type: 'inbound', tags: ['vip', 'gold'] }),
    );
    expect(events.map((e) => e.name)).toEqual(['webhook.received']);
    expect(events[0]?.payload).toEqual({
      organizationId: home.id,
      webhookId: row?.id,
      provider: 'twilio',
      integrationAccountId: home.account,
      eventType: 'inbound',
      eventCount: 2,
    });
  });

  it('stores headers with secrets redacted', async () => {
    const body = JSON.stringify({ tags: ['a'] });
    const response = await post(home.account, body, {
      [TEST_SIGNATURE_HEADER]: signTestWebhook(`${SECRET}-home`, body),
      authorization: 'Basic dXNlcjpwYXNz',
      cookie: 'session=1',
      'x-trace': 'kept',
    });
    expect(response.status).toBe(200);
    const [row] = await rows(home.id);
    expect(row?.headers).toMatchObject({
      [TEST_SIGNATURE_HEADER]: '[redacted]',
      authorization: '[redacted]',
      cookie: '[redacted]',
      'x-trace': 'kept',
    });
    expect(JSON.stringify(row?.headers)).not.toContain('dXNlcjpwYXNz');
  });

  it('answers 401 and stores nothing for a tampered body, a wrong secret or a missing header, and counts them', async () => {
    const body = JSON.stringify({ tags: ['x'] });
    const good = signTestWebhook(`${SECRET}-home`, body);
    const cases = [
      post(home.account, body.replace('x', 'y'), { [TEST_SIGNATURE_HEADER]: good }),
      post(home.account, body, { [TEST_SIGNATURE_HEADER]: signTestWebhook('wrong', body) }),
      post(home.account, body),
    ];
    for (const response of await Promise.all(cases)) {
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({
        error: { code: 'WEBHOOK_UNVERIFIED', message: 'The webhook could not be verified' },
      });
    }
    expect(await rows(home.id)).toEqual([]);
    expect(await tags(home.id)).toEqual([]);
    const stats = await home.admin.webhooks.stats();
    expect(stats.verificationFailures).toEqual([
      expect.objectContaining({ integration_account_id: home.account, failures: 3 }),
    ]);
    expect(events).toEqual([]);
  });

  it('answers 401 with nothing stored for an unknown, malformed, disabled, other-provider or other-organization account', async () => {
    const sendgrid = await home.admin.integrations.create({
      provider: 'sendgrid',
      credentials: { webhookSecret: `${SECRET}-home` },
    });
    const disabled = await home.admin.integrations.create({
      provider: 'twilio',
      name: 'disabled',
      credentials: { webhookSecret: `${SECRET}-home` },
      status: 'disabled',
    });
    const payload = { tags: ['x'] };
    // Each signed with Home's secret, which is valid for the first three accounts' rows.
    for (const account of [randomUUID(), 'not-a-uuid', disabled.id, sendgrid.id, other.account]) {
      const response = await signed(account, payload);
      expect(response.status, account).toBe(401);
    }
    expect(await rows(home.id)).toEqual([]);
    expect(await rows(other.id)).toEqual([]);
    // The other organization's account with its own secret goes to its organization only.
    expect((await signed(other.account, payload, `${SECRET}-other`)).status).toBe(200);
    expect(await rows(home.id)).toEqual([]);
    expect(await rows(other.id)).toHaveLength(1);
    await home.admin.integrations.remove(sendgrid.id);
    await home.admin.integrations.remove(disabled.id);
  });

  it('refuses a body over http.maxBodyBytes with 413, storing nothing', async () => {
    const response = await signed(home.account, { tags: ['x'], pad: 'x'.repeat(MAX_BODY_BYTES) });
    expect(response.status).toBe(413);
    expect(await rows(home.id)).toEqual([]);
  });

  it('hands the Node socket’s address to the source through toNodeHandler', async () => {
    const server = createServer(toNodeHandler(gt));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const body = JSON.stringify({ tags: ['node'] });
      const response = await fetch(
        `http://127.0.0.1:${port}/api/greentrack/webhooks/twilio/${home.account}`,
        {
          method: 'POST',
          headers: { [TEST_SIGNATURE_HEADER]: signTestWebhook(`${SECRET}-home`, body) },
          body,
        },
      );
      expect(response.status).toBe(200);
      expect(verified[0]?.remoteAddress).toMatch(/127\.0\.0\.1$/);
      expect(await tags(home.id)).toEqual(['node']);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('answers 404 for a provider without a configured source', async () => {
    const response = await post(home.account, '{}', {}, 'stripe');
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({
      error: { code: 'WEBHOOK_PROVIDER_NOT_CONFIGURED' },
    });
  });

  it('keeps the row failed when a handler throws, rolls its work back, and reprocesses it once fixed', async () => {
    control.mode = 'throw';
    const response = await signed(home.account, { tags: ['broken'] });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('<Response></Response>');
    const [row] = await rows(home.id);
    expect(row).toMatchObject({ status: 'failed', processed_at: null });
    expect(row?.error).toContain('the handler broke');
    expect(await tags(home.id)).toEqual([]);
    expect(events.map((e) => e.name)).toEqual(['webhook.received', 'webhook.failed']);

    control.mode = 'apply';
    expect(await home.admin.webhooks.reprocess({ status: 'failed', since: new Date(0) })).toEqual({
      queued: 1,
    });
    await gt.worker.tick();
    const [after] = await rows(home.id);
    expect(after).toMatchObject({ status: 'processed', error: null });
    expect(await tags(home.id)).toEqual(['broken']);
    const listed = await home.admin.webhooks.list();
    expect(listed.items[0]).toMatchObject({ id: row?.id, attempts: 2 });
  });

  it('commits the row before processing: a run that never returns leaves it pending for the worker', async () => {
    control.mode = 'hang';
    let entered!: () => void;
    const inHandler = new Promise<void>((resolve) => {
      entered = resolve;
    });
    control.entered = entered;
    const responding = signed(home.account, { tags: ['late'] });
    await inHandler;
    if (databaseKind === 'postgres') {
      // Another connection, while the handler still holds its transaction open.
      const seen = await gt.database
        .system('test: a second session')
        .selectFrom('webhooks_inbound')
        .select('status')
        .where('organization_id', '=', home.id)
        .execute();
      expect(seen).toEqual([{ status: 'pending' }]);
    }
    const response = await responding;
    expect(response.status).toBe(200);
    const [row] = await rows(home.id);
    expect(row).toMatchObject({ status: 'pending', error: null });
    expect(await tags(home.id)).toEqual([]);

    control.mode = 'apply';
    control.entered = undefined;
    await gt.worker.tick();
    expect((await rows(home.id))[0]).toMatchObject({ status: 'processed' });
    expect(await tags(home.id)).toEqual(['late']);
  });

  it('leaves a payload over inlineMaxEvents to the worker', async () => {
    const response = await signed(home.account, { tags: ['a', 'b', 'c', 'd'] });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('<Response></Response>');
    expect((await rows(home.id))[0]).toMatchObject({ status: 'pending' });
    await gt.worker.tick();
    expect((await rows(home.id))[0]).toMatchObject({ status: 'processed' });
    expect(await tags(home.id)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('processes each pending row once when two worker passes run at the same time', async () => {
    for (const batch of [
      ['w1', 'w2', 'w3', 'w4'],
      ['w5', 'w6', 'w7', 'w8'],
    ])
      await signed(home.account, { tags: batch });
    expect((await rows(home.id)).map((r) => r.status)).toEqual(['pending', 'pending']);
    await Promise.all([gt.worker.tick(), gt.worker.tick()]);
    const page = await home.admin.webhooks.list();
    expect(page.items.map((w) => [w.status, w.attempts])).toEqual([
      ['processed', 1],
      ['processed', 1],
    ]);
    expect(await tags(home.id)).toHaveLength(8);
  });

  it('replays a processed row idempotently', async () => {
    await signed(home.account, { tags: ['once'] });
    const [row] = await rows(home.id);
    const replayed = await home.admin.webhooks.replay(row?.id ?? '');
    expect(replayed).toMatchObject({ id: row?.id, status: 'processed', attempts: 2 });
    expect(await tags(home.id)).toEqual(['once']);
    await expect(home.staff.webhooks.replay(row?.id ?? '')).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
  });

  it('lists in keyset pages, and one organization never sees another’s rows', async () => {
    for (const tag of ['p1', 'p2', 'p3']) {
      await signed(home.account, { tags: [tag] });
      clock.advance(1000);
    }
    await signed(other.account, { tags: ['theirs'] }, `${SECRET}-other`);
    const first = await home.admin.webhooks.list({ limit: 2 });
    expect(first.items).toHaveLength(2);
    const second = await home.admin.webhooks.list({ limit: 2, cursor: first.nextCursor ?? '' });
    expect(second.items).toHaveLength(1);
    expect(second.nextCursor).toBeNull();
    const all = [...first.items, ...second.items];
    expect(all.map((w) => w.received_at.getTime())).toEqual(
      [...all.map((w) => w.received_at.getTime())].sort((a, b) => b - a),
    );
    const [theirs] = await rows(other.id);
    await expect(home.admin.webhooks.get(theirs?.id ?? '')).rejects.toMatchObject({
      code: 'WEBHOOK_NOT_FOUND',
    });
    const got = await home.admin.webhooks.get(all[0]?.id ?? '');
    expect(got.payload).toEqual({ tags: ['p3'] });
    const response = await gt.handler(new Request(`${BASE}/webhooks/inbound`, { method: 'GET' }));
    expect(response.status).toBe(401);
  });

  it('deletes processed rows past retention and keeps failed ones', async () => {
    await signed(home.account, { tags: ['old'] });
    control.mode = 'throw';
    await signed(home.account, { tags: ['old-failed'] });
    control.mode = 'apply';
    clock.advance(31 * 24 * 60 * 60 * 1000);
    await signed(home.account, { tags: ['new'] });
    await gt.worker.tick();
    const left = await rows(home.id);
    expect(left.map((r) => [r.status, (r.payload as { tags: string[] }).tags[0]])).toEqual([
      ['failed', 'old-failed'],
      ['processed', 'new'],
    ]);
    const stats = await home.admin.webhooks.stats();
    expect(stats.byStatus).toEqual({ pending: 0, processed: 1, failed: 1 });
  });
});
