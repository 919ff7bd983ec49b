/**
 * The tenant facade `gt.as(actor)` returns: every module's part, each method bound to its
 * RBAC action. Each call re-reads the actor's membership (one indexed lookup), so a revoked
 * or demoted member loses access on their next call, then checks the RBAC table and the
 * token's scopes, then runs the service with a fresh `Scope`. This is the only road to
 * tenant data.
 */
import type { Role } from './db/types.js';
import type { Binder, ModuleDeps, ModuleDescriptor } from './module.js';
import { type Action, type ModuleFacades, modules, permissions } from './modules.js';
import type { Scope, TenantActor } from './scope.js';
import { authorize, resolveRole } from './tenancy/index.js';

/**
 * The tenant-scoped API returned by `gt.as(actor)`: one part per module (`customers`,
 * `segments`, `consent`, `memberships`, …), every method documented where its module
 * declares it.
 */
export interface TenantFacade extends ModuleFacades {
  /** The acting user and organization. */
  readonly actor: TenantActor;
}

/** Options of {@link createTenantFacade}. */
export interface TenantFacadeOptions {
  /**
   * The actor's role, just read by the caller (the HTTP layer reads it to answer 401 for
   * ex-members). The facade's FIRST call uses it instead of reading it again; every later
   * call re-reads the membership as usual.
   */
  role?: Role;
}

/**
 * Merges facade parts one level deep: two modules may add methods under one namespace
 * (`customers.import` beside `customers.list`), never the same method twice.
 */
function mergeFacadeParts(parts: Array<Record<string, unknown>>): Record<string, unknown> {
  const merged: Record<string, unknown> = {};
  for (const part of parts) {
    for (const [key, value] of Object.entries(part)) {
      const existing = merged[key];
      if (existing === undefined) {
        merged[key] = value;
      } else if (
        typeof existing === 'object' &&
        existing !== null &&
        typeof value === 'object' &&
        value !== null
      ) {
        for (const name of Object.keys(value)) {
          if (name in existing)
            throw new Error(`Two modules define the facade method ${key}.${name}`);
        }
        merged[key] = { ...existing, ...value };
      } else {
        throw new Error(`Two modules define the facade member ${key}`);
      }
    }
  }
  return merged;
}

/** Builds the facade for `actor`. Cheap: nothing is queried until a method is called. */
export function createTenantFacade(
  deps: ModuleDeps,
  actor: TenantActor,
  options: TenantFacadeOptions = {},
): TenantFacade {
  let known = options.role;
  // One confined connection for the facade's whole life, made on first use.
  let confined: Scope['db'] | undefined;
  const db = () => {
    confined ??= deps.database.tenant(actor.organizationId);
    return confined;
  };
  const roleNow = async (): Promise<Role> => {
    if (known === undefined) return resolveRole(db(), actor);
    const role = known;
    known = undefined;
    return role;
  };
  const on: Binder = (action, service) => {
    const minimum = permissions[action as Action];
    // A typo in a module's binding fails when the facade is built — in every test.
    if (minimum === undefined) throw new Error(`No RBAC row for action '${action}'`);
    return async (...args) => {
      const role = await roleNow();
      const scope: Scope = {
        db: db(),
        organizationId: actor.organizationId,
        actor: { type: 'user', id: actor.userId },
        role,
        ...(actor.scopes === undefined ? {} : { scopes: actor.scopes }),
        clock: deps.clock,
        emit: deps.emit,
      };
      authorize(scope, action, minimum);
      return service(scope, ...args);
    };
  };
  const parts = modules.map(
    (m: ModuleDescriptor) => (m.facade?.({ on, deps, actor }) ?? {}) as Record<string, unknown>,
  );
  return { ...(mergeFacadeParts(parts) as ModuleFacades), actor };
}
