/**
 * zod inputs of the tenancy module.
 */
import { z } from 'zod';

const roleSchema = z.enum(['owner', 'admin', 'staff']);

export const userCreateSchema = z.object({
  email: z.string().trim().pipe(z.email()),
  name: z.string().trim().min(1).max(200).optional(),
  phone: z.string().trim().min(3).max(32).optional(),
});
export type UserCreate = z.input<typeof userCreateSchema>;

export const organizationCreateSchema = z.object({
  name: z.string().trim().min(1).max(200),
  ownerUserId: z.uuid(),
});
export type OrganizationCreate = z.input<typeof organizationCreateSchema>;

export const organizationUpdateSchema = z.object({
  name: z.string().trim().min(1).max(200),
});
export type OrganizationUpdateInput = z.input<typeof organizationUpdateSchema>;

export const membershipCreateSchema = z.object({
  userId: z.uuid(),
  role: roleSchema.default('staff'),
});
export type MembershipCreate = z.input<typeof membershipCreateSchema>;

export const membershipUpdateSchema = z.object({ role: roleSchema });
export type MembershipUpdate = z.input<typeof membershipUpdateSchema>;

export const idSchema = z.uuid();
