/**
 * Tenancy: users, organizations, memberships and the RBAC check.
 */
import { defineModule } from '../module.js';
import type { TenancyErrorCode } from './error-codes.js';
import { tenancyFacade } from './facade.js';
import { tenancyPermissions } from './rbac.js';
import { registerTenancyRoutes } from './routes.js';

export { TenancyErrorCode } from './error-codes.js';
export { authorize, roleAtLeast, roleRank } from './rbac.js';
export type {
  MembershipCreate,
  MembershipUpdate,
  OrganizationCreate,
  OrganizationUpdateInput,
  UserCreate,
} from './schema.js';
export type { MembershipWithUser, SystemContext } from './service.js';
export {
  createOrganization,
  createUser,
  findUserByEmail,
  getOrganization,
  getUser,
  resolveRole,
} from './service.js';

export const tenancyModule = defineModule({
  name: 'tenancy',
  tenantTables: ['organizations', 'memberships'],
  permissions: tenancyPermissions,
  errorStatus: {
    NOT_A_MEMBER: 403,
    USER_NOT_FOUND: 404,
    USER_EMAIL_TAKEN: 409,
    ORGANIZATION_NOT_FOUND: 404,
    MEMBERSHIP_NOT_FOUND: 404,
    MEMBERSHIP_EXISTS: 409,
    LAST_OWNER: 409,
  } satisfies Record<TenancyErrorCode, number>,
  routes: registerTenancyRoutes,
  facade: tenancyFacade,
});
