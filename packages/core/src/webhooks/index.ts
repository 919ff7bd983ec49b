/**
 * Webhooks: provider requests verified by their `WebhookSource`, stored in
 * `webhooks_inbound` before the answer, then processed through the handlers modules
 * declare for each effect kind (inline for small payloads, else by the worker).
 */
import { defineModule } from '../module.js';
import { webhookCustomerData } from './customer-data.js';
import type { WebhookErrorCode as Code } from './error-codes.js';
import { webhookPermissions, webhooksFacade } from './facade.js';
import { registerWebhookRoutes, WEBHOOK_PUBLIC_PREFIXES } from './routes.js';

export { WebhookErrorCode } from './error-codes.js';
export { webhookHandlerRegistry } from './handlers.js';
export {
  resolveWebhookOptions,
  type WebhooksOptions,
  webhookSourcesSchema,
  webhooksOptionsSchema,
} from './options.js';
export { runWebhookPass } from './pass.js';
export type {
  WebhookListQuery,
  WebhookOut,
  WebhookPage,
  WebhookReprocessInput,
  WebhookStats,
  WebhookSummary,
} from './schema.js';

export const webhooksModule = defineModule({
  name: 'webhooks',
  tenantTables: ['webhooks_inbound', 'webhook_receipts', 'webhook_verification_failures'],
  customerData: webhookCustomerData,
  permissions: webhookPermissions,
  errorStatus: {
    WEBHOOK_UNVERIFIED: 401,
    WEBHOOK_PROVIDER_NOT_CONFIGURED: 404,
    WEBHOOK_NOT_FOUND: 404,
  } satisfies Record<Code, number>,
  publicPathPrefixes: WEBHOOK_PUBLIC_PREFIXES,
  routes: registerWebhookRoutes,
  facade: webhooksFacade,
});
