/**
 * Runs once per test run, in Node: starts a real GreenTrack server (in-memory PGlite) with a
 * few fixture customers, and hands its URL and a widget token to the browser tests through
 * `provide` / `inject('greentrackApi')`.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGreenTrack, toNodeHandler } from '@greentrack/core';
import { sql } from 'kysely';
import type { TestProject } from 'vitest/node';
import { seedDashboard } from './dashboard-fixture.js';

/** Customers of the second ("Big") organization. */
const BIG_ORG_CUSTOMERS = 100_000;

export async function setup(project: TestProject): Promise<() => Promise<void>> {
  // The wall clock, shifted only while minting the expired token below (no sleeping).
  let offsetMs = 0;
  const gt = await createGreenTrack({
    clock: { now: () => new Date(Date.now() + offsetMs) },
    database: { inMemory: true },
    secret: 'widgets-test-secret-0123456789-abcdefghij',
    // The browser page runs on Vitest's own origin, never the API's.
    http: { corsOrigins: '*' },
    // The dashboard's fixture refreshes the KPI views after the worker tick below did.
    kpis: { onDemandMinIntervalMs: 0 },
  });
  await gt.migrate();

  const user = await gt.users.create({ email: 'owner@example.com', name: 'Owner' });
  const { organization } = await gt.organizations.create({ name: 'Acme', ownerUserId: user.id });
  const scope = { userId: user.id, organizationId: organization.id };
  const customers = gt.as(scope).customers;
  // Two leads, one customer; two tagged vip. The tests count on exactly these.
  const ada = await customers.create({
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

  // Embeddings (the default lexical hashing embedder) for the "similar to" criterion.
  await gt.worker.tick();

  // Ada's timeline: two tracked events (the customer rows above stay as they are).
  await gt.db
    .insertInto('events')
    .values(
      ['signed_up', 'viewed_pricing'].map((name, i) => ({
        organization_id: organization.id,
        customer_id: ada.id,
        name,
        occurred_at: new Date(Date.UTC(2026, 0, 10 + i)),
      })),
    )
    .execute();

  // A second organization with BIG_ORG_CUSTOMERS customers, for paging and virtualization:
  // one INSERT … SELECT generate_series (no per-row API calls). Names sort in insertion
  // order ("Member 000001" … "Member 100000"); every 7th is a lead, every 10th subscribed.
  const big = await gt.organizations.create({ name: 'Big', ownerUserId: user.id });
  const bigScope = { userId: user.id, organizationId: big.organization.id };
  const seedStart = performance.now();
  await sql`
    INSERT INTO customers (organization_id, type, name, email, country)
    SELECT ${big.organization.id}::uuid,
           CASE WHEN i % 7 = 0 THEN 'lead' ELSE 'customer' END,
           'Member ' || lpad(i::text, 6, '0'),
           'member' || i || '@big.example',
           (ARRAY['US', 'GB', 'DE', 'FR', 'CA'])[1 + i % 5]
    FROM generate_series(1, ${BIG_ORG_CUSTOMERS}) AS i`.execute(gt.db);
  await sql`
    INSERT INTO subscriptions (organization_id, customer_id, channel, status)
    SELECT organization_id, id, 'email', 'subscribed' FROM customers
    WHERE organization_id = ${big.organization.id}::uuid AND name LIKE '%0'`.execute(gt.db);
  const seedMs = Math.round(performance.now() - seedStart);

  const shop = await seedDashboard(gt, user.id);

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
    big: {
      token: gt.tokens.issue({ ...bigScope, ttlSeconds: 3600 }),
      customers: BIG_ORG_CUSTOMERS,
      seedMs,
    },
    dashboard: {
      token: gt.tokens.issue({
        userId: user.id,
        organizationId: shop.organizationId,
        ttlSeconds: 3600,
      }),
      // What a host mints for a dashboard page: reading campaigns (and so their KPIs) only.
      readToken: gt.tokens.issue({
        userId: user.id,
        organizationId: shop.organizationId,
        ttlSeconds: 3600,
        scopes: ['campaign.read'],
      }),
      campaigns: shop.campaigns,
    },
  });

  return async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await gt.close();
  };
}
