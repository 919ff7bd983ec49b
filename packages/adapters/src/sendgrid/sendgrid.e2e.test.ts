/**
 * End to end: a campaign dispatched by the worker through the SendGrid adapter (real SDK,
 * local SendGrid) lands each message as `provider = 'sendgrid'` with the `X-Message-Id`
 * SendGrid answered for that message's own request — on PGlite and on Postgres.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DispatchedCampaign, dispatchCampaignThrough } from '../../test/campaign.js';
import { databaseKind } from '../../test/greentrack.js';
import { type LocalServer, startLocalServer } from '../../test/local-server.js';
import { SENDGRID_TEST_KEY, sendgridAnswer, sendgridMessageIdOf } from '../../test/sendgrid-api.js';
import { sendgrid } from './index.js';

describe(`a campaign through SendGrid [${databaseKind}]`, () => {
  let server: LocalServer;
  let run: DispatchedCampaign;
  /** Our message id → the X-Message-Id the local SendGrid answered. */
  const answered = new Map<string, string>();

  beforeAll(async () => {
    server = await startLocalServer((request) => {
      const response = sendgridAnswer(request);
      const id = response.headers?.['x-message-id'];
      if (id) answered.set(sendgridMessageIdOf(request) ?? '', id);
      return response;
    });
    run = await dispatchCampaignThrough(
      sendgrid({ apiKey: SENDGRID_TEST_KEY, baseUrl: server.url }),
      3,
    );
    // Migrating a fresh database dominates: seconds on PGlite, more on a loaded machine.
  }, 180_000);
  afterAll(async () => {
    await run?.cleanup();
    await server.close();
  });

  it('sends one request per recipient and records the provider and its message id', () => {
    expect(server.requests).toHaveLength(3);
    expect(run.messages).toHaveLength(3);
    for (const message of run.messages) {
      expect(message).toMatchObject({ status: 'sent', provider: 'sendgrid' });
      expect(message.provider_message_id).toBe(answered.get(message.id));
    }
    expect(new Set(run.messages.map((m) => m.provider_message_id)).size).toBe(3);
  });

  it('carries our ids, the campaign category and working List-Unsubscribe headers', () => {
    for (const request of server.requests) {
      const body = request.json as {
        personalizations: Array<{
          to: Array<{ email: string }>;
          custom_args: Record<string, string>;
        }>;
        categories: string[];
        headers: Record<string, string>;
        subject: string;
      };
      const [personalization] = body.personalizations;
      const message = run.messages.find((m) => m.id === personalization?.custom_args.gt_message_id);
      expect(body.personalizations).toHaveLength(1);
      expect(personalization?.to).toEqual([
        { email: message?.to_address, name: expect.any(String) },
      ]);
      expect(personalization?.custom_args).toEqual({
        gt_message_id: message?.id,
        gt_organization_id: run.organizationId,
        gt_campaign_id: run.campaignId,
        gt_campaign_run_id: expect.any(String),
      });
      expect(body.categories).toEqual([run.campaignId]);
      expect(body.subject).toMatch(/^Fresh bread, Reader \d$/);
      expect(body.headers['List-Unsubscribe']).toMatch(/^<https:\/\/shop\.example\/.+>$/);
      expect(body.headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
    }
  });
});
