/**
 * zod inputs of the tenancy module. Inputs are strict: an unknown key (often a typo) is a
 * validation error, not silently dropped.
 */
import { z } from 'zod';

const roleSchema = z.enum(['owner', 'admin', 'staff']);

export const userCreateSchema = z.strictObject({
  email: z.string().trim().pipe(z.email()),
  name: z.string().trim().min(1).max(200).optional(),
  phone: z.string().trim().min(3).max(32).optional(),
});
export type UserCreate = z.input<typeof userCreateSchema>;

export const organizationCreateSchema = z.strictObject({
  name: z.string().trim().min(1).max(200),
  ownerUserId: z.uuid(),
});
export type OrganizationCreate = z.input<typeof organizationCreateSchema>;

export const organizationUpdateSchema = z.strictObject({
  name: z.string().trim().min(1).max(200),
});
export type OrganizationUpdateInput = z.input<typeof organizationUpdateSchema>;

export const membershipCreateSchema = z.strictObject({
  userId: z.uuid(),
  role: roleSchema.default('staff'),
});
export type MembershipCreate = z.input<typeof membershipCreateSchema>;

export const membershipUpdateSchema = z.strictObject({ role: roleSchema });
export type MembershipUpdate = z.input<typeof membershipUpdateSchema>;

export const idSchema = z.uuid();
