/**
 * The one way to change an organization's `organization_settings` row. The row is shared by
 * several writers (sending settings, the consent policy), each owning some columns, so they
 * all follow the same steps: a change that changes nothing writes nothing; otherwise, in one
 * transaction, make sure the row exists, lock it, decide on the LOCKED value (a concurrent
 * writer's change is never lost), write and audit.
 */
import type { Updateable } from 'kysely';
import { recordAudit } from '../audit/index.js';
import type { OrganizationSettingsTable } from '../db/types.js';
import { inTransaction, type Scope } from '../scope.js';

/** What a writer of the settings row provides: how to read, change, compare and store its part. */
export interface SettingsRowChange<T> {
  /** Reads the writer's part (its defaults without a row); `lock` holds the row. */
  read(scope: Scope, lock: boolean): Promise<T>;
  /** The part after the requested change. */
  apply(current: T): T;
  same(a: T, b: T): boolean;
  /** The columns to store for `after`. */
  columns(after: T): Omit<Updateable<OrganizationSettingsTable>, 'organization_id' | 'updated_at'>;
  /** The audit row's action and entity. */
  audit: { action: string; entity: string };
  /** Runs in the transaction after the write (e.g. to emit an event after commit). */
  changed?(tx: Scope, before: T, after: T): void;
}

/** Applies `change` to the scope's organization; returns the part as stored afterwards. */
export async function changeSettingsRow<T>(scope: Scope, change: SettingsRowChange<T>): Promise<T> {
  const current = await change.read(scope, false);
  if (change.same(current, change.apply(current))) return current;
  return inTransaction(scope, async (tx) => {
    const now = tx.clock.now();
    await tx.db
      .insertInto('organization_settings')
      .values({ organization_id: tx.organizationId, updated_at: now })
      .onConflict((oc) => oc.column('organization_id').doNothing())
      .execute();
    const before = await change.read(tx, true);
    const after = change.apply(before);
    if (change.same(before, after)) return before;
    await tx.db
      .updateTable('organization_settings')
      .set({ ...change.columns(after), updated_at: now })
      .where('organization_id', '=', tx.organizationId)
      .execute();
    await recordAudit(tx, { ...change.audit, entityId: tx.organizationId, before, after });
    change.changed?.(tx, before, after);
    return after;
  });
}
