/**
 * A test helper: one stored webhook's effects applied as the webhooks module applies them —
 * each kind by the handler its module declares, in one transaction of the organization —
 * for tests of the handlers before (and beside) the route. Not exported from the package.
 */
import type { GreenTrack } from '../src/greentrack.js';
import { invoiceSyncModule } from '../src/invoice-sync/index.js';
import type { ModuleDeps, WebhookHandler } from '../src/module.js';
import { paymentsModule } from '../src/payments/index.js';
import type { WebhookEffect, WebhookEffectKind } from '../src/providers/webhooks.js';
import { inTransaction, systemScope } from '../src/scope.js';

const handlers = { ...paymentsModule.webhookHandlers, ...invoiceSyncModule.webhookHandlers } as {
  [K in WebhookEffectKind]?: WebhookHandler<K>;
};

let sequence = 0;

/** Applies `effects` in `organizationId` as one processed webhook of `provider`. */
export async function applyWebhookEffects(
  gt: GreenTrack,
  organizationId: string,
  effects: readonly WebhookEffect[],
  provider: 'stripe' | 'zeroinvoice' = 'stripe',
): Promise<void> {
  const scope = systemScope(
    { database: gt.database, clock: gt.clock, emit: () => {} },
    organizationId,
  );
  const webhook = {
    id: `00000000-0000-4000-8000-${String(++sequence).padStart(12, '0')}`,
    organizationId,
    eventType: null,
    payload: null,
    receivedAt: gt.clock.now(),
    provider,
    integrationAccountId: '00000000-0000-4000-8000-000000000000',
  };
  // The handlers read only the webhook from their context; the deps are the instance's own
  // in the real pipeline and unused here.
  const context = { deps: {} as ModuleDeps, webhook };
  await inTransaction(scope, async (tx) => {
    const kinds = [...new Set(effects.map((e) => e.kind))];
    for (const kind of kinds) {
      const handler = handlers[kind] as WebhookHandler<typeof kind> | undefined;
      if (!handler) throw new Error(`No handler for ${kind}`);
      await handler(tx, effects.filter((e) => e.kind === kind) as never, context);
    }
  });
}
