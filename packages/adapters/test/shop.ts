/**
 * A test helper: a new organization with an owner, and the owner's facade, for adapter
 * tests that go end to end. Each call makes a distinct one (random suffix).
 */
import { randomBytes } from 'node:crypto';
import type { GreenTrack } from '@greentrack/core';

/** Creates `Shop <suffix>` owned by a new user; returns the owner's facade and the ids. */
export async function createShop(gt: GreenTrack) {
  const suffix = randomBytes(4).toString('hex');
  const owner = await gt.users.create({ email: `owner-${suffix}@example.com`, name: 'Owner' });
  const { organization } = await gt.organizations.create({
    name: `Shop ${suffix}`,
    ownerUserId: owner.id,
  });
  const org = gt.as({ userId: owner.id, organizationId: organization.id });
  return { org, organizationId: organization.id, ownerId: owner.id };
}
