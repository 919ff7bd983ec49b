/**
 * Runs once per test run, in Node: starts a real GreenTrack server (in-memory PGlite) with a
 * few fixture customers, and hands its URL and a widget token to the browser tests through
 * `provide` / `inject('greentrackApi')`.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGreenTrack, toNodeHandler } from '@greentrack/core';
import type { TestProject } from 'vitest/node';

export async function setup(project: TestProject): Promise<() => Promise<void>> {
  // The wall clock, shifted only while minting the expired token below (no sleeping).
  let offsetMs = 0;
  const gt = await createGreenTrack({
    clock: { now: () => new Date(Date.now() + offsetMs) },
    database: { inMemory: true },
    secret: 'widgets-test-secret-0123456789-abcdefghij',
    // The browser page runs on Vitest's own origin, never the API's.
    http: { corsOrigins: '*' },
  });
  await gt.migrate();

  const user = await gt.users.create({ email: 'owner@example.com', name: 'Owner' });
  const { organization } = await gt.organizations.create({ name: 'Acme', ownerUserId: user.id });
  const scope = { userId: user.id, organizationId: organization.id };
  const customers = gt.as(scope).customers;
  // Two leads, one customer; two tagged vip. The tests count on exactly these.
  await customers.create({
    name: 'Ada Lead',
    email: 'ada@example.com',
    type: 'lead',
    tags: ['vip'],
    country: 'GB',
  });
  await customers.create({
    name: 'Bob Lead',
    email: 'bob@example.com',
    type: 'lead',
    country: 'US',
  });
  await customers.create({
    name: 'Cy Customer',
    email: 'cy@example.com',
    type: 'customer',
    tags: ['vip'],
    country: 'DE',
  });

  const server = createServer(toNodeHandler(gt));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  offsetMs = -2 * 3600_000;
  const expiredToken = gt.tokens.issue({ ...scope, ttlSeconds: 3600 }); // expired an hour ago
  offsetMs = 0;

  project.provide('greentrackApi', {
    baseUrl: `http://127.0.0.1:${port}/api/greentrack`,
    token: gt.tokens.issue({ ...scope, ttlSeconds: 3600 }),
    expiredToken,
    // May read and preview segments, not create them: the server answers a save with 403.
    readOnlyToken: gt.tokens.issue({ ...scope, ttlSeconds: 3600, scopes: ['segment.read'] }),
  });

  return async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await gt.close();
  };
}
