/**
 * Role-based access control: action → the least role allowed to perform it, and ONE
 * function that checks an actor against it (`authorize`), honouring a widget token's scopes.
 *
 * Each module declares the rows for its own actions in its descriptor (`permissions`); the
 * composition root merges them into the one table (`permissions` in `modules.ts`). The
 * facade built by `gt.as` calls `authorize` before every service; services that need a finer
 * rule (only owners may grant ownership) call it with a finer action of their own table.
 */
import type { Role } from '../db/types.js';
import { CommonErrorCode, GreenTrackError } from '../errors.js';

/** Roles from least to most powerful. */
export const roleRank: Record<Role, number> = { staff: 1, admin: 2, owner: 3 };

/** The tenancy module's own actions. */
export const tenancyPermissions = {
  /**
   * The caller's own profile (email, phone) and their other organizations (`GET /me`). A
   * widget token must name it: a token scoped to one task should not reveal the user.
   */
  'profile.read': 'staff',
  'organization.read': 'staff',
  'organization.update': 'admin',
  'membership.read': 'staff',
  'membership.create': 'admin',
  'membership.update': 'admin',
  'membership.delete': 'admin',
  /** Creating, promoting to, demoting or removing an owner. */
  'membership.manage_owner': 'owner',
} as const satisfies Record<string, Role>;

export type TenancyAction = keyof typeof tenancyPermissions;

/** True when `role` is at least `minimum`. */
export function roleAtLeast(role: Role, minimum: Role): boolean {
  return roleRank[role] >= roleRank[minimum];
}

/** True when `action` is allowed by `scopes` (exact, `prefix.*`, or `*`). */
function scopeAllows(scopes: readonly string[], action: string): boolean {
  return scopes.some(
    (s) => s === '*' || s === action || (s.endsWith('.*') && action.startsWith(s.slice(0, -1))),
  );
}

/** Who is being checked: a role, narrowed by token scopes when present. */
export interface Grant {
  role: Role;
  scopes?: readonly string[] | undefined;
}

/**
 * Throws `FORBIDDEN` unless `grant.role` is at least `minimum` AND, when the grant carries
 * token scopes, they include `action`. The one permission check of the library.
 */
export function authorize(grant: Grant, action: string, minimum: Role): void {
  if (!roleAtLeast(grant.role, minimum)) {
    throw new GreenTrackError({
      code: CommonErrorCode.FORBIDDEN,
      message: `Role '${grant.role}' may not perform '${action}' (needs '${minimum}')`,
      details: { action, required: minimum, role: grant.role },
    });
  }
  if (grant.scopes !== undefined && !scopeAllows(grant.scopes, action)) {
    throw new GreenTrackError({
      code: CommonErrorCode.FORBIDDEN,
      message: `This token's scopes do not include '${action}'`,
      details: { action, scopes: [...grant.scopes] },
    });
  }
}

/** `authorize` against the tenancy module's own table (used by its services). */
export function authorizeTenancy(grant: Grant, action: TenancyAction): void {
  authorize(grant, action, tenancyPermissions[action]);
}
