/**
 * An email campaign dispatched through the SMTP adapter to a real in-process SMTP server,
 * end to end (facade → worker tick → nodemailer → smtp-server → mailparser), on PGlite or
 * on Postgres (`DATABASE_URL`): each message records `provider: 'smtp'` and its Message-ID,
 * and the mail that arrived carries our id and core's List-Unsubscribe headers.
 */
import { fixedClock, type GreenTrack } from '@greentrack/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatchCampaign } from '../../test/campaign-fixture.js';
import { createTestGreenTrack, databaseKind } from '../../test/greentrack.js';
import { type SmtpRig, startSmtpRig } from './conformance-rig.js';

describe(`an email campaign through SMTP [${databaseKind}]`, () => {
  let rig: SmtpRig;
  let gt: GreenTrack;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    // The dispatcher's calls may take a while on a loaded machine; the rig's 400 ms is for
    // its timeout fault.
    rig = await startSmtpRig({ timeoutMs: 10_000 });
    ({ gt, cleanup } = await createTestGreenTrack({
      secret: 'an-e2e-secret-of-at-least-32-characters',
      tracking: { baseUrl: 'https://shop.example' },
      providers: { email: rig.provider },
      clock: fixedClock('2026-06-01T15:00:00.000Z'),
    }));
  }, 60_000);
  afterAll(async () => {
    await cleanup?.();
    await rig?.close();
  });

  it('records provider and Message-ID per message; the mail carries our id and List-Unsubscribe', async () => {
    const customers = Array.from({ length: 5 }, (_, i) => ({
      name: `Customer ${i}`,
      email: `c${i}@example.net`,
    }));
    const { campaign, messages } = await dispatchCampaign(gt, {
      channel: 'email',
      customers,
      subject: 'Spring sale, {{ customer.first_name }}',
      content: '<p>Hello {{ customer.name }}, <a href="https://shop.example/sale">20% off</a>.</p>',
    });

    expect(campaign.status).toBe('completed');
    expect(messages).toHaveLength(5);
    expect(rig.received).toHaveLength(5);
    for (const message of messages) {
      const mail = rig.received.find(
        (m) => m.parsed.headers.get('x-greentrack-message-id') === message.id,
      );
      expect(mail?.envelope.rcptTo).toEqual([message.to_address]);
      expect(mail?.parsed.subject).toBe('Spring sale, Customer');
      expect(mail?.parsed.html).toContain('20% off');
      expect(mail?.parsed.text).toContain('20% off');
      expect(mail?.parsed.headers.get('list')).toMatchObject({
        unsubscribe: { url: expect.stringMatching(/^https:\/\/shop\.example\//) },
      });
      expect(mail?.raw.toString('utf8')).toContain(
        'List-Unsubscribe-Post: List-Unsubscribe=One-Click',
      );
      expect(message).toMatchObject({
        status: 'sent',
        provider: 'smtp',
        provider_message_id: mail?.parsed.messageId,
      });
      expect(message.provider_message_id).toMatch(new RegExp(`^<${message.id}@`));
    }
  }, 60_000);
});
