import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestGreenTrack,
  databaseKind,
  makeOrganization,
  makeUser,
} from '../../test/harness.js';
import { recordAudit } from '../audit/index.js';
import { fixedClock } from '../clock.js';
import type { Role } from '../db/types.js';
import { GreenTrackError } from '../errors.js';
import type { GreenTrackEventMap } from '../events.js';
import type { GreenTrack } from '../greentrack.js';
import { inTransaction, type Scope } from '../scope.js';

/** The code of the GreenTrackError `promise` rejects with, or 'resolved'. */
async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'resolved';
  } catch (error) {
    if (error instanceof GreenTrackError) return error.code;
    throw error;
  }
}

describe(`tenancy [${databaseKind}]`, () => {
  let gt: GreenTrack;
  let cleanup: () => Promise<void>;
  const clock = fixedClock('2026-05-01T12:00:00.000Z');

  beforeAll(async () => {
    ({ gt, cleanup } = await createTestGreenTrack({ clock }));
  });
  afterAll(() => cleanup());

  const auditCount = async (organizationId: string) =>
    Number(
      (
        await gt.db
          .selectFrom('audit_log')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('organization_id', '=', organizationId)
          .executeTakeFirstOrThrow()
      ).n,
    );

  describe('RBAC: every operation allowed or denied per role', () => {
    // Expected outcome per role, straight from the RBAC table's intent.
    const matrix: Array<{
      name: string;
      minimum: Role;
      run: (org: ReturnType<GreenTrack['as']>, ctx: { victim: string }) => Promise<unknown>;
    }> = [
      { name: 'organization.get', minimum: 'staff', run: (org) => org.organization.get() },
      {
        name: 'organization.update',
        minimum: 'admin',
        run: (org) => org.organization.update({ name: 'Renamed' }),
      },
      { name: 'memberships.list', minimum: 'staff', run: (org) => org.memberships.list() },
      {
        name: 'memberships.updateRole',
        minimum: 'admin',
        run: (org, { victim }) => org.memberships.updateRole(victim, { role: 'admin' }),
      },
      {
        name: 'memberships.remove',
        minimum: 'admin',
        run: (org, { victim }) => org.memberships.remove(victim),
      },
      { name: 'auditLog.list', minimum: 'admin', run: (org) => org.auditLog.list() },
    ];
    const rank: Record<Role, number> = { staff: 1, admin: 2, owner: 3 };

    for (const role of ['staff', 'admin', 'owner'] as const) {
      for (const op of matrix) {
        const allowed = rank[role] >= rank[op.minimum];
        it(`${role} ${allowed ? 'may' : 'may not'} ${op.name}`, async () => {
          const { organization, owner, admin, staff } = await makeOrganization(gt);
          const actor = { owner, admin, staff }[role];
          // A fresh staff member to act on, so removals don't interfere.
          const victimUser = await makeUser(gt, 'victim');
          const victim = await gt
            .as({ userId: owner.id, organizationId: organization.id })
            .memberships.add({ userId: victimUser.id });
          const org = gt.as({ userId: actor.id, organizationId: organization.id });
          expect(await codeOf(op.run(org, { victim: victim.id }))).toBe(
            allowed ? 'resolved' : 'FORBIDDEN',
          );
        });
      }
      it(`${role} ${role === 'staff' ? 'may not' : 'may'} add a staff member`, async () => {
        const { organization, owner, admin, staff } = await makeOrganization(gt);
        const actor = { owner, admin, staff }[role];
        const newcomer = await makeUser(gt, 'newcomer');
        const result = await codeOf(
          gt
            .as({ userId: actor.id, organizationId: organization.id })
            .memberships.add({ userId: newcomer.id }),
        );
        expect(result).toBe(role === 'staff' ? 'FORBIDDEN' : 'resolved');
      });
    }

    it('only owners create, promote to, demote or remove owners', async () => {
      const { organization, owner, admin } = await makeOrganization(gt);
      const asAdmin = gt.as({ userId: admin.id, organizationId: organization.id });
      const asOwner = gt.as({ userId: owner.id, organizationId: organization.id });
      const newcomer = await makeUser(gt);
      expect(await codeOf(asAdmin.memberships.add({ userId: newcomer.id, role: 'owner' }))).toBe(
        'FORBIDDEN',
      );
      const members = await asOwner.memberships.list();
      const ownerMembership = members.find((m) => m.user_id === owner.id);
      const adminMembership = members.find((m) => m.user_id === admin.id);
      if (!ownerMembership || !adminMembership) throw new Error('fixture broken');
      expect(
        await codeOf(asAdmin.memberships.updateRole(ownerMembership.id, { role: 'staff' })),
      ).toBe('FORBIDDEN');
      expect(
        await codeOf(asAdmin.memberships.updateRole(adminMembership.id, { role: 'owner' })),
      ).toBe('FORBIDDEN');
      expect(await codeOf(asAdmin.memberships.remove(ownerMembership.id))).toBe('FORBIDDEN');
      expect(
        (await asOwner.memberships.updateRole(adminMembership.id, { role: 'owner' })).role,
      ).toBe('owner');
    });

    it('never leaves an organization without an owner', async () => {
      const { organization, owner } = await makeOrganization(gt);
      const asOwner = gt.as({ userId: owner.id, organizationId: organization.id });
      const mine = (await asOwner.memberships.list()).find((m) => m.user_id === owner.id);
      if (!mine) throw new Error('fixture broken');
      expect(await codeOf(asOwner.memberships.updateRole(mine.id, { role: 'admin' }))).toBe(
        'LAST_OWNER',
      );
      expect(await codeOf(asOwner.memberships.remove(mine.id))).toBe('LAST_OWNER');
    });

    it('a demoted member loses access on the next call', async () => {
      const { organization, owner, admin } = await makeOrganization(gt);
      const asAdmin = gt.as({ userId: admin.id, organizationId: organization.id });
      expect(await codeOf(asAdmin.auditLog.list())).toBe('resolved');
      const adminMembership = (await asAdmin.memberships.list()).find(
        (m) => m.user_id === admin.id,
      );
      if (!adminMembership) throw new Error('fixture broken');
      await gt
        .as({ userId: owner.id, organizationId: organization.id })
        .memberships.updateRole(adminMembership.id, { role: 'staff' });
      expect(await codeOf(asAdmin.auditLog.list())).toBe('FORBIDDEN');
      await gt
        .as({ userId: owner.id, organizationId: organization.id })
        .memberships.remove(adminMembership.id);
      expect(await codeOf(asAdmin.organization.get())).toBe('NOT_A_MEMBER');
    });
  });

  describe('tenant isolation', () => {
    it('a user of organization A cannot reach organization B through gt.as', async () => {
      const a = await makeOrganization(gt, 'A');
      const b = await makeOrganization(gt, 'B');
      const intruder = gt.as({ userId: a.owner.id, organizationId: b.organization.id });
      expect(await codeOf(intruder.organization.get())).toBe('NOT_A_MEMBER');
      expect(await codeOf(intruder.memberships.list())).toBe('NOT_A_MEMBER');
      expect(await codeOf(intruder.organization.update({ name: 'pwned' }))).toBe('NOT_A_MEMBER');
      // Same answer for an organization that does not exist: ids cannot be probed.
      expect(
        await codeOf(
          gt.as({ userId: a.owner.id, organizationId: randomUUID() }).organization.get(),
        ),
      ).toBe('NOT_A_MEMBER');
      expect(
        await codeOf(gt.as({ userId: 'not-a-uuid', organizationId: 'nope' }).organization.get()),
      ).toBe('NOT_A_MEMBER');
      expect(
        (await gt.as({ userId: b.owner.id, organizationId: b.organization.id }).organization.get())
          .name,
      ).toBe('B');
    });

    it("another organization's membership is not found through my organization", async () => {
      const a = await makeOrganization(gt, 'A');
      const b = await makeOrganization(gt, 'B');
      const bMembership = (
        await gt.as({ userId: b.owner.id, organizationId: b.organization.id }).memberships.list()
      )[1];
      if (!bMembership) throw new Error('fixture broken');
      const asA = gt.as({ userId: a.owner.id, organizationId: a.organization.id });
      expect(await codeOf(asA.memberships.updateRole(bMembership.id, { role: 'owner' }))).toBe(
        'MEMBERSHIP_NOT_FOUND',
      );
      expect(await codeOf(asA.memberships.remove(bMembership.id))).toBe('MEMBERSHIP_NOT_FOUND');
      expect((await asA.memberships.list()).map((m) => m.organization_id)).toEqual([
        a.organization.id,
        a.organization.id,
        a.organization.id,
      ]);
    });
  });

  describe('audit log', () => {
    it('writes one row per mutation, with actor, before and after', async () => {
      const { organization, owner } = await makeOrganization(gt, 'Before');
      const asOwner = gt.as({ userId: owner.id, organizationId: organization.id });
      await asOwner.organization.update({ name: 'After' });
      const page = await asOwner.auditLog.list({
        entity: 'organization',
        action: 'organization.update',
      });
      expect(page.items).toHaveLength(1);
      expect(page.items[0]).toMatchObject({
        actor_type: 'user',
        actor_id: owner.id,
        entity_id: organization.id,
        before: { name: 'Before' },
        after: { name: 'After' },
        occurred_at: clock.now(),
      });
      // organization.create + 3 × membership.create + organization.update
      expect(await auditCount(organization.id)).toBe(5);
    });

    it('rolls back with its transaction', async () => {
      const { organization, owner } = await makeOrganization(gt);
      const before = await auditCount(organization.id);
      const scope: Scope = {
        db: gt.db,
        organizationId: organization.id,
        actor: { type: 'user', id: owner.id },
        role: 'owner',
        clock,
        emit: () => {},
      };
      await expect(
        inTransaction(scope, async (tx) => {
          await recordAudit(tx, { action: 'test.change', entity: 'test' });
          throw new Error('boom after the audit row');
        }),
      ).rejects.toThrow('boom after the audit row');
      expect(await auditCount(organization.id)).toBe(before);

      // A real mutation failing in the database leaves neither the change nor its audit row.
      const asOwner = gt.as({ userId: owner.id, organizationId: organization.id });
      expect(await codeOf(asOwner.memberships.add({ userId: randomUUID() }))).toBe(
        'USER_NOT_FOUND',
      );
      expect(await auditCount(organization.id)).toBe(before);
      expect(await asOwner.memberships.list()).toHaveLength(3);
    });

    it('refuses to write outside a transaction', async () => {
      const { organization } = await makeOrganization(gt);
      const scope: Scope = {
        db: gt.db,
        organizationId: organization.id,
        actor: { type: 'system', id: null },
        role: 'owner',
        clock,
        emit: () => {},
      };
      expect(await codeOf(recordAudit(scope, { action: 'x', entity: 'y' }))).toBe('INTERNAL');
    });

    it('pages newest first with a stable cursor and filters by actor and time', async () => {
      const { organization, owner, admin } = await makeOrganization(gt);
      const asOwner = gt.as({ userId: owner.id, organizationId: organization.id });
      for (let i = 0; i < 5; i++) {
        clock.advance(1000);
        await asOwner.organization.update({ name: `Name ${i}` });
      }
      const first = await asOwner.auditLog.list({
        limit: 3,
        actorId: owner.id,
        action: 'organization.update',
      });
      expect(first.items.map((e) => (e.after as { name: string }).name)).toEqual([
        'Name 4',
        'Name 3',
        'Name 2',
      ]);
      expect(first.nextCursor).not.toBeNull();
      const second = await asOwner.auditLog.list({
        limit: 3,
        actorId: owner.id,
        action: 'organization.update',
        cursor: first.nextCursor ?? undefined,
      });
      expect(second.items.map((e) => (e.after as { name: string }).name)).toEqual([
        'Name 1',
        'Name 0',
      ]);
      expect(second.nextCursor).toBeNull();
      const since = await asOwner.auditLog.list({ from: new Date(clock.now().getTime() - 1500) });
      expect(since.items).toHaveLength(2);
      expect(await codeOf(asOwner.auditLog.list({ cursor: 'garbage' }))).toBe('VALIDATION_FAILED');
      expect((await asOwner.auditLog.list({ actorId: admin.id })).items).toEqual([]);
    });
  });

  describe('events', () => {
    it('are delivered after commit, typed, and never for a rolled-back change', async () => {
      const received: Array<GreenTrackEventMap['membership.created']> = [];
      const listener = (event: GreenTrackEventMap['membership.created']) => received.push(event);
      gt.on('membership.created', listener);
      try {
        const { organization, owner } = await makeOrganization(gt);
        expect(
          received.filter((e) => e.organizationId === organization.id).map((e) => e.role),
        ).toEqual(['admin', 'staff']);
        const asOwner = gt.as({ userId: owner.id, organizationId: organization.id });
        await asOwner.memberships.add({ userId: randomUUID() }).catch(() => {});
        expect(received.filter((e) => e.organizationId === organization.id)).toHaveLength(2);
      } finally {
        gt.off('membership.created', listener);
      }
    });
  });

  describe('input validation', () => {
    it('names the bad fields and writes nothing', async () => {
      const error = await gt.users.create({ email: 'not an email' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(GreenTrackError);
      expect((error as GreenTrackError).code).toBe('VALIDATION_FAILED');
      expect((error as GreenTrackError).details?.issues).toEqual([
        expect.objectContaining({ path: 'email' }),
      ]);
      const { organization, owner } = await makeOrganization(gt);
      const asOwner = gt.as({ userId: owner.id, organizationId: organization.id });
      const bad = await asOwner.memberships
        .add({ userId: 'x', role: 'emperor' as Role })
        .catch((e: unknown) => e);
      expect((bad as GreenTrackError).details?.issues).toEqual([
        expect.objectContaining({ path: 'userId' }),
        expect.objectContaining({ path: 'role' }),
      ]);
      expect(await asOwner.memberships.list()).toHaveLength(3);
    });

    it('rejects a second user with the same email in another case', async () => {
      await gt.users.create({ email: 'Case@Example.com' });
      expect(await codeOf(gt.users.create({ email: 'case@example.COM' }))).toBe('USER_EMAIL_TAKEN');
      expect((await gt.users.findByEmail('CASE@example.com'))?.email).toBe('Case@Example.com');
    });
  });
});
