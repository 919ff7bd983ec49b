/**
 * The worker's part: each tick syncs the `zeroinvoice` accounts that are due (never synced
 * by the worker, or `intervalMs` after its last run), a few at a time. An account is
 * claimed by moving its `next_sync_at` forward in one conditional upsert, so two worker
 * processes never sync one account in the same round. A failing account records its error
 * and waits for its next turn; the others go on.
 */
import { sql } from 'kysely';
import type { Clock } from '../clock.js';
import type { DatabaseAccess } from '../db/access.js';
import { isGreenTrackError } from '../errors.js';
import type { Emit } from '../events.js';
import type { InvoiceSourceConnector } from '../providers/invoices.js';
import { systemScope } from '../scope.js';
import type { Keyring } from '../secrets/index.js';
import { syncAccount } from './service.js';

/** Default pause between two worker syncs of one account. */
const DEFAULT_INVOICE_SYNC_INTERVAL_MS = 15 * 60 * 1000;
/** Accounts one tick syncs at most. */
const ACCOUNTS_PER_TICK = 5;

export interface InvoiceSyncWorkerDeps {
  database: DatabaseAccess;
  clock: Clock;
  emit: Emit;
  /** `providers.invoices`; absent: the worker syncs nothing. */
  source: InvoiceSourceConnector | undefined;
  keyring: () => Keyring;
  /** @default {@link DEFAULT_INVOICE_SYNC_INTERVAL_MS} */
  intervalMs?: number;
}

/** What a tick's invoice sync did. */
export interface InvoiceSyncTickResult {
  /** Accounts synced to the end. */
  synced: number;
  /** Accounts whose sync failed (their `last_error` says why). */
  failed: number;
}

/** Syncs the due accounts of every organization. */
export async function syncDueInvoiceAccounts(
  deps: InvoiceSyncWorkerDeps,
): Promise<InvoiceSyncTickResult> {
  const result = { synced: 0, failed: 0 };
  if (!deps.source) return result;
  const now = deps.clock.now();
  const due = await deps.database
    .system('the worker looks for invoice accounts due for a sync in every organization')
    .selectFrom('integration_accounts as a')
    .leftJoin('invoice_sync_state as s', 's.integration_account_id', 'a.id')
    .select(['a.id', 'a.organization_id'])
    .where('a.provider', '=', 'zeroinvoice')
    .where('a.status', '=', 'active')
    .where((eb) => eb.or([eb('s.next_sync_at', 'is', null), eb('s.next_sync_at', '<=', now)]))
    .orderBy(sql`s.next_sync_at NULLS FIRST`)
    .limit(ACCOUNTS_PER_TICK)
    .execute();
  const next = new Date(now.getTime() + (deps.intervalMs ?? DEFAULT_INVOICE_SYNC_INTERVAL_MS));
  for (const account of due) {
    const scope = systemScope(deps, account.organization_id);
    const claimed = await scope.db
      .insertInto('invoice_sync_state')
      .values({
        integration_account_id: account.id,
        organization_id: account.organization_id,
        next_sync_at: next,
      })
      .onConflict((oc) =>
        oc
          .column('integration_account_id')
          .doUpdateSet({ next_sync_at: next })
          .where((eb) =>
            eb.or([
              eb('invoice_sync_state.next_sync_at', 'is', null),
              eb('invoice_sync_state.next_sync_at', '<=', now),
            ]),
          ),
      )
      .returning('integration_account_id')
      .executeTakeFirst();
    if (!claimed) continue;
    let error: string | null = null;
    try {
      await syncAccount(scope, { source: deps.source, keyring: deps.keyring }, account.id);
      result.synced += 1;
    } catch (thrown) {
      result.failed += 1;
      error = isGreenTrackError(thrown)
        ? `${thrown.code}: ${thrown.message}`
        : `INTERNAL: ${thrown instanceof Error ? thrown.message : String(thrown)}`;
    }
    await scope.db
      .updateTable('invoice_sync_state')
      .set({ last_synced_at: deps.clock.now(), last_error: error, updated_at: deps.clock.now() })
      .where('integration_account_id', '=', account.id)
      .execute();
  }
  return result;
}
