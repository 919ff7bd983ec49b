/**
 * The scope webhook work runs in: confined to the account's organization, acting as the
 * `webhook` actor (what audit rows and events record), with the stored row's id when there
 * is one.
 */
import type { ModuleDeps } from '../module.js';
import type { Scope } from '../scope.js';

/** A scope in the account's organization, acting as the `webhook` actor. */
export function webhookScope(
  deps: Pick<ModuleDeps, 'database' | 'clock' | 'emit'>,
  organizationId: string,
  webhookId: string | null = null,
): Scope {
  return {
    db: deps.database.tenant(organizationId),
    organizationId,
    actor: { type: 'webhook', id: webhookId },
    role: 'owner',
    clock: deps.clock,
    emit: deps.emit,
  };
}
