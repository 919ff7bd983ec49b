/**
 * A webhook source for tests of the pipeline (not exported by the package): it signs the
 * raw body with HMAC-SHA256 under the account's `webhookSecret`, as many providers do, and
 * reads `{ tags: string[] }` back as one `sms.inbound` effect per tag. Tests pair it with a
 * handler of their own (`createInstance`), so the pipeline is tested without any provider.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { DatabaseAccess } from '../db/access.js';
import {
  type InboundWebhookRequest,
  type WebhookEffect,
  type WebhookProvider,
  WebhookSignatureError,
  type WebhookSource,
} from '../providers/webhooks.js';

export const TEST_SIGNATURE_HEADER = 'x-test-signature';

/** The signature header value of `body` under `secret`. */
export function signTestWebhook(secret: string, body: string): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

/**
 * The test source for `provider` (default `twilio`: its acknowledgement is TwiML).
 * `onVerify` sees each request as core hands it over (URL, remote address).
 */
export function testWebhookSource(
  provider: WebhookProvider = 'twilio',
  onVerify?: (request: InboundWebhookRequest) => void,
): WebhookSource {
  return {
    provider,
    secretHeaders: [TEST_SIGNATURE_HEADER],
    verify(request, credentials) {
      onVerify?.(request);
      const signature = request.headers[TEST_SIGNATURE_HEADER];
      if (!signature) throw new WebhookSignatureError('missing_header', 'No signature header');
      const secret = credentials.webhookSecret;
      if (!secret) throw new WebhookSignatureError('missing_secret', 'No webhookSecret');
      const expected = Buffer.from(
        createHmac('sha256', secret).update(request.rawBody).digest('hex'),
      );
      const given = Buffer.from(signature);
      if (given.length !== expected.length || !timingSafeEqual(given, expected))
        throw new WebhookSignatureError('bad_signature', 'Signature does not match');
      let payload: { type?: string; tags?: unknown };
      try {
        payload = JSON.parse(Buffer.from(request.rawBody).toString('utf8'));
      } catch {
        throw new WebhookSignatureError('malformed', 'Body is not JSON');
      }
      const tags = Array.isArray(payload.tags) ? payload.tags : [];
      return { eventType: payload.type ?? null, payload, eventCount: tags.length };
    },
    interpret(stored): WebhookEffect[] {
      const { tags } = stored.payload as { tags: string[] };
      return tags.map((tag) => ({
        kind: 'sms.inbound',
        from: '+15550000001',
        to: '+15550000002',
        body: tag,
        providerMessageId: `SM-${tag}`,
      }));
    },
    acknowledge({ replies }) {
      return {
        status: 200,
        contentType: 'text/xml',
        body: `<Response>${replies.map((r) => `<Message>${r}</Message>`).join('')}</Response>`,
      };
    },
  };
}

/** A stored webhook (`failed`, no effects) of the organization, as if it had been received. */
export async function insertTestWebhook(
  database: DatabaseAccess,
  organizationId: string,
  integrationAccountId: string,
): Promise<string> {
  const db = database.tenant(organizationId);
  const { id } = await db
    .insertInto('webhooks_inbound')
    .values({
      organization_id: organizationId,
      provider: 'twilio',
      payload: JSON.stringify({ tags: [] }),
      status: 'failed',
      error: 'stored for a test',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('webhook_receipts')
    .values({
      webhook_id: id,
      organization_id: organizationId,
      integration_account_id: integrationAccountId,
      event_count: 0,
    })
    .execute();
  return id;
}
