/**
 * Request and response schemas of the tenancy routes. Shared by the route definitions (which
 * validate with them and document them in OpenAPI) and the typed client (types only).
 */
import { z } from '@hono/zod-openapi';
import { Timestamp } from '../http/schemas.js';

const Role = z.enum(['owner', 'admin', 'staff']).openapi('Role');

export const OrganizationSchema = z
  .object({ id: z.uuid(), name: z.string(), created_at: Timestamp })
  .openapi('Organization');

export const MembershipSchema = z
  .object({
    id: z.uuid(),
    organization_id: z.uuid(),
    user_id: z.uuid(),
    role: Role,
    created_at: Timestamp,
  })
  .openapi('Membership');

const MembershipWithUserSchema = MembershipSchema.extend({
  user: z.object({ id: z.uuid(), email: z.string(), name: z.string().nullable() }),
}).openapi('MembershipWithUser');

export const MeSchema = z
  .object({
    user: z.object({
      id: z.uuid(),
      email: z.string(),
      name: z.string().nullable(),
      phone: z.string().nullable(),
      created_at: Timestamp,
    }),
    organization: z.object({ id: z.uuid(), role: Role }),
    memberships: z.array(
      z.object({
        membershipId: z.uuid(),
        organizationId: z.uuid(),
        organizationName: z.string(),
        role: Role,
      }),
    ),
  })
  .openapi('Me');

/** Request bodies: the same limits as the service schemas, restated for the OpenAPI document. */
export const OrganizationUpdateBody = z
  .strictObject({ name: z.string().min(1).max(200) })
  .openapi('OrganizationUpdate');
export const MembershipCreateBody = z
  .strictObject({ userId: z.uuid(), role: Role.optional() })
  .openapi('MembershipCreate');
export const MembershipUpdateBody = z.strictObject({ role: Role }).openapi('MembershipUpdate');

export const MembershipListSchema = z
  .object({ items: z.array(MembershipWithUserSchema) })
  .openapi('MembershipList');
