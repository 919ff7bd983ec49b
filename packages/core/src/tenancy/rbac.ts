/**
 * Role-based access control: ONE table from action to the least role allowed to perform
 * it, and ONE function that checks it. Every tenant call goes through `authorize` (the
 * facade built by `gt.as` calls it before the service runs); services that need a finer
 * rule (e.g. only owners may grant ownership) call it with a finer action from this table.
 */
import type { Role } from '../db/types.js';
import { CommonErrorCode, GreenTrackError } from '../errors.js';

/** Roles from least to most powerful. */
export const roleRank: Record<Role, number> = { staff: 1, admin: 2, owner: 3 };

/** Action → minimum role. Add a row here for every new tenant action. */
export const permissions = {
  'organization.read': 'staff',
  'organization.update': 'admin',
  'membership.read': 'staff',
  'membership.create': 'admin',
  'membership.update': 'admin',
  'membership.delete': 'admin',
  /** Creating, promoting to, demoting or removing an owner. */
  'membership.manage_owner': 'owner',
  'audit.read': 'admin',
  'customer.read': 'staff',
  'customer.write': 'staff',
  'customer.delete': 'admin',
  /** Bulk CSV import: creates and overwrites many customers at once, so not staff. */
  'customer.import': 'admin',
  /** Downloading everything held about one customer (personal data in bulk). */
  'customer.export': 'admin',
  /** Erasing a customer and its history (right to be forgotten); irreversible. */
  'customer.erase': 'admin',
  /** Listing accounts and seeing credential hints: hints are sensitive, so not staff. */
  'integration.read': 'admin',
  /** Connecting, editing, replacing the credentials of, or removing an account. */
  'integration.manage': 'admin',
  /** A customer's consent per channel, and reading the organization's consent policy. */
  'consent.read': 'staff',
  /** Recording a customer's subscription status (staff record opt-ins and opt-outs). */
  'consent.write': 'staff',
  /** Changing the organization's consent policy (who is messaged by default). */
  'consent.policy': 'admin',
  /** Listing segments, previewing them and drafts (counts and samples of customers). */
  'segment.read': 'staff',
  /** Creating and editing segments (who a campaign may reach is decided by campaigns). */
  'segment.write': 'staff',
  'segment.delete': 'admin',
} as const satisfies Record<string, Role>;

export type Action = keyof typeof permissions;

/** True when `role` may perform `action`. */
export function can(role: Role, action: Action): boolean {
  return roleRank[role] >= roleRank[permissions[action]];
}

/** Throws `FORBIDDEN` unless `role` may perform `action`. */
export function authorize(role: Role, action: Action): void {
  if (!can(role, action)) {
    throw new GreenTrackError({
      code: CommonErrorCode.FORBIDDEN,
      message: `Role '${role}' may not perform '${action}' (needs '${permissions[action]}')`,
      details: { action, required: permissions[action], role },
    });
  }
}
