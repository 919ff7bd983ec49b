/**
 * Failover end to end through the real SDKs: a GreenTrack configured with SendGrid then
 * Postmark (each a local server speaking its wire format). SendGrid answering 503 call after
 * call opens its circuit breaker and the worker's sends move to Postmark; after the cool-down
 * (on the instance clock) one probe finds SendGrid back and sends return to it. Every
 * recipient is accepted by exactly one provider, once, and `messages.provider` names it —
 * on PGlite and on Postgres.
 */
import { randomBytes } from 'node:crypto';
import { fixedClock, type GreenTrack, type GreenTrackEventMap } from '@greentrack/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatchCampaign } from '../test/campaign-fixture.js';
import { createTestGreenTrack, databaseKind } from '../test/greentrack.js';
import { type LocalServer, startLocalServer } from '../test/local-server.js';
import { POSTMARK_TEST_TOKEN, postmarkAnswer, postmarkMessageIdsOf } from '../test/postmark-api.js';
import {
  SENDGRID_TEST_KEY,
  sendgridAnswer,
  sendgridErrors,
  sendgridMessageIdOf,
} from '../test/sendgrid-api.js';
import { postmark } from './postmark/index.js';
import { sendgrid } from './sendgrid/index.js';

const COOL_DOWN_MS = 60_000;

describe(`email failover from SendGrid to Postmark [${databaseKind}]`, () => {
  const clock = fixedClock('2026-06-01T09:00:00.000Z');
  let sendgridServer: LocalServer;
  let postmarkServer: LocalServer;
  let gt: GreenTrack;
  let cleanup: () => Promise<void>;
  let sendgridUp = false;
  const failovers: Array<GreenTrackEventMap['provider.failover']> = [];
  const recoveries: Array<GreenTrackEventMap['provider.recovered']> = [];

  /** Our message ids the local SendGrid accepted (202), with repeats. */
  const sendgridAccepted: string[] = [];

  const campaignOf = (recipients: number) => {
    const suffix = randomBytes(4).toString('hex');
    return dispatchCampaign(gt, {
      channel: 'email',
      customers: Array.from({ length: recipients }, (_, i) => ({
        name: `Reader ${i}`,
        email: `reader${i}-${suffix}@example.com`,
      })),
      subject: 'Fresh bread',
      content: '<p>Hello {{ customer.name }}</p>',
    });
  };

  beforeAll(async () => {
    sendgridServer = await startLocalServer((request) => {
      if (!sendgridUp) {
        return { status: 503, body: sendgridErrors({ message: 'Service Unavailable' }) };
      }
      const answer = sendgridAnswer(request);
      if (answer.status === 202) sendgridAccepted.push(sendgridMessageIdOf(request) ?? '');
      return answer;
    });
    postmarkServer = await startLocalServer((request) => postmarkAnswer(request));
    ({ gt, cleanup } = await createTestGreenTrack({
      clock,
      providers: {
        email: [
          sendgrid({ apiKey: SENDGRID_TEST_KEY, baseUrl: sendgridServer.url }),
          postmark({ serverToken: POSTMARK_TEST_TOKEN, baseUrl: postmarkServer.url }),
        ],
      },
      secret: randomBytes(32).toString('hex'),
      tracking: { baseUrl: 'https://shop.example' },
      dispatch: {
        from: { email: 'news@bakery.example', name: 'Corner Bakery' },
        circuitBreaker: { consecutiveFailures: 2, coolDownMs: COOL_DOWN_MS },
      },
    }));
    gt.on('provider.failover', (event) => failovers.push(event));
    gt.on('provider.recovered', (event) => recoveries.push(event));
  }, 180_000);
  afterAll(async () => {
    await cleanup?.();
    await sendgridServer?.close();
    await postmarkServer?.close();
  });

  it('sends a refused (503) call through Postmark, and opens the breaker on the second refusal', async () => {
    const first = await campaignOf(3);
    expect(first.campaign.status).toBe('completed');
    expect(first.messages.map((m) => [m.status, m.provider])).toEqual(
      Array(3).fill(['sent', 'postmark']),
    );
    expect(failovers).toHaveLength(0);

    const second = await campaignOf(3);
    expect(second.messages.map((m) => [m.status, m.provider])).toEqual(
      Array(3).fill(['sent', 'postmark']),
    );
    expect(failovers).toMatchObject([
      { channel: 'email', providerId: 'sendgrid', nextProviderId: 'postmark' },
    ]);
  });

  it('does not call SendGrid while its breaker is open', async () => {
    const calls = sendgridServer.requests.length;
    const third = await campaignOf(2);
    expect(third.messages.map((m) => m.provider)).toEqual(['postmark', 'postmark']);
    expect(sendgridServer.requests.length).toBe(calls);
  });

  it('probes SendGrid after the cool-down and sends through it again once it answers', async () => {
    sendgridUp = true;
    clock.advance(COOL_DOWN_MS + 1_000);
    const fourth = await campaignOf(3);
    expect(fourth.messages.map((m) => [m.status, m.provider])).toEqual(
      Array(3).fill(['sent', 'sendgrid']),
    );
    for (const message of fourth.messages) expect(message.provider_message_id).toBeTruthy();
    expect(recoveries).toMatchObject([{ channel: 'email', providerId: 'sendgrid' }]);
  });

  it('has every recipient accepted by exactly one provider, once', () => {
    const postmarkAccepted = postmarkServer.requests.flatMap(postmarkMessageIdsOf);
    const all = [...sendgridAccepted, ...postmarkAccepted];
    expect(all).toHaveLength(11);
    expect(new Set(all).size).toBe(11);
    expect(sendgridAccepted).toHaveLength(3);
  });
});
