/**
 * The webhooks module's part of `gt.as(actor)`: the organization's stored webhooks. Raw
 * payloads name customers, so reading them is for admins, like the audit log.
 */
import type { FacadeContext } from '../module.js';
import type {
  WebhookListQuery,
  WebhookOut,
  WebhookPage,
  WebhookReprocessInput,
  WebhookStats,
} from './schema.js';
import {
  getWebhook,
  listWebhooks,
  replayWebhook,
  reprocessWebhooks,
  webhookStats,
} from './service.js';

export const webhookPermissions = {
  /** Listing stored webhooks (raw provider payloads) and the verification counters. */
  'webhook.read': 'admin',
  /** Reprocessing failed webhooks and replaying one. */
  'webhook.process': 'admin',
} as const;
type WebhookAction = keyof typeof webhookPermissions;

export interface WebhooksFacade {
  webhooks: {
    /**
     * Stored webhooks, newest first, keyset-paginated (admin+); without payloads.
     * @example await org.webhooks.list({ status: 'failed', since: new Date('2026-05-01') })
     */
    list(query?: WebhookListQuery): Promise<WebhookPage>;
    /** One stored webhook with its headers (secrets redacted) and payload (admin+). @throws `WEBHOOK_NOT_FOUND` */
    get(webhookId: string): Promise<WebhookOut>;
    /**
     * Puts failed webhooks back in the queue for the worker (admin+), e.g. once the cause
     * of their failure is fixed. @returns how many were queued.
     * @example await org.webhooks.reprocess({ status: 'failed', since: yesterday })
     */
    reprocess(input: WebhookReprocessInput): Promise<{ queued: number }>;
    /**
     * Processes one stored webhook again now, whatever its status (admin+); handlers are
     * idempotent. @returns the row after the run. @throws `WEBHOOK_NOT_FOUND`
     */
    replay(webhookId: string): Promise<WebhookOut>;
    /** Rows by status and verification failures per integration account (admin+). */
    stats(): Promise<WebhookStats>;
  };
}

export function webhooksFacade({ on, deps }: FacadeContext<WebhookAction>): WebhooksFacade {
  return {
    webhooks: {
      list: on('webhook.read', (scope, query?: WebhookListQuery) => listWebhooks(scope, query)),
      get: on('webhook.read', getWebhook),
      reprocess: on('webhook.process', reprocessWebhooks),
      replay: on('webhook.process', (scope, id: string) => replayWebhook(scope, deps, id)),
      stats: on('webhook.read', webhookStats),
    },
  };
}
