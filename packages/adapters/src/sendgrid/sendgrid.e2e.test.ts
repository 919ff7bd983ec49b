/**
 * End to end: a campaign dispatched by the worker through the SendGrid adapter (real SDK,
 * local SendGrid) lands each message as `provider = 'sendgrid'` with the `X-Message-Id`
 * SendGrid answered for that message's own request, and a recipient SendGrid refuses (400)
 * fails with SendGrid's error text — on PGlite and on Postgres.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type DispatchedCampaign,
  dispatchCampaignThrough,
  outcomesOf,
} from '../../test/campaign.js';
import { databaseKind } from '../../test/greentrack.js';
import { type LocalServer, startLocalServer } from '../../test/local-server.js';
import {
  SENDGRID_TEST_KEY,
  sendgridAnswer,
  sendgridErrors,
  sendgridMessageIdOf,
} from '../../test/sendgrid-api.js';
import { sendgrid } from './index.js';

describe(`a campaign through SendGrid [${databaseKind}]`, () => {
  let server: LocalServer;
  let run: DispatchedCampaign;
  /** Our message id → the X-Message-Id the local SendGrid answered. */
  const answered = new Map<string, string>();

  beforeAll(async () => {
    server = await startLocalServer((request) => {
      // SendGrid refuses the fourth reader's address.
      const to = (request.json as { personalizations: Array<{ to: Array<{ email: string }> }> })
        .personalizations[0]?.to[0]?.email;
      if (to?.startsWith('reader3-')) {
        return {
          status: 400,
          body: sendgridErrors({
            message: 'Does not contain a valid address.',
            field: 'personalizations.0.to.0.email',
          }),
        };
      }
      const response = sendgridAnswer(request);
      const id = response.headers?.['x-message-id'];
      if (id) answered.set(sendgridMessageIdOf(request) ?? '', id);
      return response;
    });
    run = await dispatchCampaignThrough(
      sendgrid({ apiKey: SENDGRID_TEST_KEY, baseUrl: server.url }),
      4,
    );
    // Migrating a fresh database dominates: seconds on PGlite, more on a loaded machine.
  }, 180_000);
  afterAll(async () => {
    await run?.cleanup();
    await server.close();
  });

  it('sends one request per recipient and records the provider and its message id', async () => {
    expect(server.requests).toHaveLength(4);
    expect(run.messages).toHaveLength(4);
    const { sent } = await outcomesOf(run);
    for (const message of sent) {
      expect(message).toMatchObject({ status: 'sent', provider: 'sendgrid' });
      expect(message.provider_message_id).toBe(answered.get(message.id));
    }
    expect(new Set(sent.map((m) => m.provider_message_id)).size).toBe(3);
  });

  it("fails the refused recipient permanently with SendGrid's error text, no provider id", async () => {
    const { refused, delivery } = await outcomesOf(run);
    expect(refused).toMatchObject({
      status: 'failed',
      provider: 'sendgrid',
      provider_message_id: null,
    });
    expect(delivery).toEqual({ state: 'failed', reason: '400: Does not contain a valid address.' });
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
