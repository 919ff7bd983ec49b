export { TenancyErrorCode } from './error-codes.js';
export type { Action } from './rbac.js';
export { authorize, can, permissions, roleRank } from './rbac.js';
export type {
  MembershipCreate,
  MembershipUpdate,
  OrganizationCreate,
  OrganizationUpdateInput,
  UserCreate,
} from './schema.js';
export type { MembershipWithUser, SystemContext } from './service.js';
export {
  addMembership,
  createOrganization,
  createUser,
  findUserByEmail,
  getOrganization,
  getUser,
  listMemberships,
  listUserMemberships,
  removeMembership,
  resolveRole,
  updateMembershipRole,
  updateOrganization,
} from './service.js';
