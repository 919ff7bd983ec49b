/**
 * The tenant facade's membership reads: a role handed in by the caller (the HTTP layer,
 * which just read it) serves the first call only; every later call reads the membership
 * again, so a demotion or removal takes effect on the next call.
 */

import { type KyselyPlugin, SelectQueryNode, TableNode } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failure } from '../test/errors.js';
import { createTestGreenTrack, databaseKind, makeOrganization } from '../test/harness.js';
import { renderWithTemplates } from './campaigns/index.js';
import type { GreenTrack } from './greentrack.js';
import { customerData } from './modules.js';
import { hashingEmbedder } from './providers/hashing-embedder.js';
import { createTenantFacade } from './tenant.js';

/** Counts SELECTs whose FROM is `memberships`. */
function countMembershipReads(counter: { reads: number }): KyselyPlugin {
  return {
    transformQuery: ({ node }) => {
      if (
        SelectQueryNode.is(node) &&
        node.from?.froms.some((f) => TableNode.is(f) && f.table.identifier.name === 'memberships')
      )
        counter.reads += 1;
      return node;
    },
    transformResult: async ({ result }) => result,
  };
}

describe(`tenant facade [${databaseKind}]`, () => {
  let gt: GreenTrack;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ gt, cleanup } = await createTestGreenTrack());
  });
  afterAll(async () => cleanup());

  it('uses a known role for the first call only, then re-reads the membership', async () => {
    const fixture = await makeOrganization(gt, 'Facade');
    const organizationId = fixture.organization.id;
    const counter = { reads: 0 };
    const deps = {
      database: {
        ...gt.database,
        tenant: (id: string) => gt.database.tenant(id).withPlugin(countMembershipReads(counter)),
      },
      clock: gt.clock,
      emit: () => {},
      keyring: () => {
        throw new Error('not needed');
      },
      embedder: hashingEmbedder({ dimensions: gt.embedder.dimensions }),
      customerData,
      providers: gt.providers,
      renderMessage: renderWithTemplates,
    };
    const actor = { userId: fixture.admin.id, organizationId };
    const facade = createTenantFacade(deps, actor, { role: 'admin' });

    await facade.organization.get();
    expect(counter.reads).toBe(0);
    await facade.organization.get();
    expect(counter.reads).toBe(1);

    // Demoted between calls: the next call sees it.
    const owner = gt.as({ userId: fixture.owner.id, organizationId });
    const membership = (await owner.memberships.list()).find((m) => m.user_id === fixture.admin.id);
    await owner.memberships.updateRole(membership?.id ?? '', { role: 'staff' });
    expect((await failure(facade.auditLog.list())).code).toBe('FORBIDDEN');

    // Without a known role, every call reads it.
    counter.reads = 0;
    const fresh = createTenantFacade(deps, actor);
    await fresh.organization.get();
    await fresh.organization.get();
    expect(counter.reads).toBe(2);
  });
});
