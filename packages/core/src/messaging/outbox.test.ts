/**
 * The built-in outbox provider: records batches in `outbox_messages` inside the batch's
 * organization, deduplicates by message id unless told not to, and its rows are the
 * customer's data (erase removes them).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestGreenTrack, databaseKind, makeOrganization } from '../../test/harness.js';
import type { GreenTrack } from '../greentrack.js';
import { createGreenTrack } from '../index.js';
import type { EmailMessage, SmsMessage } from '../providers/messaging.js';

const email = (to: string, messageId = randomUUID()): EmailMessage => ({
  messageId,
  to: { email: to, name: 'Ada' },
  from: { email: 'shop@example.com', name: 'Shop' },
  subject: 'Spring sale',
  html: '<p>Hello Ada</p>',
  text: 'Hello Ada',
  headers: { 'List-Unsubscribe': '<https://example.com/u/1>' },
});

describe(`outbox provider [${databaseKind}]`, () => {
  let gt: GreenTrack;
  let cleanup: () => Promise<void>;
  let orgA: string;
  let orgB: string;

  beforeAll(async () => {
    ({ gt, cleanup } = await createTestGreenTrack());
    orgA = (await makeOrganization(gt, 'A')).organization.id;
    orgB = (await makeOrganization(gt, 'B')).organization.id;
  });
  afterAll(() => cleanup());

  const rowsOf = (organizationId: string) =>
    gt.database
      .tenant(organizationId)
      .selectFrom('outbox_messages')
      .selectAll()
      .orderBy('sent_at')
      .orderBy('recipient')
      .execute();

  it('is the default provider of both channels and records a batch as sent', async () => {
    expect(gt.providers.email.id).toBe('outbox');
    expect(gt.providers.sms.capabilities).toMatchObject({ idempotent: true, maxBatch: 1000 });
    const batch = [email('ada@example.com'), email('bob@example.com')];
    const results = await gt.providers.email.send(batch, { organizationId: orgA });
    expect(results.map((r) => [r.messageId, r.status])).toEqual(
      batch.map((m) => [m.messageId, 'sent']),
    );
    const rows = await rowsOf(orgA);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({
      channel: 'email',
      recipient: 'ada@example.com',
      sender: 'shop@example.com',
      subject: 'Spring sale',
      body: '<p>Hello Ada</p>',
      text_body: 'Hello Ada',
      headers: { 'List-Unsubscribe': '<https://example.com/u/1>' },
    });
    expect(results.map((r) => (r.status === 'sent' ? r.providerMessageId : null))).toEqual(
      batch.map((m) => rows.find((r) => r.message_id === m.messageId)?.id),
    );
    // Row-level security: the other organization sees none of it.
    expect(await rowsOf(orgB)).toEqual([]);
  });

  it('answers a repeated message id with the first record and stores nothing new', async () => {
    const first = email('cy@example.com');
    const [sent] = await gt.providers.email.send([first], { organizationId: orgB });
    const again = await gt.providers.email.send([first, email('dee@example.com')], {
      organizationId: orgB,
    });
    expect(again[0]).toEqual(sent);
    expect(again[1]?.status).toBe('sent');
    expect((await rowsOf(orgB)).map((r) => r.recipient)).toEqual([
      'cy@example.com',
      'dee@example.com',
    ]);
  });

  it('records SMS with the E.164 number and the body', async () => {
    const sms: SmsMessage = {
      messageId: randomUUID(),
      to: '+14155550100',
      body: 'Sale today',
      headers: {},
    };
    const [result] = await gt.providers.sms.send([sms], {
      organizationId: orgA,
      campaignRunId: randomUUID(),
    });
    expect(result?.status).toBe('sent');
    const row = (await rowsOf(orgA)).find((r) => r.message_id === sms.messageId);
    expect(row).toMatchObject({ channel: 'sms', recipient: '+14155550100', body: 'Sale today' });
    expect(row?.campaign_run_id).toEqual(expect.any(String));
  });

  it('records every call when not idempotent, so a duplicate send is visible', async () => {
    const { gt: plain, cleanup: done } = await createTestGreenTrack({
      providers: { email: { outbox: { idempotent: false } } },
    });
    try {
      const org = (await makeOrganization(plain, 'C')).organization.id;
      expect(plain.providers.email.capabilities.idempotent).toBe(false);
      const message = email('eve@example.com');
      await plain.providers.email.send([message], { organizationId: org });
      await plain.providers.email.send([message], { organizationId: org });
      const rows = await plain.database
        .tenant(org)
        .selectFrom('outbox_messages')
        .select(['message_id', 'idempotency_key'])
        .execute();
      expect(rows).toEqual([
        { message_id: message.messageId, idempotency_key: null },
        { message_id: message.messageId, idempotency_key: null },
      ]);
    } finally {
      await done();
    }
  });

  it('takes a provider of the host, and refuses one of the wrong shape', async () => {
    const sent: string[] = [];
    const custom = {
      id: 'custom',
      channel: 'sms' as const,
      capabilities: { maxBatch: 1, idempotent: false, ratePerSecond: 10 },
      send: async (messages: readonly SmsMessage[]) =>
        messages.map((m) => {
          sent.push(m.to);
          return { messageId: m.messageId, status: 'sent' as const, providerMessageId: 'SM1' };
        }),
    };
    const { gt: hosted, cleanup: done } = await createTestGreenTrack({
      providers: { sms: custom },
      // A real provider needs working unsubscribe links.
      secret: 'outbox-test-secret-0123456789abcdefghijk',
      tracking: { baseUrl: 'https://shop.example' },
    });
    try {
      expect(hosted.providers.sms).toBe(custom);
      expect(hosted.providers.email.id).toBe('outbox');
    } finally {
      await done();
    }
    await expect(
      createGreenTrack({
        database: { inMemory: true },
        providers: { email: { ...custom, channel: 'sms' } as never },
      }),
    ).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringContaining('providers.email'),
    });
  });

  it("is the customer's data: erase removes what was sent to them", async () => {
    const { organization, owner } = await makeOrganization(gt, 'Erase');
    const org = gt.as({ userId: owner.id, organizationId: organization.id });
    const customer = await org.customers.create({
      type: 'customer',
      name: 'Gus',
      email: 'gus@example.com',
    });
    await gt.providers.email.send([email('GUS@example.com'), email('other@example.com')], {
      organizationId: organization.id,
    });
    const exported = await org.customers.export(customer.id);
    expect(exported.outbox_messages.map((r) => r.recipient)).toEqual(['GUS@example.com']);
    await org.customers.erase(customer.id);
    expect((await rowsOf(organization.id)).map((r) => r.recipient)).toEqual(['other@example.com']);
  });
});
