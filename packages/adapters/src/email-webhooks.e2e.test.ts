/**
 * SendGrid and Postmark webhooks end to end through `gt.handler`: real signing (an ECDSA
 * P-256 key pair, signed as SendGrid signs) and Postmark's basic-auth credentials. Authentic
 * → 200, stored and processed into our message's events, status and consent; anything not
 * authentic → 401 with no `webhooks_inbound` row.
 */
import { randomUUID } from 'node:crypto';
import type { GreenTrack } from '@greentrack/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestGreenTrack, databaseKind } from '../test/greentrack.js';
import { basicAuth, postmarkRecords } from '../test/postmark-webhook.js';
import { sendgridEvent, sendgridSigner } from '../test/sendgrid-webhook.js';
import { postmarkWebhooks } from './postmark/index.js';
import { sendgridWebhooks } from './sendgrid/index.js';

const BASE = 'http://host.test/api/greentrack';

describe(`SendGrid and Postmark webhooks through the route [${databaseKind}]`, () => {
  let gt: GreenTrack;
  let cleanup: () => Promise<void>;
  const signer = sendgridSigner();
  const postmarkAuth = { webhookUsername: 'gt-hook', webhookPassword: 'pm-secret' };
  let organizationId: string;
  let accounts: { sendgrid: string; postmark: string };
  let message: { id: string; customerId: string };

  beforeAll(async () => {
    ({ gt, cleanup } = await createTestGreenTrack({
      secret: 'email-webhooks-secret-0123456789abcdef',
      providers: { webhooks: [sendgridWebhooks(), postmarkWebhooks()] },
    }));
    const owner = await gt.users.create({ email: 'owner@hooks.example', name: 'Owner' });
    const { organization } = await gt.organizations.create({
      name: 'Hooks',
      ownerUserId: owner.id,
    });
    organizationId = organization.id;
    const org = gt.as({ userId: owner.id, organizationId });
    accounts = {
      sendgrid: (
        await org.integrations.create({
          provider: 'sendgrid',
          credentials: { webhookPublicKey: signer.publicKey },
        })
      ).id,
      postmark: (await org.integrations.create({ provider: 'postmark', credentials: postmarkAuth }))
        .id,
    };
    const customer = await org.customers.create({
      type: 'customer',
      name: 'Dana',
      email: 'dana@example.com',
    });
    const [row] = await gt.database
      .tenant(organizationId)
      .insertInto('messages')
      .values({
        organization_id: organizationId,
        customer_id: customer.id,
        channel: 'email',
        to_address: 'dana@example.com',
        provider: 'sendgrid',
        provider_message_id: '14c5d75ce93',
        body: '<p>Hi</p>',
        status: 'sent',
        sent_at: new Date(Date.now() - 60_000),
      })
      .returning('id')
      .execute();
    message = { id: row?.id as string, customerId: customer.id };
  }, 60_000);
  afterAll(() => cleanup());

  const post = (provider: string, account: string, body: string, headers: Record<string, string>) =>
    gt.handler(
      new Request(`${BASE}/webhooks/${provider}/${account}`, { method: 'POST', headers, body }),
    );

  const stored = async () =>
    (
      await gt.database
        .tenant(organizationId)
        .selectFrom('webhooks_inbound')
        .select(['id', 'status'])
        .execute()
    ).length;

  const now = () => Math.floor(Date.now() / 1000);

  it('stores and processes a signed SendGrid batch: events, status, consent', async () => {
    const body = JSON.stringify([
      sendgridEvent('delivered', {
        messageId: message.id,
        sgMessageId: '14c5d75ce93',
        eventId: 'e2e-d',
        timestamp: now() - 30,
      }),
      // No custom arg: found by SendGrid's id of the message.
      sendgridEvent('open', {
        sgMessageId: '14c5d75ce93',
        eventId: 'e2e-o',
        timestamp: now() - 20,
      }),
      sendgridEvent('unsubscribe', {
        messageId: message.id,
        sgMessageId: '14c5d75ce93',
        eventId: 'e2e-u',
        timestamp: now() - 10,
      }),
    ]);
    const before = await stored();
    const response = await post('sendgrid', accounts.sendgrid, body, signer.headers(body));
    expect(response.status).toBe(200);
    expect(await stored()).toBe(before + 1);
    const db = gt.database.tenant(organizationId);
    const events = await db
      .selectFrom('message_events')
      .select('type')
      .where('message_id', '=', message.id)
      .execute();
    expect(events.map((e) => e.type).sort()).toEqual(['delivered', 'open', 'unsubscribe']);
    const row = await db
      .selectFrom('messages')
      .select('status')
      .where('id', '=', message.id)
      .executeTakeFirst();
    expect(row?.status).toBe('delivered');
    const subscription = await db
      .selectFrom('subscriptions')
      .select('status')
      .where('customer_id', '=', message.customerId)
      .executeTakeFirst();
    expect(subscription?.status).toBe('unsubscribed');
    const [inbound] = await db
      .selectFrom('webhooks_inbound')
      .select(['status', 'provider'])
      .orderBy('received_at', 'desc')
      .limit(1)
      .execute();
    expect(inbound).toMatchObject({ status: 'processed', provider: 'sendgrid' });
  });

  it('answers 401 and stores nothing for a tampered body, another key, a stale timestamp or a missing header', async () => {
    const body = JSON.stringify([
      sendgridEvent('spamreport', {
        messageId: message.id,
        sgMessageId: '14c5d75ce93',
        eventId: 'e2e-s',
        timestamp: now(),
      }),
    ]);
    const headers = signer.headers(body);
    const before = await stored();
    const { 'x-twilio-email-event-webhook-signature': _s, ...unsigned } = headers;
    for (const [label, raw, sent] of [
      ['tampered', body.replace('spamreport', 'delivered'), headers],
      ['other key', body, sendgridSigner().headers(body)],
      ['stale', body, signer.headers(body, new Date(Date.now() - 600_000))],
      ['missing header', body, unsigned],
    ] as const) {
      const response = await post('sendgrid', accounts.sendgrid, raw, sent);
      expect([label, response.status]).toEqual([label, 401]);
    }
    expect(await stored()).toBe(before);
  });

  it('stores and processes a Postmark record with the right credentials only', async () => {
    const record = JSON.stringify(
      postmarkRecords.bounce({
        messageId: message.id,
        postmarkMessageId: randomUUID(),
        at: new Date(),
        type: 'HardBounce',
        id: 42,
      }),
    );
    const before = await stored();
    const wrong = await post('postmark', accounts.postmark, record, {
      'content-type': 'application/json',
      authorization: basicAuth('gt-hook', 'guess'),
    });
    expect(wrong.status).toBe(401);
    const missing = await post('postmark', accounts.postmark, record, {
      'content-type': 'application/json',
    });
    expect(missing.status).toBe(401);
    expect(await stored()).toBe(before);
    const right = await post('postmark', accounts.postmark, record, {
      'content-type': 'application/json',
      authorization: basicAuth(postmarkAuth.webhookUsername, postmarkAuth.webhookPassword),
    });
    expect(right.status).toBe(200);
    expect(await stored()).toBe(before + 1);
    const db = gt.database.tenant(organizationId);
    const row = await db
      .selectFrom('messages')
      .select('status')
      .where('id', '=', message.id)
      .executeTakeFirst();
    expect(row?.status).toBe('bounced');
  });
});
