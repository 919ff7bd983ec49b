/**
 * A GreenTrack with webhook sources on a fresh database, for end-to-end tests of one
 * provider's webhooks through the real route (`gt.handler`): an organization with an
 * integration account of the provider, requests posted to
 * `{base}/webhooks/{provider}/{accountId}`, and the rows they left.
 */
import { fixedClock, type GreenTrack, type WebhookSource } from '@greentrack/core';
import { createTestGreenTrack } from './greentrack.js';
import { createShop } from './shop.js';

export const WEBHOOK_TEST_NOW = '2026-06-10T12:00:00.000Z';

export interface WebhookRoute {
  gt: GreenTrack;
  organizationId: string;
  accountId: string;
  /** Posts `body` with `headers` to the account's webhook URL. */
  post(body: string, headers: Record<string, string>): Promise<Response>;
  /** How many `webhooks_inbound` rows the organization has. */
  inboundCount(): Promise<number>;
  cleanup(): Promise<void>;
}

/** Starts the instance, creates the organization and its `provider` account with `credentials`. */
export async function startWebhookRoute(
  source: WebhookSource,
  credentials: Record<string, string>,
): Promise<WebhookRoute> {
  const { gt, cleanup } = await createTestGreenTrack({
    secret: 'webhook-e2e-secret-0123456789abcdef012345',
    clock: fixedClock(WEBHOOK_TEST_NOW),
    providers: { webhooks: [source] },
  });
  const { org, organizationId } = await createShop(gt);
  const account = await org.integrations.create({ provider: source.provider, credentials });
  const url = `http://host.test/api/greentrack/webhooks/${source.provider}/${account.id}`;
  return {
    gt,
    organizationId,
    accountId: account.id,
    post: (body, headers) =>
      gt.handler(
        new Request(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body,
        }),
      ),
    inboundCount: async () => {
      const { n } = await gt.db
        .selectFrom('webhooks_inbound')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('organization_id', '=', organizationId)
        .executeTakeFirstOrThrow();
      return Number(n);
    },
    cleanup,
  };
}
