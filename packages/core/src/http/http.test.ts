/**
 * The HTTP API, called as hosts do: `gt.handler(new Request(...))`, on both databases.
 */
import { randomUUID } from 'node:crypto';
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestGreenTrack, databaseKind, makeOrganization } from '../../test/harness.js';
import { fixedClock } from '../clock.js';
import { GreenTrackError } from '../errors.js';
import type { GreenTrack } from '../greentrack.js';

const BASE = 'http://host.test/api/greentrack';
const SECRET = 'test-secret-that-is-long-enough-0123456789';

interface ErrorBody {
  error: {
    code: string;
    message: string;
    details?: { issues?: Array<{ path: string; message: string }>; reason?: string };
  };
}

describe(`HTTP API [${databaseKind}]`, () => {
  let gt: GreenTrack;
  let cleanup: () => Promise<void>;
  let fixture: Awaited<ReturnType<typeof makeOrganization>>;
  const clock = fixedClock('2026-06-01T09:00:00.000Z');
  const logged: unknown[] = [];

  beforeAll(async () => {
    ({ gt, cleanup } = await createTestGreenTrack({
      clock,
      secret: SECRET,
      http: {
        maxBodyBytes: 2048,
        corsOrigins: ['https://shop.example'],
        corsCredentials: true,
        logger: { error: (_message, context) => logged.push(context.error) },
      },
      // The host's own auth: a header naming the user and org (tests only); one poisoned value.
      authenticate: (request) => {
        const session = request.headers.get('x-test-session');
        if (session === 'explode')
          throw new Error('session store down: password=hunter2 at pg://10.0.0.1');
        if (session === 'explode-typed')
          throw new GreenTrackError({
            code: 'INTERNAL',
            message: 'pool exhausted at pg://admin:hunter2@10.0.0.1',
          });
        if (!session) return null;
        const [userId, organizationId] = session.split(':');
        return userId && organizationId ? { userId, organizationId } : null;
      },
    }));
    fixture = await makeOrganization(gt, 'Http Org');
  });
  afterAll(() => cleanup());

  const call = (path: string, init: RequestInit & { token?: string; session?: string } = {}) => {
    const headers = new Headers(init.headers);
    if (init.token) headers.set('authorization', `Bearer ${init.token}`);
    if (init.session) headers.set('x-test-session', init.session);
    if (typeof init.body === 'string' && !headers.has('content-type'))
      headers.set('content-type', 'application/json');
    return gt.handler(new Request(`${BASE}${path}`, { ...init, headers }));
  };
  const tokenFor = (
    user: { id: string },
    extra: { scopes?: string[]; ttlSeconds?: number; organizationId?: string } = {},
  ) =>
    gt.tokens.issue({
      userId: user.id,
      organizationId: extra.organizationId ?? fixture.organization.id,
      ...extra,
    });

  describe('authentication', () => {
    it('serves /health without credentials', async () => {
      const res = await call('/health');
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ status: 'ok' });
    });

    it('401 without credentials, with a JSON error', async () => {
      const res = await call('/organization');
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toMatch(/application\/json/);
      const body = (await res.json()) as ErrorBody;
      expect(body.error).toMatchObject({ code: 'UNAUTHENTICATED', details: { reason: 'missing' } });
    });

    it('accepts a valid token and the host session', async () => {
      const viaToken = await call('/organization', { token: tokenFor(fixture.staff) });
      expect(viaToken.status).toBe(200);
      expect(await viaToken.json()).toMatchObject({
        id: fixture.organization.id,
        name: 'Http Org',
      });
      const viaSession = await call('/me', {
        session: `${fixture.admin.id}:${fixture.organization.id}`,
      });
      expect(viaSession.status).toBe(200);
      expect(await viaSession.json()).toMatchObject({
        user: { id: fixture.admin.id },
        organization: { role: 'admin' },
      });
    });

    it('401 for a tampered, expired, wrong-organization or ex-member token', async () => {
      const token = tokenFor(fixture.staff);
      const [prefix, payload, signature] = token.split('.');
      const forged = Buffer.from(
        JSON.stringify({
          ...JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()),
          sub: fixture.owner.id,
        }),
      ).toString('base64url');
      const reasons: string[] = [];
      for (const bad of [
        `${prefix}.${forged}.${signature}`,
        `${token}x`,
        'gt1.e30.',
        'not-a-token',
      ]) {
        const res = await call('/organization', { token: bad });
        expect(res.status).toBe(401);
        reasons.push(((await res.json()) as ErrorBody).error.details?.reason ?? '');
      }
      expect(reasons).toEqual(['signature', 'signature', 'signature', 'malformed']);

      const shortLived = tokenFor(fixture.staff, { ttlSeconds: 60 });
      clock.advance(61_000);
      const expired = await call('/organization', { token: shortLived });
      expect(expired.status).toBe(401);
      expect(((await expired.json()) as ErrorBody).error.details?.reason).toBe('expired');

      const wrongOrg = await call('/organization', {
        token: tokenFor(fixture.staff),
        headers: { 'x-greentrack-organization': randomUUID() },
      });
      expect(wrongOrg.status).toBe(401);
      expect(((await wrongOrg.json()) as ErrorBody).error.details?.reason).toBe(
        'wrong_organization',
      );

      const other = await makeOrganization(gt, 'Other');
      const notMine = await call('/organization', {
        token: tokenFor(fixture.staff, { organizationId: other.organization.id }),
      });
      expect(notMine.status).toBe(401);
      expect(((await notMine.json()) as ErrorBody).error.details?.reason).toBe('not_a_member');
    });

    it("a token signed with another deployment's secret is rejected", async () => {
      const { createTokenService } = await import('./tokens.js');
      const foreign = createTokenService('another-secret-that-is-long-enough-xyz', () =>
        clock.now(),
      ).issue({
        userId: fixture.owner.id,
        organizationId: fixture.organization.id,
      });
      expect((await call('/organization', { token: foreign })).status).toBe(401);
    });
  });

  describe('authorization and tenancy', () => {
    it('403 for a role below the RBAC table', async () => {
      const res = await call('/organization', {
        method: 'PATCH',
        body: JSON.stringify({ name: 'Staff rename' }),
        token: tokenFor(fixture.staff),
      });
      expect(res.status).toBe(403);
      expect(((await res.json()) as ErrorBody).error.code).toBe('FORBIDDEN');
      expect((await call('/audit-log', { token: tokenFor(fixture.staff) })).status).toBe(403);
      const ok = await call('/organization', {
        method: 'PATCH',
        body: JSON.stringify({ name: 'Http Org' }),
        token: tokenFor(fixture.admin),
      });
      expect(ok.status).toBe(200);
    });

    it('403 when the token scopes exclude the action, even for an owner', async () => {
      const readOnly = tokenFor(fixture.owner, { scopes: ['organization.read', 'membership.*'] });
      expect((await call('/organization', { token: readOnly })).status).toBe(200);
      expect((await call('/memberships', { token: readOnly })).status).toBe(200);
      const res = await call('/organization', {
        method: 'PATCH',
        body: JSON.stringify({ name: 'Nope' }),
        token: readOnly,
      });
      expect(res.status).toBe(403);
      expect((await call('/audit-log', { token: readOnly })).status).toBe(403);
    });

    it("404 for another organization's resource, same body as a missing one", async () => {
      const other = await makeOrganization(gt, 'Neighbour');
      const theirs = (
        await gt
          .as({ userId: other.owner.id, organizationId: other.organization.id })
          .memberships.list()
      )[1];
      const owner = tokenFor(fixture.owner);
      const res = await call(`/memberships/${theirs?.id}`, {
        method: 'PATCH',
        body: JSON.stringify({ role: 'admin' }),
        token: owner,
      });
      const missing = await call(`/memberships/${randomUUID()}`, {
        method: 'PATCH',
        body: JSON.stringify({ role: 'admin' }),
        token: owner,
      });
      expect(res.status).toBe(404);
      expect(missing.status).toBe(404);
      expect(await res.json()).toEqual(await missing.json());
      const del = await call(`/memberships/${theirs?.id}`, { method: 'DELETE', token: owner });
      expect(del.status).toBe(404);
      expect(
        await gt
          .as({ userId: other.owner.id, organizationId: other.organization.id })
          .memberships.list(),
      ).toHaveLength(3);
    });

    it('manages memberships end to end and pages the audit log', async () => {
      const owner = tokenFor(fixture.owner);
      const newcomer = await gt.users.create({ email: `new-${randomUUID()}@example.com` });
      const created = await call('/memberships', {
        method: 'POST',
        body: JSON.stringify({ userId: newcomer.id }),
        token: owner,
      });
      expect(created.status).toBe(201);
      const membership = (await created.json()) as { id: string; role: string; created_at: string };
      expect(membership.role).toBe('staff');
      clock.advance(1000);
      expect(Date.parse(membership.created_at)).not.toBeNaN();
      expect(
        (
          await call('/memberships', {
            method: 'POST',
            body: JSON.stringify({ userId: newcomer.id }),
            token: owner,
          })
        ).status,
      ).toBe(409);
      const promoted = await call(`/memberships/${membership.id}`, {
        method: 'PATCH',
        body: JSON.stringify({ role: 'admin' }),
        token: owner,
      });
      expect(await promoted.json()).toMatchObject({ role: 'admin' });
      clock.advance(1000);
      expect(
        (await call(`/memberships/${membership.id}`, { method: 'DELETE', token: owner })).status,
      ).toBe(204);

      const page1 = await call('/audit-log?entity=membership&limit=2', { token: owner });
      const body1 = (await page1.json()) as {
        items: Array<{ action: string }>;
        nextCursor: string;
      };
      expect(body1.items.map((i) => i.action)).toEqual(['membership.delete', 'membership.update']);
      const page2 = await call(`/audit-log?entity=membership&limit=2&cursor=${body1.nextCursor}`, {
        token: owner,
      });
      expect(((await page2.json()) as { items: Array<{ action: string }> }).items[0]?.action).toBe(
        'membership.create',
      );
    });
  });

  describe('bad input', () => {
    it('400 with the field list for a schema violation, and nothing written', async () => {
      const before = await gt
        .as({ userId: fixture.owner.id, organizationId: fixture.organization.id })
        .memberships.list();
      const res = await call('/memberships', {
        method: 'POST',
        body: JSON.stringify({ userId: 'nope', role: 'emperor' }),
        token: tokenFor(fixture.owner),
      });
      expect(res.status).toBe(400);
      const body = (await res.json()) as ErrorBody;
      expect(body.error.code).toBe('VALIDATION_FAILED');
      expect(body.error.details?.issues?.map((i) => i.path).sort()).toEqual(['role', 'userId']);
      expect(
        await gt
          .as({ userId: fixture.owner.id, organizationId: fixture.organization.id })
          .memberships.list(),
      ).toEqual(before);
    });

    it('400 for malformed JSON and for bad query parameters', async () => {
      const res = await call('/organization', {
        method: 'PATCH',
        body: '{"name": ',
        token: tokenFor(fixture.owner),
      });
      expect(res.status).toBe(400);
      expect(((await res.json()) as ErrorBody).error.code).toBe('VALIDATION_FAILED');
      const query = await call('/audit-log?limit=0&from=yesterday', {
        token: tokenFor(fixture.owner),
      });
      expect(query.status).toBe(400);
      expect(
        ((await query.json()) as ErrorBody).error.details?.issues?.map((i) => i.path).sort(),
      ).toEqual(['from', 'limit']);
    });

    it('413 for a body over the limit', async () => {
      const res = await call('/organization', {
        method: 'PATCH',
        body: JSON.stringify({ name: 'x'.repeat(4096) }),
        token: tokenFor(fixture.owner),
      });
      expect(res.status).toBe(413);
      expect(((await res.json()) as ErrorBody).error.code).toBe('PAYLOAD_TOO_LARGE');
    });

    // Regression (issue 8, finding 12): the validator's 415 was not mapped and became a 500.
    it('415 UNSUPPORTED_MEDIA_TYPE for a JSON route called with another content type', async () => {
      const logCount = logged.length;
      for (const contentType of ['text/plain', 'application/x-www-form-urlencoded']) {
        const res = await call('/organization', {
          method: 'PATCH',
          headers: { 'content-type': contentType },
          body: 'name=Renamed',
          token: tokenFor(fixture.owner),
        });
        expect(res.status).toBe(415);
        expect(await res.json()).toMatchObject({ error: { code: 'UNSUPPORTED_MEDIA_TYPE' } });
      }
      expect(logged).toHaveLength(logCount);
    });

    it('404 JSON for an unknown route', async () => {
      const res = await call('/nope', { token: tokenFor(fixture.owner) });
      expect(res.status).toBe(404);
      expect(((await res.json()) as ErrorBody).error.code).toBe('ROUTE_NOT_FOUND');
    });

    it('500 without stack, SQL or secrets; the cause goes to the logger', async () => {
      const res = await call('/organization', { session: 'explode' });
      expect(res.status).toBe(500);
      const text = await res.text();
      expect(JSON.parse(text)).toEqual({ error: { code: 'INTERNAL', message: 'Internal error' } });
      expect(text).not.toContain('hunter2');
      expect(String(logged.at(-1))).toContain('session store down');
    });

    // Regression (issue 8, defect 3): an INTERNAL thrown with its own text showed that text.
    it('answers every INTERNAL with the fixed message, whatever text it was thrown with', async () => {
      const res = await call('/organization', { session: 'explode-typed' });
      expect(res.status).toBe(500);
      const text = await res.text();
      expect(JSON.parse(text)).toEqual({ error: { code: 'INTERNAL', message: 'Internal error' } });
      expect(text).not.toContain('hunter2');
      expect(String(logged.at(-1))).toContain('pool exhausted');
    });
  });

  describe('integration accounts', () => {
    const SENDGRID_KEY = 'SG.very-secret-api-key-Zq81x';
    it('stores credentials encrypted and only ever answers with masked hints', async () => {
      const admin = tokenFor(fixture.admin);
      const created = await call('/integrations', {
        method: 'POST',
        body: JSON.stringify({
          provider: 'sendgrid',
          name: 'main',
          credentials: { apiKey: SENDGRID_KEY },
        }),
        token: admin,
      });
      expect(created.status).toBe(201);
      const createdText = await created.text();
      expect(createdText).not.toContain(SENDGRID_KEY);
      const account = JSON.parse(createdText) as {
        id: string;
        credential_hints: Record<string, string>;
        key_id: string;
      };
      expect(account.credential_hints).toEqual({ apiKey: '••••q81x' });

      const listed = await (await call('/integrations?provider=sendgrid', { token: admin })).text();
      expect(listed).toContain(account.id);
      expect(listed).not.toContain(SENDGRID_KEY);
      const updated = await call(`/integrations/${account.id}`, {
        method: 'PATCH',
        body: JSON.stringify({ status: 'disabled' }),
        token: admin,
      });
      expect(await updated.json()).toMatchObject({ status: 'disabled' });
      const dup = await call('/integrations', {
        method: 'POST',
        body: JSON.stringify({
          provider: 'sendgrid',
          name: 'main',
          credentials: { apiKey: 'x'.repeat(20) },
        }),
        token: admin,
      });
      expect(dup.status).toBe(409);

      // The server side can still read the plaintext, for adapters.
      expect(await gt.integrations.readCredentials(fixture.organization.id, account.id)).toEqual({
        apiKey: SENDGRID_KEY,
      });

      // Key rotation through the instance: away from the running secret and back again.
      const NEXT_SECRET = 'the-next-secret-also-long-enough-0987654321';
      expect(await gt.integrations.rotateKey(SECRET, NEXT_SECRET)).toEqual({ reencrypted: 1 });
      await expect(
        gt.integrations.readCredentials(fixture.organization.id, account.id),
      ).rejects.toMatchObject({
        code: 'CREDENTIALS_KEY_UNKNOWN',
      });
      expect(await gt.integrations.rotateKey(NEXT_SECRET)).toEqual({ reencrypted: 1 });
      expect(await gt.integrations.rotateKey(SECRET)).toEqual({ reencrypted: 0 });
      expect(await gt.integrations.readCredentials(fixture.organization.id, account.id)).toEqual({
        apiKey: SENDGRID_KEY,
      });

      // Staff may not see integrations at all; another organization gets a 404.
      expect(
        (await call(`/integrations/${account.id}`, { token: tokenFor(fixture.staff) })).status,
      ).toBe(403);
      const other = await makeOrganization(gt, 'Integrations neighbour');
      const foreign = await call(`/integrations/${account.id}`, {
        token: tokenFor(other.owner, { organizationId: other.organization.id }),
      });
      expect(foreign.status).toBe(404);

      const bad = await call('/integrations', {
        method: 'POST',
        body: JSON.stringify({ provider: 'myspace', credentials: {} }),
        token: admin,
      });
      expect(bad.status).toBe(400);
      expect(
        ((await bad.json()) as ErrorBody).error.details?.issues?.map((i) => i.path).sort(),
      ).toEqual(['credentials', 'provider']);

      expect(
        (await call(`/integrations/${account.id}`, { method: 'DELETE', token: admin })).status,
      ).toBe(204);
      expect((await call(`/integrations/${account.id}`, { token: admin })).status).toBe(404);
    });
  });

  describe('CORS', () => {
    it('answers preflights for allowed origins only, echoing the origin with credentials', async () => {
      const preflight = (origin: string) =>
        call('/organization', {
          method: 'OPTIONS',
          headers: {
            origin,
            'access-control-request-method': 'PATCH',
            'access-control-request-headers': 'authorization,content-type',
          },
        });
      const allowed = await preflight('https://shop.example');
      expect(allowed.status).toBe(204);
      expect(allowed.headers.get('access-control-allow-origin')).toBe('https://shop.example');
      expect(allowed.headers.get('access-control-allow-credentials')).toBe('true');
      expect(allowed.headers.get('access-control-allow-headers')?.toLowerCase()).toContain(
        'authorization',
      );
      expect(allowed.headers.get('vary')?.toLowerCase()).toContain('origin');
      const denied = await preflight('https://evil.example');
      expect(denied.headers.get('access-control-allow-origin')).toBeNull();
      const actual = await call('/organization', {
        token: tokenFor(fixture.staff),
        headers: { origin: 'https://shop.example' },
      });
      expect(actual.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    });
  });

  describe('OpenAPI', () => {
    it('is a valid OpenAPI 3.1 document listing every route', async () => {
      const res = await call('/openapi.json');
      expect(res.status).toBe(200);
      const doc = (await res.json()) as {
        openapi: string;
        paths: Record<string, Record<string, unknown>>;
      };
      expect(doc.openapi).toBe('3.1.0');
      const result = await new Validator().validate(doc as unknown as Record<string, unknown>);
      expect(result.errors ?? []).toEqual([]);
      expect(result.valid).toBe(true);
      const documented = Object.entries(doc.paths).flatMap(([path, ops]) =>
        Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
      );
      expect(documented.sort()).toEqual(
        [
          'GET /api/greentrack/health',
          'POST /api/greentrack/webhooks/{provider}/{integrationAccountId}',
          'GET /api/greentrack/webhooks/inbound',
          'GET /api/greentrack/webhooks/inbound/{id}',
          'POST /api/greentrack/webhooks/inbound/{id}/replay',
          'POST /api/greentrack/webhooks/reprocess',
          'GET /api/greentrack/webhooks/stats',
          'GET /api/greentrack/me',
          'GET /api/greentrack/organization',
          'PATCH /api/greentrack/organization',
          'GET /api/greentrack/memberships',
          'POST /api/greentrack/memberships',
          'PATCH /api/greentrack/memberships/{id}',
          'DELETE /api/greentrack/memberships/{id}',
          'GET /api/greentrack/audit-log',
          'GET /api/greentrack/customers',
          'POST /api/greentrack/customers',
          'POST /api/greentrack/customers/import',
          'GET /api/greentrack/customers/{id}',
          'PATCH /api/greentrack/customers/{id}',
          'DELETE /api/greentrack/customers/{id}',
          'GET /api/greentrack/customers/{id}/timeline',
          'GET /api/greentrack/customers/{id}/export',
          'POST /api/greentrack/customers/{id}/erase',
          'GET /api/greentrack/customers/{id}/consent',
          'PUT /api/greentrack/customers/{id}/consent/{channel}',
          'GET /api/greentrack/tags',
          'GET /api/greentrack/settings/consent-policy',
          'PUT /api/greentrack/settings/consent-policy',
          'GET /api/greentrack/settings/sending',
          'PUT /api/greentrack/settings/sending',
          'GET /api/greentrack/settings/sms-keywords',
          'PUT /api/greentrack/settings/sms-keywords',
          'GET /api/greentrack/events',
          'POST /api/greentrack/events',
          'GET /api/greentrack/integrations',
          'POST /api/greentrack/integrations',
          'POST /api/greentrack/invoices/{id}/payment-link',
          'POST /api/greentrack/invoices/{id}/send',
          'GET /api/greentrack/integrations/{id}',
          'PATCH /api/greentrack/integrations/{id}',
          'DELETE /api/greentrack/integrations/{id}',
          'GET /api/greentrack/segments',
          'POST /api/greentrack/segments',
          'POST /api/greentrack/segments/preview',
          'GET /api/greentrack/segments/{id}',
          'GET /api/greentrack/segments/{id}/preview',
          'PATCH /api/greentrack/segments/{id}',
          'DELETE /api/greentrack/segments/{id}',
          'GET /api/greentrack/campaigns',
          'POST /api/greentrack/campaigns',
          'GET /api/greentrack/campaigns/{id}',
          'PATCH /api/greentrack/campaigns/{id}',
          'DELETE /api/greentrack/campaigns/{id}',
          'POST /api/greentrack/campaigns/{id}/schedule',
          'POST /api/greentrack/campaigns/{id}/unschedule',
          'POST /api/greentrack/campaigns/{id}/pause',
          'POST /api/greentrack/campaigns/{id}/resume',
          'POST /api/greentrack/campaigns/{id}/cancel',
          'GET /api/greentrack/campaigns/{id}/runs',
          'GET /api/greentrack/campaign-runs/{id}/audience',
          'POST /api/greentrack/campaigns/{id}/test',
          'GET /api/greentrack/campaigns/{id}/messages',
          'GET /api/greentrack/campaigns/{id}/holdout',
          'GET /api/greentrack/unknown-outcomes',
          'POST /api/greentrack/unknown-outcomes/{id}/resolve',
          'POST /api/greentrack/unknown-outcomes/{id}/resend',
          'GET /api/greentrack/templates',
          'POST /api/greentrack/templates',
          'POST /api/greentrack/templates/preview',
          'GET /api/greentrack/templates/{id}',
          'POST /api/greentrack/templates/{id}/preview',
          'PATCH /api/greentrack/templates/{id}',
          'DELETE /api/greentrack/templates/{id}',
          'POST /api/greentrack/templates/search',
          'GET /api/greentrack/invoices',
          'GET /api/greentrack/invoices/aging',
          'GET /api/greentrack/invoices/{id}',
          'POST /api/greentrack/invoices/{id}/payments',
          'GET /api/greentrack/payments',
          'GET /api/greentrack/payments/{id}',
          'GET /api/greentrack/t/c/{token}',
          'GET /api/greentrack/t/o/{token}',
          'GET /api/greentrack/t/u/{token}',
          'POST /api/greentrack/t/u/{token}',
          'GET /api/greentrack/campaigns/{id}/kpis',
          'GET /api/greentrack/campaigns/{id}/funnel',
          'GET /api/greentrack/kpis/series',
          'GET /api/greentrack/kpis/top-campaigns',
          'POST /api/greentrack/kpis/refresh',
        ].sort(),
      );
    });
  });
});
