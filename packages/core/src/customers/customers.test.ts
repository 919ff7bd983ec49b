import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failure, issuePaths } from '../../test/errors.js';
import { createTestGreenTrack, databaseKind, makeOrganization } from '../../test/harness.js';
import { fixedClock } from '../clock.js';
import type { GreenTrack } from '../greentrack.js';
import type { TenantFacade } from '../tenant.js';
import { searchTerm } from './service.js';

describe(`customers [${databaseKind}]`, () => {
  let gt: GreenTrack;
  let cleanup: () => Promise<void>;
  let org: TenantFacade;
  let staffOrg: TenantFacade;
  let organizationId: string;
  const clock = fixedClock('2026-02-01T08:00:00.000Z');

  beforeAll(async () => {
    ({ gt, cleanup } = await createTestGreenTrack({
      clock,
      secret: 'customers-test-secret-0123456789abcdef',
    }));
    const fixture = await makeOrganization(gt, 'CRM');
    organizationId = fixture.organization.id;
    org = gt.as({ userId: fixture.admin.id, organizationId });
    staffOrg = gt.as({ userId: fixture.staff.id, organizationId });
  });
  afterAll(() => cleanup());

  const count = async () =>
    Number(
      (
        await gt.db
          .selectFrom('customers')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('organization_id', '=', organizationId)
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('creates with normalized email, E.164 phone (national format read in the country) and tags', async () => {
    const customer = await staffOrg.customers.create({
      type: 'customer',
      name: '  Ana Baker ',
      email: '  Ana.Baker@Example.com ',
      phone: '030 12345678',
      country: 'de',
      tags: ['VIP', 'wholesale', 'vip ', ''].filter(Boolean),
    });
    expect(customer).toMatchObject({
      name: 'Ana Baker',
      email: 'Ana.Baker@Example.com',
      phone: '+493012345678',
      country: 'DE',
      tags: ['VIP', 'wholesale'],
      organization_id: organizationId,
    });
    const us = await org.customers.create({ type: 'lead', name: 'Bo', phone: '(415) 555-2671' });
    expect(us).toMatchObject({ phone: '+14155552671', country: 'US', tags: [] });
    const audit = await org.auditLog.list({ entity: 'customer', entityId: customer.id });
    expect(audit.items.map((a) => a.action)).toEqual(['customer.create']);
  });

  it('rejects an invalid email or phone naming the field, and writes nothing', async () => {
    const before = await count();
    const error = await failure(
      org.customers.create({ type: 'customer', name: 'Bad', email: 'not-an-email', phone: '12' }),
    );
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(issuePaths(error)).toEqual(['email', 'phone']);
    const typeError = await failure(org.customers.create({ type: 'vip' as never, name: '' }));
    expect(issuePaths(typeError)).toEqual(['name', 'type']);
    expect(await count()).toBe(before);
  });

  it('updates partially, clears with null, replaces tags, and maintains updated_at', async () => {
    const created = await org.customers.create({
      type: 'lead',
      name: 'Cy',
      email: 'cy@example.com',
      city: 'Lyon',
      tags: ['a', 'b'],
    });
    clock.advance(60_000);
    const updated = await org.customers.update(created.id, {
      type: 'customer',
      city: null,
      tags: ['b', 'C'],
      phone: '06 12 34 56 78',
      country: 'FR',
    });
    expect(updated).toMatchObject({
      type: 'customer',
      city: null,
      name: 'Cy',
      email: 'cy@example.com',
      tags: ['b', 'C'],
      phone: '+33612345678',
    });
    expect(updated.updated_at.getTime()).toBe(created.updated_at.getTime() + 60_000);
    expect(updated.created_at).toEqual(created.created_at);
    const bad = await failure(org.customers.update(created.id, { email: 'nope' }));
    expect(bad.details?.issues).toEqual([{ path: 'email', message: 'not a valid email address' }]);
    expect((await org.customers.get(created.id)).email).toBe('cy@example.com');
  });

  it("hides another organization's customers", async () => {
    const other = await makeOrganization(gt, 'Other CRM');
    const theirs = await gt
      .as({ userId: other.owner.id, organizationId: other.organization.id })
      .customers.create({ type: 'customer', name: 'Theirs' });
    expect((await failure(org.customers.get(theirs.id))).code).toBe('CUSTOMER_NOT_FOUND');
    expect((await failure(org.customers.update(theirs.id, { name: 'Mine' }))).code).toBe(
      'CUSTOMER_NOT_FOUND',
    );
    expect((await failure(org.customers.remove(theirs.id))).code).toBe('CUSTOMER_NOT_FOUND');
    expect((await failure(org.customers.get('not-a-uuid'))).code).toBe('CUSTOMER_NOT_FOUND');
    const page = await org.customers.list({ q: 'theirs' });
    expect(page.items).toEqual([]);
  });

  it('deletes (admin), refusing a customer with history and staff', async () => {
    const plain = await org.customers.create({ type: 'lead', name: 'Delete me' });
    expect((await failure(staffOrg.customers.remove(plain.id))).code).toBe('FORBIDDEN');
    await org.customers.remove(plain.id);
    expect((await failure(org.customers.get(plain.id))).code).toBe('CUSTOMER_NOT_FOUND');
    const messaged = await org.customers.create({
      type: 'customer',
      name: 'Messaged',
      email: 'm@example.com',
    });
    await gt.db
      .insertInto('messages')
      .values({
        organization_id: organizationId,
        customer_id: messaged.id,
        channel: 'email',
        to_address: 'm@example.com',
        body: 'hi',
      })
      .execute();
    expect((await failure(org.customers.remove(messaged.id))).code).toBe('CUSTOMER_HAS_HISTORY');
    expect((await org.customers.get(messaged.id)).name).toBe('Messaged');
  });

  describe('list and search', () => {
    let listOrg: TenantFacade;
    let listOrgId: string;
    beforeAll(async () => {
      const fixture = await makeOrganization(gt, 'Listing');
      listOrgId = fixture.organization.id;
      listOrg = gt.as({ userId: fixture.owner.id, organizationId: fixture.organization.id });
      const people = [
        {
          name: 'Alice Martin',
          email: 'alice@bakery.example',
          city: 'Paris',
          country: 'FR',
          tags: ['vip', 'wholesale'],
        },
        {
          name: 'Bob Stone',
          email: 'bob@stone.example',
          city: 'Berlin',
          country: 'DE',
          tags: ['vip'],
        },
        { name: 'Carla Diaz', phone: '(415) 555-2671', city: 'San Francisco', tags: [] },
        {
          name: 'Dan Martin',
          email: 'dan@50%off.example'.replace('%', ''),
          city: 'Paris',
          country: 'FR',
          tags: ['wholesale'],
          type: 'lead' as const,
        },
        { name: 'Eve Adams', email: 'eve@example.com', city: 'Austin', tags: ['VIP'] },
      ];
      for (const p of people) {
        clock.advance(1000);
        await listOrg.customers.create({ type: 'customer', ...p });
      }
    });

    it('pages with a stable cursor, even when rows are inserted between pages', async () => {
      const first = await listOrg.customers.list({ sort: 'name', order: 'asc', limit: 2 });
      expect(first.items.map((c) => c.name)).toEqual(['Alice Martin', 'Bob Stone']);
      clock.advance(1000);
      await listOrg.customers.create({ type: 'lead', name: 'Aaron First' }); // sorts before the cursor
      const second = await listOrg.customers.list({
        sort: 'name',
        order: 'asc',
        limit: 2,
        cursor: first.nextCursor ?? undefined,
      });
      expect(second.items.map((c) => c.name)).toEqual(['Carla Diaz', 'Dan Martin']);
      const third = await listOrg.customers.list({
        sort: 'name',
        order: 'asc',
        limit: 2,
        cursor: second.nextCursor ?? undefined,
      });
      expect(third.items.map((c) => c.name)).toEqual(['Eve Adams']);
      expect(third.nextCursor).toBeNull();
    });

    it('sorts by created_at descending by default and by updated_at', async () => {
      const page = await listOrg.customers.list({ limit: 3 });
      expect(page.items.map((c) => c.name)).toEqual(['Aaron First', 'Eve Adams', 'Dan Martin']);
      const next = await listOrg.customers.list({ limit: 3, cursor: page.nextCursor ?? undefined });
      expect(next.items.map((c) => c.name)).toEqual(['Carla Diaz', 'Bob Stone', 'Alice Martin']);
      const byUpdate = await listOrg.customers.list({ sort: 'updated_at', order: 'asc', limit: 1 });
      expect(byUpdate.items[0]?.name).toBe('Alice Martin');
    });

    it('filters by type, tags (all of, case-insensitive), place and creation time; counts on request', async () => {
      const names = async (query: Parameters<TenantFacade['customers']['list']>[0]) =>
        (await listOrg.customers.list({ sort: 'name', order: 'asc', ...query })).items.map(
          (c) => c.name,
        );
      expect(await names({ type: 'lead' })).toEqual(['Aaron First', 'Dan Martin']);
      expect(await names({ tags: ['vip'] })).toEqual(['Alice Martin', 'Bob Stone', 'Eve Adams']);
      expect(await names({ tags: 'VIP,wholesale' })).toEqual(['Alice Martin']);
      expect(await names({ city: 'Paris', country: 'fr' })).toEqual(['Alice Martin', 'Dan Martin']);
      expect(
        await names({
          created_from: '2026-02-01T08:01:02.000Z',
          created_to: '2026-02-01T08:01:04.000Z',
        }),
      ).toHaveLength(2);
      const counted = await listOrg.customers.list({
        tags: ['vip'],
        limit: 1,
        include_total: true,
      });
      expect(counted.total).toBe(3);
      expect((await listOrg.customers.list({ limit: 1 })).total).toBeUndefined();
    });

    it('searches name, email and phone (digits of any national format), escaping wildcards', async () => {
      const names = async (q: string) =>
        (await listOrg.customers.list({ q, sort: 'name', order: 'asc' })).items.map((c) => c.name);
      expect(await names('martin')).toEqual(['Alice Martin', 'Dan Martin']);
      expect(await names('STONE.EXAMPLE')).toEqual(['Bob Stone']);
      expect(await names('555-2671')).toEqual(['Carla Diaz']);
      expect(await names('(415) 555')).toEqual(['Carla Diaz']);
      expect(await names('%')).toEqual([]);
      // A page filled from the in-order window (common term), then the rest via the index.
      const first = await listOrg.customers.list({
        q: 'martin',
        sort: 'name',
        order: 'asc',
        limit: 1,
      });
      expect(first.items.map((c) => c.name)).toEqual(['Alice Martin']);
      const second = await listOrg.customers.list({
        q: 'martin',
        sort: 'name',
        order: 'asc',
        limit: 1,
        cursor: first.nextCursor ?? undefined,
      });
      expect(second.items.map((c) => c.name)).toEqual(['Dan Martin']);
      expect(second.nextCursor).toBeNull();
      expect(await names('a_a')).toEqual([]);
      expect(searchTerm('+1 (415)')).toBe('1415');
      expect(searchTerm('Ana')).toBe('ana');
    });

    it('rejects a forged cursor as bad input', async () => {
      const forged = Buffer.from(JSON.stringify({ v: 'no such time', id: randomUUID() })).toString(
        'base64url',
      );
      expect((await failure(listOrg.customers.list({ cursor: forged }))).code).toBe(
        'VALIDATION_FAILED',
      );
      expect((await failure(listOrg.customers.list({ cursor: 'garbage' }))).code).toBe(
        'VALIDATION_FAILED',
      );
    });

    it('sorts by country with a keyset cursor, customers without a country included', async () => {
      // Only an import or raw SQL leaves country NULL (the API defaults it to US).
      await gt.db
        .insertInto('customers')
        .values({ organization_id: listOrgId, type: 'lead', name: 'Nomad', country: null })
        .execute();
      const walk = async (order: 'asc' | 'desc', q?: string) => {
        const seen: string[] = [];
        let cursor: string | undefined;
        do {
          const page = await listOrg.customers.list({
            sort: 'country',
            order,
            limit: 2,
            ...(q ? { q } : {}),
            ...(cursor ? { cursor } : {}),
          });
          seen.push(...page.items.map((c) => `${c.country ?? '-'} ${c.name}`));
          cursor = page.nextCursor ?? undefined;
        } while (cursor);
        return seen;
      };
      const asc = await walk('asc');
      // Ties (same country) are ordered by id, so only the countries are predictable.
      expect(asc.map((row) => row.slice(0, 2))).toEqual(['- ', 'DE', 'FR', 'FR', 'US', 'US', 'US']);
      expect(new Set(asc).size).toBe(7);
      expect(await walk('desc')).toEqual([...asc].reverse());
      // A text search pages in the same order (window first, then the trigram path).
      expect(await walk('asc', 'martin')).toEqual(asc.filter((row) => row.endsWith(' Martin')));
      // A cursor made for another sort is refused, not misread.
      const byName = await listOrg.customers.list({ sort: 'name', limit: 1 });
      const error = await failure(
        listOrg.customers.list({ sort: 'country', cursor: byName.nextCursor ?? undefined }),
      );
      expect(error.code).toBe('VALIDATION_FAILED');
    });

    it("filters by stored consent and returns each customer's consent per channel", async () => {
      const all = await listOrg.customers.list({ sort: 'name', order: 'asc', limit: 50 });
      const id = (name: string) => all.items.find((c) => c.name === name)?.id ?? '';
      await listOrg.consent.set(id('Alice Martin'), 'email', 'subscribed');
      await listOrg.consent.set(id('Bob Stone'), 'email', 'unsubscribed');
      await listOrg.consent.set(id('Bob Stone'), 'sms', 'subscribed');
      const names = async (consent: string) =>
        (
          await listOrg.customers.list({ sort: 'name', order: 'asc', consent: consent as never })
        ).items.map((c) => c.name);
      expect(await names('email:subscribed')).toEqual(['Alice Martin']);
      expect(await names('email:unsubscribed')).toEqual(['Bob Stone']);
      expect(await names('sms:subscribed')).toEqual(['Bob Stone']);
      expect(await names('sms:bounced')).toEqual([]);
      const withoutEmail = await names('email:none');
      expect(withoutEmail).not.toContain('Alice Martin');
      expect(withoutEmail).not.toContain('Bob Stone');
      expect(withoutEmail).toHaveLength(all.items.length - 2);
      // Combined with a search (the window path) and a tag filter.
      const q = await listOrg.customers.list({
        q: 'stone',
        consent: 'sms:subscribed',
        tags: ['vip'],
      });
      expect(q.items.map((c) => c.name)).toEqual(['Bob Stone']);
      expect(q.items[0]?.consent).toEqual({ email: 'unsubscribed', sms: 'subscribed' });
      const page = await listOrg.customers.list({ sort: 'name', order: 'asc', limit: 3 });
      expect(page.items.map((c) => c.consent)).toEqual([
        { email: null, sms: null }, // Aaron First
        { email: 'subscribed', sms: null },
        { email: 'unsubscribed', sms: 'subscribed' },
      ]);
      expect((await failure(listOrg.customers.list({ consent: 'fax:none' as never }))).code).toBe(
        'VALIDATION_FAILED',
      );
    });
  });

  it('lists the tags in use, most used first, per organization (GET /tags)', async () => {
    const fixture = await makeOrganization(gt, 'Tag list');
    const tagOrg = gt.as({ userId: fixture.staff.id, organizationId: fixture.organization.id });
    await tagOrg.customers.create({ type: 'lead', name: 'A', tags: ['vip', 'wholesale'] });
    await tagOrg.customers.create({ type: 'lead', name: 'B', tags: ['vip'] });
    const dropped = await tagOrg.customers.create({ type: 'lead', name: 'C', tags: ['gone'] });
    // A tag nobody carries any more is not suggested.
    await tagOrg.customers.update(dropped.id, { tags: [] });
    // Another organization's tags never show.
    const other = await makeOrganization(gt, 'Tag list elsewhere');
    await gt
      .as({ userId: other.owner.id, organizationId: other.organization.id })
      .customers.create({ type: 'lead', name: 'D', tags: ['vip', 'secret'] });
    expect(await tagOrg.tags.list()).toEqual([
      { name: 'vip', customers: 2 },
      { name: 'wholesale', customers: 1 },
    ]);
    const token = gt.tokens.issue({
      userId: fixture.staff.id,
      organizationId: fixture.organization.id,
    });
    const response = await gt.handler(
      new Request('http://host.test/api/greentrack/tags', {
        headers: { authorization: `Bearer ${token}` },
      }),
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      items: [
        { name: 'vip', customers: 2 },
        { name: 'wholesale', customers: 1 },
      ],
    });
  });

  describe('over HTTP', () => {
    it('creates, lists and rejects bad input with 400 naming the field', async () => {
      const fixture = await makeOrganization(gt, 'CRM HTTP');
      const token = gt.tokens.issue({
        userId: fixture.staff.id,
        organizationId: fixture.organization.id,
      });
      const call = (path: string, init: RequestInit = {}) =>
        gt.handler(
          new Request(`http://host.test/api/greentrack${path}`, {
            ...init,
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          }),
        );
      const created = await call('/customers', {
        method: 'POST',
        body: JSON.stringify({
          type: 'customer',
          name: 'Web',
          email: 'web@example.com',
          tags: ['online'],
        }),
      });
      expect(created.status).toBe(201);
      const body = (await created.json()) as { id: string; tags: string[]; created_at: string };
      expect(body.tags).toEqual(['online']);
      const bad = await call('/customers', {
        method: 'POST',
        body: JSON.stringify({ type: 'customer', name: 'X', email: 'x@', phone: 'abc' }),
      });
      expect(bad.status).toBe(400);
      const error = (await bad.json()) as {
        error: { code: string; details: { issues: Array<{ path: string }> } };
      };
      expect(error.error.details.issues.map((i) => i.path).sort()).toEqual(['email', 'phone']);
      const list = await call('/customers?tags=online&include_total=true');
      expect(await list.json()).toMatchObject({ total: 1, items: [{ id: body.id }] });
      const patched = await call(`/customers/${body.id}`, {
        method: 'PATCH',
        body: JSON.stringify({ notes: 'likes rye' }),
      });
      expect(await patched.json()).toMatchObject({ notes: 'likes rye' });
      expect((await call(`/customers/${body.id}`, { method: 'DELETE' })).status).toBe(403);
      expect((await call(`/customers/${randomUUID()}`)).status).toBe(404);
    });
  });
});
