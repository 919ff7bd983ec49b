/**
 * `Scope`: everything a service function may use, passed in rather than read from globals.
 *
 * A scope belongs to one organization and one actor. `inTransaction` gives work a scope
 * whose `db` is the transaction and whose `emit` holds events until the commit.
 */
import type { IsolationLevel, Kysely } from 'kysely';
import type { Clock } from './clock.js';
import type { DatabaseAccess } from './db/access.js';
import type { Database, Role } from './db/types.js';
import type { ActorRef, Emit } from './events.js';

/** A user acting inside one organization: what `gt.as(...)` and `authenticate` give. */
export interface TenantActor {
  userId: string;
  organizationId: string;
  /**
   * Narrows what this actor may do below their role: RBAC action names or `prefix.*`
   * (set from a widget token's scopes). Omitted: everything the role allows.
   */
  scopes?: readonly string[];
}

export interface Scope {
  /** The database, or the current transaction inside `inTransaction`. */
  db: Kysely<Database>;
  /** The organization every query of this scope is confined to. */
  organizationId: string;
  /** Who acts: recorded in `audit_log` and in events. */
  actor: ActorRef;
  /** The actor's role in the organization (system actors act as `owner`). */
  role: Role;
  /**
   * The token scopes that narrow `role` (see `TenantActor.scopes`); `undefined` means the
   * role alone decides. Every permission check — the facade's and a service's finer one —
   * honours them.
   */
  scopes?: readonly string[];
  clock: Clock;
  emit: Emit;
}

/**
 * A scope for host work inside one organization (the worker's, a host's credential read):
 * the `system` actor, acting as owner, confined to the organization like any tenant work.
 */
export function systemScope(
  deps: { database: DatabaseAccess; clock: Clock; emit: Emit },
  organizationId: string,
): Scope {
  return {
    db: deps.database.tenant(organizationId),
    organizationId,
    actor: { type: 'system', id: null },
    role: 'owner',
    clock: deps.clock,
    emit: deps.emit,
  };
}

/** The part of a scope `inTransaction` needs; host-level contexts have it too. */
export interface Transactional {
  db: Kysely<Database>;
  emit: Emit;
}

/**
 * Runs `work` in one transaction. Nested calls join the outer transaction. Events emitted
 * through the inner scope are delivered after the outermost commit, and dropped on rollback.
 */
export async function inTransaction<S extends Transactional, T>(
  scope: S,
  work: (tx: S) => Promise<T>,
  options: {
    /** Isolation of a transaction this call starts (a joined outer one keeps its own). */
    isolationLevel?: IsolationLevel;
  } = {},
): Promise<T> {
  if (scope.db.isTransaction) return work(scope);
  const pending: Array<() => void> = [];
  const queue: Emit = (name, payload) => {
    pending.push(() => scope.emit(name, payload));
  };
  const begin = scope.db.transaction();
  const result = await (options.isolationLevel
    ? begin.setIsolationLevel(options.isolationLevel)
    : begin
  ).execute((trx) => work({ ...scope, db: trx, emit: queue }));
  for (const deliver of pending) deliver();
  return result;
}
