/**
 * The Express app in-process (no child process): the API mounted under Express still gets
 * the request body byte for byte, and the host routes answer.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGreenTrack, type GreenTrack } from '@greentrack/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExampleApp } from './app.js';

const SECRET = 'example-express-test-secret-0123456789abcdef';

describe('createExampleApp (in-process)', () => {
  let gt: GreenTrack;
  let server: Server;
  let base: string;

  beforeAll(async () => {
    gt = await createGreenTrack({
      database: { inMemory: true },
      secret: SECRET,
      authenticate: () => null,
    });
    await gt.migrate();
    server = createServer(createExampleApp({ gt }));
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((done) => {
      server?.close(() => done());
      server?.closeAllConnections(); // fetch keeps connections alive
    });
    await gt?.close();
  });

  const demoToken = async (): Promise<string> => {
    const res = await fetch(`${base}/demo/token`, { method: 'POST' });
    expect(res.status).toBe(200);
    return ((await res.json()) as { token: string }).token;
  };

  it('serves the host page with links to the API', async () => {
    const res = await fetch(`${base}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    const html = await res.text();
    expect(html).toContain('GreenTrack Express example');
    expect(html).toContain('href="/api/greentrack/health"');
    expect(html).toContain('href="/api/greentrack/openapi.json"');
  });

  it('passes a JSON body to the API intact (unicode round-trip through PATCH)', async () => {
    const token = await demoToken();
    const name = 'Bäckerei 🍞';
    const patch = await fetch(`${base}/api/greentrack/organization`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name }),
    });
    expect(patch.status).toBe(200);
    expect(((await patch.json()) as { name: string }).name).toBe(name);
    const get = await fetch(`${base}/api/greentrack/organization`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(((await get.json()) as { name: string }).name).toBe(name);
    const [row] = await gt.db.selectFrom('organizations').select('name').execute();
    expect(row?.name).toBe(name);
  });

  it('the demo token route is idempotent: one demo owner, one organization', async () => {
    const tokens = await Promise.all([demoToken(), demoToken()]);
    const claims = tokens.map((t) => gt.tokens.verify(t));
    expect(claims[0]?.organizationId).toBe(claims[1]?.organizationId);
    expect(await gt.db.selectFrom('organizations').select('id').execute()).toHaveLength(1);
  });

  it('keeps the API base path when mounted under Express (unknown route → API 404 JSON)', async () => {
    const res = await fetch(`${base}/api/greentrack/nope`, {
      headers: { authorization: `Bearer ${await demoToken()}` },
    });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('ROUTE_NOT_FOUND');
  });
});
