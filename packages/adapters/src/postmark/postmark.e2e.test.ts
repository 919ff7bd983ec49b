/**
 * End to end: a campaign dispatched by the worker through the Postmark adapter (real SDK,
 * local Postmark) lands each message as `provider = 'postmark'` with the `MessageID`
 * Postmark answered for it in the batch, and a recipient Postmark reports inactive (406)
 * fails with Postmark's reason — on PGlite and on Postgres.
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
  POSTMARK_TEST_TOKEN,
  postmarkAnswer,
  postmarkMessageIdsOf,
} from '../../test/postmark-api.js';
import { postmark } from './index.js';

describe(`a campaign through Postmark [${databaseKind}]`, () => {
  let server: LocalServer;
  let run: DispatchedCampaign;
  /** Our message id → the MessageID the local Postmark answered. */
  const answered = new Map<string, string>();

  beforeAll(async () => {
    server = await startLocalServer((request) => {
      // The fourth reader hard-bounced earlier: Postmark refuses the address.
      const batch = request.json as Array<{ To: string }>;
      const inactive = batch.flatMap((m) => /<(reader3-[^>]*)>/.exec(m.To)?.[1] ?? []);
      const response = postmarkAnswer(request, new Set(inactive));
      const entries = response.body as Array<{ MessageID?: string }>;
      postmarkMessageIdsOf(request).forEach((id, k) => {
        const providerId = entries[k]?.MessageID;
        if (providerId) answered.set(id, providerId);
      });
      return response;
    });
    run = await dispatchCampaignThrough(
      postmark({ serverToken: POSTMARK_TEST_TOKEN, baseUrl: server.url }),
      4,
    );
    // Migrating a fresh database dominates: seconds on PGlite, more on a loaded machine.
  }, 180_000);
  afterAll(async () => {
    await run?.cleanup();
    await server.close();
  });

  it('sends the recipients in one batch and records the provider and each MessageID', async () => {
    expect(server.requests).toHaveLength(1);
    expect(run.messages).toHaveLength(4);
    const { sent } = await outcomesOf(run);
    for (const message of sent) {
      expect(message).toMatchObject({ status: 'sent', provider: 'postmark' });
      expect(message.provider_message_id).toBe(answered.get(message.id));
    }
    expect(new Set(sent.map((m) => m.provider_message_id)).size).toBe(3);
  });

  it("fails the inactive recipient permanently with Postmark's 406 reason, no provider id", async () => {
    const { refused, delivery } = await outcomesOf(run);
    expect(refused).toMatchObject({
      status: 'failed',
      provider: 'postmark',
      provider_message_id: null,
    });
    expect(delivery.state).toBe('failed');
    expect(delivery.reason).toMatch(
      /^406: You tried to send to a recipient that has been marked as inactive/,
    );
  });

  it('sends through the broadcast stream with our ids in Metadata and working List-Unsubscribe headers', async () => {
    const batch = server.requests[0]?.json as Array<{
      To: string;
      MessageStream: string;
      Tag: string;
      Metadata: Record<string, string>;
      Headers: Array<{ Name: string; Value: string }>;
    }>;
    for (const entry of batch) {
      const message = run.messages.find((m) => m.id === entry.Metadata.gt_message_id);
      expect(entry.To).toBe(
        `"Reader ${entry.To.match(/Reader (\d)/)?.[1]}" <${message?.to_address}>`,
      );
      expect(entry.MessageStream).toBe('broadcast');
      expect(entry.Tag).toBe(run.campaignId);
      expect(entry.Metadata).toEqual({
        gt_message_id: message?.id,
        gt_organization_id: run.organizationId,
        gt_campaign_id: run.campaignId,
        gt_campaign_run_id: expect.any(String),
      });
      const headers = Object.fromEntries(entry.Headers.map((h) => [h.Name, h.Value]));
      expect(headers['List-Unsubscribe']).toMatch(/^<https:\/\/shop\.example\/.+>$/);
      expect(headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
    }
  });
});
