/**
 * A widget token's scopes narrow every permission check — the facade's and the services'
 * finer ones. Regression: an owner token scoped to `membership.update` could promote a
 * member to owner, since the service checked `membership.manage_owner` against the role only;
 * and `GET /me` showed an unscoped token the user's email and every organization.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failure } from '../../test/errors.js';
import { createTestGreenTrack, databaseKind, makeOrganization } from '../../test/harness.js';
import type { GreenTrack } from '../greentrack.js';

const BASE = 'http://host.test/api/greentrack';
const SECRET = 'scopes-test-secret-that-is-long-enough-42';

describe(`token scopes [${databaseKind}]`, () => {
  let gt: GreenTrack;
  let cleanup: () => Promise<void>;
  let fixture: Awaited<ReturnType<typeof makeOrganization>>;
  let staffMembershipId: string;

  beforeAll(async () => {
    ({ gt, cleanup } = await createTestGreenTrack({ secret: SECRET }));
    fixture = await makeOrganization(gt, 'Scoped');
    const members = await gt
      .as({ userId: fixture.owner.id, organizationId: fixture.organization.id })
      .memberships.list();
    staffMembershipId = members.find((m) => m.user_id === fixture.staff.id)?.id ?? '';
  });
  afterAll(async () => cleanup());

  const call = (token: string, path: string, init: RequestInit = {}) =>
    gt.handler(
      new Request(`${BASE}${path}`, {
        ...init,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      }),
    );
  const ownerToken = (scopes: string[]) =>
    gt.tokens.issue({
      userId: fixture.owner.id,
      organizationId: fixture.organization.id,
      scopes,
    });

  it('an owner token without membership.manage_owner cannot grant ownership', async () => {
    const response = await call(
      ownerToken(['membership.update']),
      `/memberships/${staffMembershipId}`,
      { method: 'PATCH', body: JSON.stringify({ role: 'owner' }) },
    );
    expect(response.status).toBe(403);
    const body = (await response.json()) as { error: { code: string; details: unknown } };
    expect(body.error.code).toBe('FORBIDDEN');
    expect(body.error.details).toMatchObject({ action: 'membership.manage_owner' });
    // Nothing changed.
    const members = await gt
      .as({ userId: fixture.owner.id, organizationId: fixture.organization.id })
      .memberships.list();
    expect(members.find((m) => m.id === staffMembershipId)?.role).toBe('staff');
  });

  it('the same token may change roles below owner', async () => {
    const response = await call(
      ownerToken(['membership.update']),
      `/memberships/${staffMembershipId}`,
      { method: 'PATCH', body: JSON.stringify({ role: 'admin' }) },
    );
    expect(response.status).toBe(200);
    await gt
      .as({ userId: fixture.owner.id, organizationId: fixture.organization.id })
      .memberships.updateRole(staffMembershipId, { role: 'staff' });
  });

  it('with membership.* the owner token may grant ownership', async () => {
    const facade = gt.as({
      userId: fixture.owner.id,
      organizationId: fixture.organization.id,
      scopes: ['membership.*'],
    });
    expect((await facade.memberships.updateRole(staffMembershipId, { role: 'owner' })).role).toBe(
      'owner',
    );
    await facade.memberships.updateRole(staffMembershipId, { role: 'staff' });
  });

  it('adding an owner and removing one honour the scopes too', async () => {
    const facade = gt.as({
      userId: fixture.owner.id,
      organizationId: fixture.organization.id,
      scopes: ['membership.create', 'membership.delete'],
    });
    const user = await gt.users.create({ email: `scoped-${Date.now()}@example.com` });
    expect((await failure(facade.memberships.add({ userId: user.id, role: 'owner' }))).code).toBe(
      'FORBIDDEN',
    );
  });

  it('GET /me needs profile.read: an unscoped token sees nothing of the user', async () => {
    const denied = await call(ownerToken([]), '/me');
    expect(denied.status).toBe(403);
    const text = await denied.text();
    expect(text).not.toContain('@example.com');
    const allowed = await call(ownerToken(['profile.read']), '/me');
    expect(allowed.status).toBe(200);
    expect(await allowed.json()).toMatchObject({
      organization: { id: fixture.organization.id, role: 'owner' },
    });
  });
});
