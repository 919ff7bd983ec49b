import { randomUUID } from 'node:crypto';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestGreenTrack, databaseKind, makeOrganization } from '../../test/harness.js';
import type { GreenTrack } from '../greentrack.js';
import { createClient, GreenTrackApiError } from './index.js';

/** `file` of this folder bundled for the browser, unminified. */
async function browserBundle(file: string): Promise<string> {
  const result = await build({
    entryPoints: [new URL(file, import.meta.url).pathname],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0]?.text ?? '';
}

/** The event tracker's own budget: page context, batching, flush on hide (~5.8 KB). */
const TRACKER_BUDGET = 7_000;

describe('client bundle', () => {
  it('bundles the event tracker for the browser with no imports, within its budget', async () => {
    const code = await browserBundle('./event-tracker.ts');
    expect(code).toContain('keepalive');
    expect(code).not.toMatch(/^\s*import\s/m);
    expect(code).not.toContain('node:');
    expect(code.length).toBeLessThan(TRACKER_BUDGET);
  });

  it('bundles for the browser with no imports at all', async () => {
    const code = await browserBundle('./index.ts');
    expect(code).toContain('GreenTrackApiError');
    expect(code).not.toMatch(/^\s*import\s/m);
    expect(code).not.toContain('node:');
    // Types only cross from the server schemas: the bundle is the methods' one-line
    // request calls, about 130 characters each unminified (a zod schema or a service
    // pulled in by mistake would be tens of kilobytes).
    const methods = (code.match(/request\(\s*"(get|post|put|patch|delete)"/g) ?? []).length;
    expect(methods).toBeGreaterThan(50);
    expect(code.length).toBeLessThan(200 * methods + TRACKER_BUDGET);
  });
});

describe(`client against the handler [${databaseKind}]`, () => {
  let gt: GreenTrack;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ gt, cleanup } = await createTestGreenTrack({
      secret: 'client-test-secret-long-enough-1234567890',
    }));
  });
  afterAll(() => cleanup());

  it('calls every route with a token and surfaces typed errors', async () => {
    const { organization, owner, staff } = await makeOrganization(gt, 'Client Co');
    const api = createClient({
      baseUrl: 'http://host.test/api/greentrack/',
      token: () => gt.tokens.issue({ userId: owner.id, organizationId: organization.id }),
      fetch: (input, init) => gt.handler(new Request(input, init)),
    });
    expect((await api.me()).organization).toEqual({ id: organization.id, role: 'owner' });
    expect((await api.organization.update({ name: 'Client Co 2' })).name).toBe('Client Co 2');
    const { items } = await api.memberships.list();
    expect(items).toHaveLength(3);
    const staffMembership = items.find((m) => m.user_id === staff.id);
    expect(
      (await api.memberships.updateRole(staffMembership?.id ?? '', { role: 'admin' })).role,
    ).toBe('admin');
    await api.memberships.remove(staffMembership?.id ?? '');
    const audit = await api.auditLog.list({ entity: 'membership', limit: 1 });
    expect(audit.items[0]?.action).toBe('membership.delete');

    const customer = await api.customers.create({
      type: 'lead',
      name: 'Client Lead',
      email: 'lead@example.com',
      tags: ['web'],
    });
    expect(customer.tags).toEqual(['web']);
    expect((await api.customers.update(customer.id, { type: 'customer' })).type).toBe('customer');
    expect((await api.customers.list({ q: 'client lead' })).items.map((c) => c.id)).toEqual([
      customer.id,
    ]);
    expect((await api.customers.get(customer.id)).email).toBe('lead@example.com');
    await api.customers.remove(customer.id);

    const account = await api.integrations.create({
      provider: 'twilio',
      credentials: { authToken: 'tw-secret-token-9876' },
    });
    expect(account.credential_hints).toEqual({ authToken: '••••9876' });
    expect((await api.integrations.update(account.id, { name: 'sms' })).name).toBe('sms');
    expect((await api.integrations.list({ provider: 'twilio' })).items.map((a) => a.id)).toEqual([
      account.id,
    ]);
    await api.integrations.remove(account.id);
    await expect(api.integrations.get(account.id)).rejects.toMatchObject({
      status: 404,
      code: 'INTEGRATION_NOT_FOUND',
    });

    const segment = await api.segments.create({
      name: 'Leads',
      rule: { field: 'type', op: 'eq', value: 'lead' },
    });
    expect(segment).toMatchObject({ type: 'rule', rule_sql: "type = 'lead'" });
    expect((await api.segments.update(segment.id, { name: 'All leads' })).name).toBe('All leads');
    expect((await api.segments.list()).items.map((s) => s.id)).toEqual([segment.id]);
    expect((await api.segments.get(segment.id)).rule).toEqual(segment.rule);
    expect(await api.segments.preview(segment.id, { sampleSize: 0 })).toEqual({
      count: 0,
      sample: [],
    });
    expect(
      (await api.segments.previewDraft({ rule: { field: 'type', op: 'eq', value: 'customer' } }))
        .count,
    ).toBe(0);
    await api.segments.remove(segment.id);
    await expect(api.segments.get(segment.id)).rejects.toMatchObject({
      status: 404,
      code: 'SEGMENT_NOT_FOUND',
    });

    const template = await api.templates.create({
      channel: 'sms',
      name: 'Hello',
      content: 'Hi {{ customer.first_name }}',
    });
    expect(template).toMatchObject({ format: 'text', variables: ['customer.first_name'] });
    const someone = await api.customers.create({ type: 'lead', name: 'Ada Lovelace' });
    const preview = await api.templates.preview(template.id, { customerId: someone.id });
    // The answer is typed by channel: an SMS has segments.
    expect(preview.channel === 'sms' ? [preview.text, preview.segments] : null).toEqual([
      'Hi Ada',
      1,
    ]);
    await expect(
      api.templates.create({ channel: 'sms', name: 'Typo', content: '{{ customer.nmae }}' }),
    ).rejects.toMatchObject({
      status: 400,
      code: 'TEMPLATE_INVALID',
      details: { issues: [{ line: 1, column: 4, variable: 'customer.nmae' }] },
    });
    await api.templates.remove(template.id);

    const error = await api.memberships.add({ userId: randomUUID() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GreenTrackApiError);
    expect(error).toMatchObject({ status: 404, code: 'USER_NOT_FOUND' });

    const anonymous = createClient({
      baseUrl: 'http://host.test/api/greentrack',
      fetch: (i, init) => gt.handler(new Request(i, init)),
    });
    await expect(anonymous.me()).rejects.toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
  });
});
