/**
 * The webhook handler registry: every module's `webhookHandlers` merged into one map from
 * effect kind to its handler, the way the RBAC table and the customer-data registry fold
 * over the module list.
 */
import type { ModuleDescriptor, WebhookHandlers } from '../module.js';

/**
 * Merges the modules' handlers. @throws when two modules claim one effect kind: each kind
 * has exactly one owner, or an effect would be applied twice.
 */
export function webhookHandlerRegistry(modules: readonly ModuleDescriptor[]): WebhookHandlers {
  const merged: Record<string, unknown> = {};
  const owner: Record<string, string> = {};
  for (const module of modules) {
    for (const [kind, handler] of Object.entries(module.webhookHandlers ?? {})) {
      if (handler === undefined) continue;
      if (owner[kind] !== undefined)
        throw new Error(
          `webhook effect '${kind}' is handled by both '${owner[kind]}' and '${module.name}'`,
        );
      owner[kind] = module.name;
      merged[kind] = handler;
    }
  }
  return merged as WebhookHandlers;
}
