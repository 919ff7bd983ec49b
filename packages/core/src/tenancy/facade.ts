/**
 * The tenancy module's part of `gt.as(actor)`: the organization and its memberships.
 */
import type { Membership, Organization, Role } from '../db/types.js';
import type { FacadeContext } from '../module.js';
import type { TenancyAction } from './rbac.js';
import type { MembershipCreate, MembershipUpdate, OrganizationUpdateInput } from './schema.js';
import {
  addMembership,
  getMe,
  getOrganization,
  listMemberships,
  type Me,
  type MembershipWithUser,
  removeMembership,
  resolveRole,
  updateMembershipRole,
  updateOrganization,
} from './service.js';

export interface TenancyFacade {
  /** The role the actor holds now (read from the database). @throws `NOT_A_MEMBER` */
  role(): Promise<Role>;
  /**
   * The acting user, their role here and all their organizations (`profile.read`, so a
   * widget token must name that scope).
   */
  me(): Promise<Me>;
  organization: {
    /** The actor's organization (staff+). */
    get(): Promise<Organization>;
    /** Renames the organization or changes its settings (admin+); audited. */
    update(input: OrganizationUpdateInput): Promise<Organization>;
  };
  memberships: {
    /** Every member with their user's name and email (staff+). */
    list(): Promise<MembershipWithUser[]>;
    /**
     * Adds an existing user (admin+; only owners add owners).
     * @throws `USER_NOT_FOUND`, `MEMBERSHIP_EXISTS`, `FORBIDDEN`
     */
    add(input: MembershipCreate): Promise<Membership>;
    /**
     * Changes a member's role (admin+; touching ownership needs an owner, and an
     * organization always keeps one). @throws `MEMBERSHIP_NOT_FOUND`, `LAST_OWNER`, `FORBIDDEN`
     */
    updateRole(membershipId: string, input: MembershipUpdate): Promise<Membership>;
    /** Removes a member (admin+; removing an owner needs an owner). @throws `LAST_OWNER` */
    remove(membershipId: string): Promise<void>;
  };
}

export function tenancyFacade({ on, deps, actor }: FacadeContext<TenancyAction>): TenancyFacade {
  return {
    role: () => resolveRole(deps.database.tenant(actor.organizationId), actor),
    me: on('profile.read', getMe),
    organization: {
      get: on('organization.read', getOrganization),
      update: on('organization.update', updateOrganization),
    },
    memberships: {
      list: on('membership.read', listMemberships),
      add: on('membership.create', addMembership),
      updateRole: on('membership.update', updateMembershipRole),
      remove: on('membership.delete', removeMembership),
    },
  };
}
