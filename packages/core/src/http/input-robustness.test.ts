/**
 * Hostile input over HTTP (and the same through the facade): every malformed value is a
 * 400 with our error shape, never a 500, and nothing is written. Regressions of the
 * robustness findings of issue 8 (~470 requests against the Express example).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failure } from '../../test/errors.js';
import { createTestGreenTrack, databaseKind, makeOrganization } from '../../test/harness.js';
import { fixedClock } from '../clock.js';
import type { GreenTrack } from '../greentrack.js';
import { parseRule } from '../segments/index.js';

const BASE = 'http://host.test/api/greentrack';
const SECRET = 'robustness-secret-0123456789abcdefghij';

interface ErrorBody {
  error: { code: string; message: string; details?: { issues?: Array<{ path: string }> } };
}

describe(`hostile input [${databaseKind}]`, () => {
  let gt: GreenTrack;
  let cleanup: () => Promise<void>;
  let fixture: Awaited<ReturnType<typeof makeOrganization>>;
  let token: string;
  let customerId: string;
  let integrationId: string;
  let segmentId: string;
  const logged: unknown[] = [];

  beforeAll(async () => {
    ({ gt, cleanup } = await createTestGreenTrack({
      clock: fixedClock('2026-06-01T09:00:00.000Z'),
      secret: SECRET,
      http: { logger: { error: (_message, context) => logged.push(context.error) } },
    }));
    fixture = await makeOrganization(gt, 'Hostile Org');
    token = gt.tokens.issue({ userId: fixture.owner.id, organizationId: fixture.organization.id });
    const owner = gt.as({ userId: fixture.owner.id, organizationId: fixture.organization.id });
    customerId = (
      await owner.customers.create({ name: 'Target', type: 'customer', email: 't@example.com' })
    ).id;
    integrationId = (
      await owner.integrations.create({ provider: 'sendgrid', credentials: { apiKey: 'SG.x' } })
    ).id;
    segmentId = (
      await owner.segments.create({
        name: 'Leads',
        rule: { field: 'type', op: 'eq', value: 'lead' },
      })
    ).id;
  });
  afterAll(() => cleanup());

  const owner = () => gt.as({ userId: fixture.owner.id, organizationId: fixture.organization.id });

  const call = (method: string, path: string, body?: unknown, contentType = 'application/json') =>
    gt.handler(
      new Request(`${BASE}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': contentType },
        ...(body === undefined
          ? {}
          : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
      }),
    );

  /** Asserts a 400 VALIDATION_FAILED, and returns the issue paths. */
  async function rejected(res: Response, code = 'VALIDATION_FAILED'): Promise<string[]> {
    const text = await res.text();
    expect(res.status, text).toBe(400);
    const body = JSON.parse(text) as ErrorBody;
    expect(body.error.code).toBe(code);
    return (body.error.details?.issues ?? []).map((i) => i.path);
  }

  /** Requests carrying `bad` in one string each: a body field, a query parameter, ... */
  const requestsWith = (bad: string) => {
    // Built when sent: a lone surrogate cannot even be URI-encoded.
    const q = () => encodeURIComponent(bad);
    return [
      ['POST /customers name', () => call('POST', '/customers', { name: `a${bad}`, type: 'lead' })],
      [
        'POST /customers city',
        () => call('POST', '/customers', { name: 'ok', type: 'lead', city: bad }),
      ],
      [
        'POST /customers tags',
        () => call('POST', '/customers', { name: 'ok', type: 'lead', tags: [bad] }),
      ],
      ['PATCH /customers notes', () => call('PATCH', `/customers/${customerId}`, { notes: bad })],
      ['GET /customers q', () => call('GET', `/customers?q=a${q()}`)],
      ['GET /customers tags', () => call('GET', `/customers?tags=a${q()}`)],
      ['GET /customers city', () => call('GET', `/customers?city=a${q()}`)],
      ['GET /audit-log entity', () => call('GET', `/audit-log?entity=a${q()}`)],
      ['GET /audit-log action', () => call('GET', `/audit-log?action=a${q()}`)],
      [
        'POST /segments name',
        () =>
          call('POST', '/segments', {
            name: `a${bad}`,
            rule: { field: 'type', op: 'eq', value: 'lead' },
          }),
      ],
      [
        'POST /segments vector text',
        () => call('POST', '/segments', { name: 'v', vector: { text: `a${bad}`, threshold: 0.5 } }),
      ],
      [
        'POST /segments/preview rule value',
        () =>
          call('POST', '/segments/preview', {
            rule: { field: 'name', op: 'contains', value: `a${bad}` },
          }),
      ],
      [
        'PUT consent source',
        () =>
          call('PUT', `/customers/${customerId}/consent/email`, {
            status: 'subscribed',
            source: `a${bad}`,
          }),
      ],
      ['PATCH /organization name', () => call('PATCH', '/organization', { name: `a${bad}` })],
      [
        'POST /integrations name',
        () =>
          call('POST', '/integrations', {
            provider: 'twilio',
            name: `a${bad}`,
            credentials: { apiKey: 'x' },
          }),
      ],
      [
        'POST /integrations credential',
        () =>
          call('POST', '/integrations', {
            provider: 'twilio',
            credentials: { apiKey: `sk${bad}` },
          }),
      ],
      [
        'PATCH /integrations name',
        () => call('PATCH', `/integrations/${integrationId}`, { name: `a${bad}` }),
      ],
      [
        'POST import ?tags=',
        () =>
          call(
            'POST',
            `/customers/import?tags=a${q()}`,
            'name,email\nX,x@example.com\n',
            'text/csv',
          ),
      ],
    ] as const;
  };

  // Regression (issue 8, finding 9): Postgres rejects 0x00 in text and jsonb, so each of
  // these was a 500 after the request had passed validation.
  it('rejects NUL in any string, on every route, with 400 and writes nothing', async () => {
    const before = await gt.db.selectFrom('audit_log').select('id').execute();
    for (const [name, send] of requestsWith('\u0000')) {
      const res = await send();
      expect(res.status, name).toBe(400);
      expect(((await res.json()) as ErrorBody).error.code, name).toBe('VALIDATION_FAILED');
    }
    expect(logged).toEqual([]);
    expect(await gt.db.selectFrom('audit_log').select('id').execute()).toEqual(before);
    // Shaped like any other validation failure: where, and which field.
    const query = await call('GET', '/customers?city=a%00');
    expect(await query.json()).toMatchObject({
      error: {
        code: 'VALIDATION_FAILED',
        details: {
          location: 'query',
          issues: [{ path: 'city', message: 'must not contain NUL characters' }],
        },
      },
    });
    const error = await failure(owner().customers.create({ name: 'a\u0000b', type: 'lead' }));
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.details?.issues).toEqual([
      { path: 'name', message: 'must not contain NUL characters' },
    ]);
  });

  // Regression (issue 8, finding 10): lone surrogates were a 500 in jsonb, silently became
  // U+FFFD in text columns, and an altered secret could be stored.
  it('rejects lone UTF-16 surrogates in any string, on every route, with 400', async () => {
    for (const [name, send] of requestsWith('\ud800')) {
      // A lone surrogate cannot travel in a URL (it is not UTF-8): those cases are moot.
      if (name.startsWith('GET') || name.startsWith('POST import')) continue;
      const res = await send();
      expect(res.status, name).toBe(400);
      expect(((await res.json()) as ErrorBody).error.code, name).toBe('VALIDATION_FAILED');
    }
    expect(logged).toEqual([]);
    const error = await failure(
      owner().integrations.create({ provider: 'twilio', credentials: { apiKey: 'sk\udc00' } }),
    );
    expect(error.details?.issues).toEqual([
      { path: 'credentials.apiKey', message: 'must not contain lone UTF-16 surrogates' },
    ]);
    // Keys of free-form JSON count too, at any depth.
    const nested = await failure(
      owner().segments.previewDraft({
        rule: {
          field: 'event',
          name: 'x',
          op: 'at_least',
          value: 1,
          days: 3,
          property: { key: 'k', value: 'a\ud83d' },
        },
      }),
    );
    expect(nested.code).toBe('VALIDATION_FAILED');
  });

  /** `{"not": {"not": … leaf}}`, `depth` levels, built as text (no recursion anywhere). */
  const deepNot = (depth: number) =>
    `${'{"not":'.repeat(depth)}{"field":"type","op":"eq","value":"lead"}${'}'.repeat(depth)}`;
  const deepAll = (depth: number) =>
    `${'{"all":['.repeat(depth)}{"field":"type","op":"eq","value":"lead"}${']}'.repeat(depth)}`;

  // Regression (issue 8, defect 2): the depth limit was checked after a recursive parse, so
  // a deep enough rule overflowed the stack (500) before the limit could refuse it.
  it('refuses rules nested 10,000 (not) or 1,000 (all) deep with 400, on every entry', async () => {
    for (const deep of [deepNot(10_000), deepAll(1_000)]) {
      const rule = `"rule":${deep}`;
      const sent = [
        await call('POST', '/segments', `{"name":"deep",${rule}}`),
        await call('PATCH', `/segments/${segmentId}`, `{${rule}}`),
        await call('POST', '/segments/preview', `{${rule}}`),
      ];
      for (const res of sent) expect(await rejected(res)).toEqual(['rule']);
      const parsed = JSON.parse(deep) as never;
      for (const attempt of [
        () => owner().segments.create({ name: 'deep', rule: parsed }),
        () => owner().segments.update(segmentId, { rule: parsed }),
        () => owner().segments.previewDraft({ rule: parsed }),
        async () => parseRule(parsed),
      ]) {
        const error = await failure(attempt());
        expect(error.code).toBe('VALIDATION_FAILED');
        expect(error.details?.issues).toEqual([{ path: 'rule', message: 'nested deeper than 8' }]);
      }
    }
    expect(logged).toEqual([]);
    // The limit itself: depth 8 passes, 9 does not.
    expect(parseRule(JSON.parse(deepNot(7)))).toBeTruthy();
    expect(() => parseRule(JSON.parse(deepNot(8)))).toThrow(/nested deeper than 8/);
  });

  // Regression (issue 8, finding 11): pgvector stores float32, so 1e39 failed in SQL (500).
  it('refuses vector components outside float32 with 400', async () => {
    const dims = (await gt.embeddingDimensions()) ?? 0;
    for (const big of [1e39, -1e39, 1e308]) {
      const embedding = Array.from({ length: dims }, (_, i) => (i === 0 ? big : 0.1));
      const res = await call('POST', '/segments', {
        name: 'huge',
        vector: { embedding, threshold: 0.5 },
      });
      expect(await rejected(res)).toEqual(['vector.embedding.0']);
    }
    // The largest float32 itself is fine, and so is a value float32 rounds to 0.
    const edge = Array.from({ length: dims }, (_, i) =>
      i === 0 ? 3.4028234663852886e38 : i === 1 ? 1e-50 : 0,
    );
    const ok = await call('POST', '/segments', {
      name: 'edge',
      vector: { embedding: edge, threshold: 0.5 },
    });
    expect(ok.status).toBe(201);
    expect(logged).toEqual([]);
  });

  // Regression (issue 8, finding 15): unknown keys were silently dropped on some bodies
  // (a typo like `{"nmae": …}` answered 200) while others were strict.
  it('refuses unknown keys in every JSON request body, naming the key', async () => {
    const member = await gt.users.create({ email: 'strict-member@example.com' });
    const cases = [
      call('PATCH', '/organization', { name: 'Renamed', bogus: 1 }),
      call('POST', '/memberships', { userId: member.id, role: 'staff', bogus: 1 }),
      call('PATCH', `/integrations/${integrationId}`, { status: 'active', bogus: 1 }),
      // A union (email | SMS template): each alternative is closed.
      call('POST', '/templates', { channel: 'sms', name: 'T', content: 'Hi', bogus: 1 }),
    ];
    for (const res of await Promise.all(cases)) {
      const text = await res.text();
      expect(res.status, text).toBe(400);
      expect(text).toContain('bogus');
    }
    const error = await failure(owner().organization.update({ name: 'x', bogus: 1 } as never));
    expect(error.code).toBe('VALIDATION_FAILED');

    // Every JSON body the API documents is closed, so a new route cannot forget it.
    const doc = (await (await call('GET', '/openapi.json')).json()) as {
      paths: Record<
        string,
        Record<string, { requestBody?: { content: Record<string, { schema: unknown }> } }>
      >;
      components: { schemas: Record<string, unknown> };
    };
    const resolve = (schema: unknown): Record<string, unknown> => {
      const ref = (schema as { $ref?: string }).$ref;
      return (ref ? doc.components.schemas[ref.split('/').at(-1) ?? ''] : schema) as Record<
        string,
        unknown
      >;
    };
    const open: string[] = [];
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(methods)) {
        const json = operation.requestBody?.content['application/json'];
        // A provider's webhook is its payload, byte for byte (verified by its signature):
        // not ours to close.
        if (!json || path.includes('/webhooks/{provider}/')) continue;
        const schema = resolve(json.schema);
        // A union is closed when every alternative is.
        const alternatives = (schema.oneOf ?? schema.anyOf ?? [schema]) as unknown[];
        if (alternatives.some((a) => resolve(a).additionalProperties !== false))
          open.push(`${method.toUpperCase()} ${path}`);
      }
    }
    expect(open).toEqual([]);
  });

  // Regression (issue 8, finding 16): any two letters passed, e.g. "ZZ".
  it('accepts only ISO 3166-1 alpha-2 countries', async () => {
    for (const country of ['ZZ', 'QQ', 'EU', 'UK']) {
      const res = await call('POST', '/customers', { name: 'C', type: 'lead', country });
      expect(await rejected(res), country).toEqual(['country']);
    }
    expect(await rejected(await call('GET', '/customers?country=ZZ'))).toEqual(['country']);
    // Lower case is read as upper case; territories without phones are still countries.
    for (const country of ['us', 'DE', 'AQ', 'BV']) {
      const res = await call('POST', '/customers', { name: 'C', type: 'lead', country });
      expect(res.status, country).toBe(201);
    }
  });

  // Regression (issue 8, finding 14): a created_at cursor reused with sort=name compared a
  // timestamp with names and answered an empty 200.
  it('refuses a cursor with another sort or order than the one it was made for', async () => {
    await owner().customers.create({ name: 'Second', type: 'lead' });
    const first = await call('GET', '/customers?sort=created_at&order=desc&limit=1');
    const { nextCursor } = (await first.json()) as { nextCursor: string };
    expect(nextCursor).toEqual(expect.any(String));
    const same = await call(
      'GET',
      `/customers?sort=created_at&order=desc&limit=1&cursor=${nextCursor}`,
    );
    expect(same.status).toBe(200);
    for (const other of [
      'sort=name&order=desc',
      'sort=updated_at&order=desc',
      'sort=created_at&order=asc',
    ]) {
      const res = await call('GET', `/customers?${other}&limit=1&cursor=${nextCursor}`);
      expect(await rejected(res), other).toEqual(['cursor']);
    }
  });
});
