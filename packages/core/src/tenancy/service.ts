/**
 * Tenancy: users, organizations and memberships.
 *
 * Users exist outside any organization (one person may belong to several); creating users
 * and organizations is a host-level (system) operation. Everything inside an organization
 * takes a `Scope` and is reached through `gt.as(...)`, which has already checked the
 * membership and the RBAC table.
 */
import type { Kysely } from 'kysely';
import { recordAudit } from '../audit/index.js';
import type { Clock } from '../clock.js';
import { isForeignKeyViolation, isUniqueViolation } from '../db/pg-errors.js';
import type { Database, Membership, Organization, Role, User } from '../db/types.js';
import { GreenTrackError } from '../errors.js';
import type { Emit } from '../events.js';
import { inTransaction, type Scope } from '../scope.js';
import { parseInput } from '../validation.js';
import { TenancyErrorCode } from './error-codes.js';
import { authorizeTenancy } from './rbac.js';
import {
  idSchema,
  type MembershipCreate,
  type MembershipUpdate,
  membershipCreateSchema,
  membershipUpdateSchema,
  type OrganizationCreate,
  type OrganizationUpdateInput,
  organizationCreateSchema,
  organizationUpdateSchema,
  type UserCreate,
  userCreateSchema,
} from './schema.js';

/** What host-level (not tenant-scoped) operations need. */
export interface SystemContext {
  db: Kysely<Database>;
  clock: Clock;
  emit: Emit;
}

