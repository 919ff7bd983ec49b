/**
 * The demo owner and organization (the same as the Express example's): find them, or create
 * them once. Demo data only — a real host creates users and organizations from its own
 * sign-up flow.
 */
import type { GreenTrack } from '@greentrack/core';

const DEMO_EMAIL = 'owner@demo.greentrack.dev';

export interface DemoData {
  owner: { id: string; email: string };
  organization: { id: string; name: string };
}

/** Finds or creates the demo owner and their organization (idempotent). */
export async function ensureDemoData(gt: GreenTrack): Promise<DemoData> {
  const owner =
    (await gt.users.findByEmail(DEMO_EMAIL)) ??
    (await gt.users.create({ email: DEMO_EMAIL, name: 'Demo Owner' }));
  const existing = await gt.db
    .selectFrom('memberships')
    .innerJoin('organizations', 'organizations.id', 'memberships.organization_id')
    .select(['organizations.id', 'organizations.name'])
    .where('memberships.user_id', '=', owner.id)
    .orderBy('memberships.created_at')
    .executeTakeFirst();
  const organization =
    existing ??
    (await gt.organizations.create({ name: 'Demo Bakery', ownerUserId: owner.id })).organization;
  return {
    owner: { id: owner.id, email: owner.email },
    organization: { id: organization.id, name: organization.name },
  };
}