/** Creates a user. @throws `USER_EMAIL_TAKEN` (emails are unique, case-insensitively). */
export async function createUser(ctx: SystemContext, input: UserCreate): Promise<User> {
  const data = parseInput(userCreateSchema, input);
  try {
    const user = await ctx.db
      .insertInto('users')
      .values({
        email: data.email,
        name: data.name ?? null,
        phone: data.phone ?? null,
        created_at: ctx.clock.now(),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    ctx.emit('user.created', { userId: user.id, email: user.email });
    return user;
  } catch (error) {
    if (isUniqueViolation(error, 'users_email_key')) {
      throw new GreenTrackError({
        code: TenancyErrorCode.USER_EMAIL_TAKEN,
        message: 'A user with this email already exists',
        details: { issues: [{ path: 'email', message: 'already taken' }] },
        cause: error,
      });
    }
    throw error;
  }
}

/** Finds a user by id. @throws `USER_NOT_FOUND` */
export async function getUser(ctx: Pick<SystemContext, 'db'>, userId: string): Promise<User> {
  const id = parseInput(idSchema, userId, { what: 'user id' });
  const user = await ctx.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  if (!user)
    throw new GreenTrackError({ code: TenancyErrorCode.USER_NOT_FOUND, message: 'User not found' });
  return user;
}

/** Finds a user by email (case-insensitive, as `citext` compares), or `null`. */
export async function findUserByEmail(
  ctx: Pick<SystemContext, 'db'>,
  email: string,
): Promise<User | null> {
  const user = await ctx.db
    .selectFrom('users')
    .selectAll()
    .where('email', '=', email.trim())
    .executeTakeFirst();
  return user ?? null;
}

/**
 * Creates an organization and makes `ownerUserId` its owner, in one transaction with both
 * audit rows. @throws `USER_NOT_FOUND` when the owner does not exist.
 */
export async function createOrganization(
  ctx: SystemContext,
  input: OrganizationCreate,
): Promise<{ organization: Organization; membership: Membership }> {
  const data = parseInput(organizationCreateSchema, input);
  try {
    return await inTransaction(ctx, async (tx) => {
      const now = tx.clock.now();
      const organization = await tx.db
        .insertInto('organizations')
        .values({ name: data.name, created_at: now })
        .returningAll()
        .executeTakeFirstOrThrow();
      const membership = await tx.db
        .insertInto('memberships')
        .values({
          organization_id: organization.id,
          user_id: data.ownerUserId,
          role: 'owner',
          created_at: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      const scope: Scope = {
        ...tx,
        organizationId: organization.id,
        actor: { type: 'system', id: null },
        role: 'owner',
      };
      await recordAudit(scope, {
        action: 'organization.create',
        entity: 'organization',
        entityId: organization.id,
        after: organization,
      });
      await recordAudit(scope, {
        action: 'membership.create',
        entity: 'membership',
        entityId: membership.id,
        after: membership,
      });
      tx.emit('organization.created', {
        organizationId: organization.id,
        name: organization.name,
        ownerUserId: data.ownerUserId,
      });
      return { organization, membership };
    });
  } catch (error) {
    if (isForeignKeyViolation(error, 'memberships_user_id_fkey')) {
      throw new GreenTrackError({
        code: TenancyErrorCode.USER_NOT_FOUND,
        message: 'Owner user not found',
        details: { issues: [{ path: 'ownerUserId', message: 'no such user' }] },
        cause: error,
      });
    }
    throw error;
  }
}

/**
 * The role of `userId` in `organizationId`.
 * @throws `NOT_A_MEMBER` — also when the organization does not exist, so a caller cannot
 * probe which organization ids exist.
 */
export async function resolveRole(
  db: Kysely<Database>,
  actor: { userId: string; organizationId: string },
): Promise<Role> {
  const userId = idSchema.safeParse(actor.userId);
  const organizationId = idSchema.safeParse(actor.organizationId);
  const row =
    userId.success && organizationId.success
      ? await db
          .selectFrom('memberships')
          .select('role')
          .where('organization_id', '=', organizationId.data)
          .where('user_id', '=', userId.data)
          .executeTakeFirst()
      : undefined;
  if (!row) {
    throw new GreenTrackError({
      code: TenancyErrorCode.NOT_A_MEMBER,
      message: 'Not a member of this organization',
    });
  }
  return row.role;
}

/** The scope's organization. */
export async function getOrganization(scope: Scope): Promise<Organization> {
  const organization = await scope.db
    .selectFrom('organizations')
    .selectAll()
    .where('id', '=', scope.organizationId)
    .executeTakeFirst();
  if (!organization) {
    throw new GreenTrackError({
      code: TenancyErrorCode.ORGANIZATION_NOT_FOUND,
      message: 'Organization not found',
    });
  }
  return organization;
}

/** Renames the scope's organization. */
export async function updateOrganization(
  scope: Scope,
  input: OrganizationUpdateInput,
): Promise<Organization> {
  const data = parseInput(organizationUpdateSchema, input);
  return inTransaction(scope, async (tx) => {
    const before = await getOrganization(tx);
    const after = await tx.db
      .updateTable('organizations')
      .set({ name: data.name })
      .where('id', '=', tx.organizationId)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(tx, {
      action: 'organization.update',
      entity: 'organization',
      entityId: after.id,
      before,
      after,
    });
    tx.emit('organization.updated', {
      organizationId: after.id,
      name: after.name,
      actor: tx.actor,
    });
    return after;
  });
}

/** A membership with its user's public fields. */
export interface MembershipWithUser extends Membership {
  user: { id: string; email: string; name: string | null };
}

/** Every membership of the scope's organization, oldest first. */
export async function listMemberships(scope: Scope): Promise<MembershipWithUser[]> {
  const rows = await scope.db
    .selectFrom('memberships as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .selectAll('m')
    .select(['u.email as user_email', 'u.name as user_name'])
    .where('m.organization_id', '=', scope.organizationId)
    .orderBy('m.created_at')
    .orderBy('m.id')
    .execute();
  return rows.map(({ user_email, user_name, ...m }) => ({
    ...m,
    user: { id: m.user_id, email: user_email, name: user_name },
  }));
}

async function getMembershipForUpdate(tx: Scope, membershipId: string): Promise<Membership> {
  const id = idSchema.safeParse(membershipId);
  const membership = id.success
    ? await tx.db
        .selectFrom('memberships')
        .selectAll()
        .where('id', '=', id.data)
        .where('organization_id', '=', tx.organizationId)
        .forUpdate()
        .executeTakeFirst()
    : undefined;
  // Another organization's membership is reported exactly like a missing one.
  if (!membership)
    throw new GreenTrackError({
      code: TenancyErrorCode.MEMBERSHIP_NOT_FOUND,
      message: 'Membership not found',
    });
  return membership;
}

/**
 * Fails with `LAST_OWNER` if removing `membership`'s ownership would leave none. Locks the
 * organization's owner rows so two concurrent demotions cannot both pass the check.
 */
async function assertAnotherOwner(tx: Scope, membership: Membership): Promise<void> {
  const owners = await tx.db
    .selectFrom('memberships')
    .select('id')
    .where('organization_id', '=', tx.organizationId)
    .where('role', '=', 'owner')
    .forUpdate()
    .execute();
  if (!owners.some((o) => o.id !== membership.id)) {
    throw new GreenTrackError({
      code: TenancyErrorCode.LAST_OWNER,
      message: 'An organization must keep at least one owner',
    });
  }
}

/** Adds an existing user to the scope's organization. Only owners may add owners. */
export async function addMembership(scope: Scope, input: MembershipCreate): Promise<Membership> {
  const data = parseInput(membershipCreateSchema, input);
  if (data.role === 'owner') authorizeTenancy(scope, 'membership.manage_owner');
  try {
    return await inTransaction(scope, async (tx) => {
      const membership = await tx.db
        .insertInto('memberships')
        .values({
          organization_id: tx.organizationId,
          user_id: data.userId,
          role: data.role,
          created_at: tx.clock.now(),
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await recordAudit(tx, {
        action: 'membership.create',
        entity: 'membership',
        entityId: membership.id,
        after: membership,
      });
      tx.emit('membership.created', {
        organizationId: tx.organizationId,
        membershipId: membership.id,
        userId: membership.user_id,
        role: membership.role,
        actor: tx.actor,
      });
      return membership;
    });
  } catch (error) {
    if (isUniqueViolation(error, 'memberships_organization_id_user_id_key')) {
      throw new GreenTrackError({
        code: TenancyErrorCode.MEMBERSHIP_EXISTS,
        message: 'User is already a member',
        cause: error,
      });
    }
    if (isForeignKeyViolation(error, 'memberships_user_id_fkey')) {
      throw new GreenTrackError({
        code: TenancyErrorCode.USER_NOT_FOUND,
        message: 'User not found',
        details: { issues: [{ path: 'userId', message: 'no such user' }] },
        cause: error,
      });
    }
    throw error;
  }
}

/** Changes a member's role. Touching ownership (either side) needs an owner. */
export async function updateMembershipRole(
  scope: Scope,
  membershipId: string,
  input: MembershipUpdate,
): Promise<Membership> {
  const data = parseInput(membershipUpdateSchema, input);
  return inTransaction(scope, async (tx) => {
    const before = await getMembershipForUpdate(tx, membershipId);
    if (before.role === data.role) return before;
    if (before.role === 'owner' || data.role === 'owner')
      authorizeTenancy(tx, 'membership.manage_owner');
    if (before.role === 'owner') await assertAnotherOwner(tx, before);
    const after = await tx.db
      .updateTable('memberships')
      .set({ role: data.role })
      .where('id', '=', before.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(tx, {
      action: 'membership.update',
      entity: 'membership',
      entityId: after.id,
      before,
      after,
    });
    tx.emit('membership.updated', {
      organizationId: tx.organizationId,
      membershipId: after.id,
      userId: after.user_id,
      role: after.role,
      previousRole: before.role,
      actor: tx.actor,
    });
    return after;
  });
}

/** Removes a member. Removing an owner needs an owner, and never the last one. */
export async function removeMembership(scope: Scope, membershipId: string): Promise<void> {
  await inTransaction(scope, async (tx) => {
    const before = await getMembershipForUpdate(tx, membershipId);
    if (before.role === 'owner') {
      authorizeTenancy(tx, 'membership.manage_owner');
      await assertAnotherOwner(tx, before);
    }
    await tx.db.deleteFrom('memberships').where('id', '=', before.id).execute();
    await recordAudit(tx, {
      action: 'membership.delete',
      entity: 'membership',
      entityId: before.id,
      before,
    });
    tx.emit('membership.deleted', {
      organizationId: tx.organizationId,
      membershipId: before.id,
      userId: before.user_id,
      actor: tx.actor,
    });
  });
}

/** Every organization `userId` belongs to, with the role there (host-level: no scope). */
async function listUserMemberships(
  ctx: Pick<SystemContext, 'db'>,
  userId: string,
): Promise<
  Array<{ organizationId: string; organizationName: string; role: Role; membershipId: string }>
> {
  const id = idSchema.safeParse(userId);
  if (!id.success) return [];
  const rows = await ctx.db
    .selectFrom('memberships as m')
    .innerJoin('organizations as o', 'o.id', 'm.organization_id')
    .select([
      'm.id as membershipId',
      'm.role',
      'o.id as organizationId',
      'o.name as organizationName',
    ])
    .where('m.user_id', '=', id.data)
    .orderBy('o.name')
    .execute();
  return rows;
}

/** What `GET /me` answers: the caller, their role here, and all their organizations. */
export interface Me {
  user: Pick<User, 'id' | 'email' | 'name' | 'phone' | 'created_at'>;
  organization: { id: string; role: Role };
  memberships: Awaited<ReturnType<typeof listUserMemberships>>;
}

/**
 * The acting user's profile and memberships. Bound to `profile.read`, so a widget token
 * must name that scope to see its user's email and other organizations (decision 31).
 */
export async function getMe(scope: Scope): Promise<Me> {
  const userId = scope.actor.id ?? '';
  const [user, memberships] = await Promise.all([
    getUser(scope, userId),
    listUserMemberships(scope, userId),
  ]);
  return {
    user: {
      id: user.id,
      email: user.email,
      name: user.name,
      phone: user.phone,
      created_at: user.created_at,
    },
    organization: { id: scope.organizationId, role: scope.role },
    memberships,
  };
}
