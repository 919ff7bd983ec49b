/**
 * The ZeroInvoice client against a local server that speaks FastAPI's wire format
 * (`test/zeroinvoice-server.ts`): real HTTP, real `fetch`.
 */
import { GreenTrackError, isGreenTrackError } from '@greentrack/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startZeroInvoiceServer, type ZeroInvoiceServer } from '../../test/zeroinvoice-server.js';
import { createZeroInvoiceClient } from './client.js';
import { zeroInvoice } from './source.js';

async function caught(work: () => Promise<unknown>): Promise<GreenTrackError> {
  try {
    await work();
  } catch (error) {
    if (error instanceof GreenTrackError) return error;
    throw error;
  }
  throw new Error('expected a GreenTrackError');
}

const pathOf = (url: string) => new URL(url, 'http://x').pathname;

describe('ZeroInvoice client', () => {
  let server: ZeroInvoiceServer;
  beforeAll(async () => {
    server = await startZeroInvoiceServer();
    server.generate({ invoices: 25, itemsPerInvoice: 2, clients: 5 });
  });
  afterAll(() => server.close());
  afterEach(() => {
    server.requests.length = 0;
  });

  // The trailing slash of the base URL is dropped, not doubled.
  const passwordClient = () =>
    createZeroInvoiceClient({
      baseUrl: `${server.url}/`,
      credentials: { username: server.username, password: server.password },
    });

  it('logs in with a form-encoded OAuth2 password request, then sends the bearer token', async () => {
    const client = passwordClient();
    const clients = await client.listClients();
    expect(clients).toHaveLength(5);
    const [login, list] = server.requests;
    expect(login?.method).toBe('POST');
    expect(login?.url).toBe('/api/auth/token');
    expect(login?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(login?.form?.get('username')).toBe(server.username);
    expect(login?.form?.get('password')).toBe(server.password);
    expect(login?.form?.get('grant_type')).toBe('password');
    expect(list?.url).toBe('/api/clients/?skip=0&limit=100');
    expect(list?.headers.authorization).toMatch(/^Bearer eyJ/);
  });

  it('a refused login fails with ZEROINVOICE_UNAUTHORIZED and FastAPI detail', async () => {
    const client = createZeroInvoiceClient({
      baseUrl: server.url,
      credentials: { username: server.username, password: 'wrong' },
    });
    const error = await caught(() => client.listInvoices());
    expect(error.code).toBe('ZEROINVOICE_UNAUTHORIZED');
    expect(error.details).toMatchObject({ status: 401, detail: 'Incorrect username or password' });
    expect(error.message).not.toContain('wrong');
  });

  it('on a 401 logs in again once and retries the request', async () => {
    const client = passwordClient();
    await client.listClients();
    server.expireTokens();
    server.requests.length = 0;
    const invoices = await client.listInvoices({ limit: 3 });
    expect(invoices).toHaveLength(3);
    expect(server.requests.map((r) => `${r.method} ${pathOf(r.url)}`)).toEqual([
      'GET /api/invoices/',
      'POST /api/auth/token',
      'GET /api/invoices/',
    ]);
    expect(server.requests[2]?.headers.authorization).not.toBe(
      server.requests[0]?.headers.authorization,
    );
  });

  it('a second 401 after the fresh login fails typed, without looping', async () => {
    const client = passwordClient();
    await client.listClients();
    server.requests.length = 0;
    server.fail(
      (r) => r.url.startsWith('/api/invoices/'),
      { status: 401, body: { detail: 'Token revoked' } },
      2,
    );
    const error = await caught(() => client.listInvoices());
    expect(error.code).toBe('ZEROINVOICE_UNAUTHORIZED');
    expect(error.details).toMatchObject({ status: 401, detail: 'Token revoked' });
    expect(server.requests.map((r) => `${r.method} ${pathOf(r.url)}`)).toEqual([
      'GET /api/invoices/',
      'POST /api/auth/token',
      'GET /api/invoices/',
    ]);
  });

  it('a caller-supplied token is sent as is; its 401 fails typed (nothing can renew it)', async () => {
    const token = server.issueToken();
    const client = createZeroInvoiceClient({ baseUrl: server.url, credentials: { token } });
    await client.listClients({ limit: 1 });
    expect(server.requests[0]?.headers.authorization).toBe(`Bearer ${token}`);
    server.expireTokens();
    const error = await caught(() => client.listClients());
    expect(error.code).toBe('ZEROINVOICE_UNAUTHORIZED');
    expect(server.requests.filter((r) => r.url === '/api/auth/token')).toHaveLength(0);
  });

  it('always sends collection paths with the trailing slash (no 307 round trip)', async () => {
    const client = passwordClient();
    await client.listInvoices();
    await client.listClients();
    await client.createInvoice({
      client_id: 'cli_000001',
      amount: '10.00',
      due_date: '2026-02-01',
      line_items: [],
    });
    const paths = server.requests
      .filter((r) => r.url !== '/api/auth/token')
      .map((r) => pathOf(r.url));
    expect(paths).toEqual(['/api/invoices/', '/api/clients/', '/api/invoices/']);
  });

  it('the local server answers a slash-less collection path with a 307 to the slashed one', async () => {
    const response = await fetch(`${server.url}/api/invoices?limit=1`, { redirect: 'manual' });
    expect(response.status).toBe(307);
    expect(response.headers.get('location')).toBe('/api/invoices/?limit=1');
  });

  it('follows a 307 with the same method and token (an item route declared with a slash)', async () => {
    const slashed = await startZeroInvoiceServer({ itemTrailingSlash: true });
    try {
      slashed.generate({ invoices: 3, itemsPerInvoice: 1 });
      const client = createZeroInvoiceClient({
        baseUrl: slashed.url,
        credentials: { username: slashed.username, password: slashed.password },
      });
      const id = slashed.invoices[1]?.id as string;
      const invoice = await client.getInvoice(id);
      expect(invoice.id).toBe(id);
      const [, first, second] = slashed.requests;
      expect(first?.url).toBe(`/api/invoices/${id}`);
      expect(second?.url).toBe(`/api/invoices/${id}/`);
      expect(second?.headers.authorization).toBe(first?.headers.authorization);
    } finally {
      await slashed.close();
    }
  });

  it('maps FastAPI {detail} errors: a string (404) and a validation list (422)', async () => {
    const client = passwordClient();
    const missing = await caught(() => client.getInvoice('inv_nope'));
    expect(missing.code).toBe('ZEROINVOICE_NOT_FOUND');
    expect(missing.details).toMatchObject({ status: 404, detail: 'Invoice not found' });
    expect(missing.toJSON()).toMatchObject({ code: 'ZEROINVOICE_NOT_FOUND' });

    const invalid = await caught(() =>
      client.createInvoice({ client_id: 'cli_1', amount: 'lots', due_date: '2026-01-01' } as never),
    );
    expect(invalid.code).toBe('ZEROINVOICE_VALIDATION_FAILED');
    expect(invalid.details?.issues).toEqual([
      { path: 'body.line_items', message: 'Field required', type: 'missing' },
      { path: 'body.amount', message: 'Input should be a valid number', type: 'float_parsing' },
    ]);

    const badQuery = await caught(() => client.listInvoices({ limit: 5000 }));
    expect(badQuery.code).toBe('ZEROINVOICE_VALIDATION_FAILED');
    expect(badQuery.details?.issues).toMatchObject([{ path: 'query.limit' }]);
  });

  it('maps 429 with Retry-After, 5xx, a refused connection and a non-JSON body', async () => {
    const client = passwordClient();
    server.fail((r) => r.url.startsWith('/api/clients/'), {
      status: 429,
      headers: { 'retry-after': '7' },
      body: { detail: 'Too Many Requests' },
    });
    const limited = await caught(() => client.listClients());
    expect(limited.code).toBe('ZEROINVOICE_RATE_LIMITED');
    expect(limited.details).toMatchObject({ retryAfterMs: 7000 });

    server.fail((r) => r.url.startsWith('/api/clients/'), {
      status: 502,
      body: '<html>Bad gateway</html>',
    });
    expect((await caught(() => client.listClients())).code).toBe('ZEROINVOICE_UNAVAILABLE');

    server.fail((r) => r.url.startsWith('/api/clients/'), { status: 200, body: 'not json' });
    expect((await caught(() => client.listClients())).code).toBe('ZEROINVOICE_RESPONSE_INVALID');

    server.fail((r) => r.url.startsWith('/api/clients/'), {
      status: 200,
      body: [{ name: 'no id' }],
    });
    const shape = await caught(() => client.listClients());
    expect(shape.code).toBe('ZEROINVOICE_RESPONSE_INVALID');
    expect(shape.details).toEqual({ path: '0.id' });

    const closed = createZeroInvoiceClient({
      baseUrl: 'http://127.0.0.1:1',
      credentials: { token: 't' },
    });
    expect((await caught(() => closed.listClients())).code).toBe('ZEROINVOICE_UNAVAILABLE');
  });

  it('pages with skip/limit and creates an invoice that the feed then returns', async () => {
    const client = passwordClient();
    const first = await client.listInvoices({ skip: 0, limit: 10 });
    const second = await client.listInvoices({ skip: 10, limit: 10 });
    expect(first.map((i) => i.id)).toEqual(server.invoices.slice(0, 10).map((i) => i.id));
    expect(second.map((i) => i.id)).toEqual(server.invoices.slice(10, 20).map((i) => i.id));
    const created = await client.createInvoice({
      client_id: 'cli_000002',
      status: 'sent',
      amount: '19.99',
      currency: 'USD',
      due_date: '2026-03-01',
      line_items: [{ description: 'Repair', quantity: 1, unit_price: '19.99' }],
    });
    expect(server.requests.at(-1)?.json).toMatchObject({ amount: '19.99' });
    const since = await client.listInvoices({ updatedSince: created.updated_at as string });
    expect(since.map((i) => i.id)).toEqual([created.id]);
  });
});

describe('zeroInvoice connector', () => {
  let server: ZeroInvoiceServer;
  beforeAll(async () => {
    server = await startZeroInvoiceServer();
  });
  afterAll(() => server.close());

  const collect = async (cursor: string | null, pageSize = 4) => {
    const source = zeroInvoice({ baseUrl: server.url, pageSize }).connect({
      username: server.username,
      password: server.password,
    });
    const pages = [];
    for await (const page of source.invoices({ cursor })) pages.push(page);
    return pages;
  };

  it('yields SourceInvoices: cents, mapped statuses with the raw kept, client emails, items', async () => {
    server.generate({ invoices: 10, itemsPerInvoice: 2, clients: 3 });
    server.update('inv_20260101_0000004', {
      status: 'partial',
      amount: 0.1 + 0.2,
      amount_due: '0.10',
    });
    const pages = await collect(null);
    expect(pages.map((p) => p.invoices.length)).toEqual([4, 4, 2]);
    const all = pages.flatMap((p) => p.invoices);
    expect(all.map((i) => i.externalInvoiceId)).toEqual(server.invoices.map((i) => i.id));
    const partial = all.find((i) => i.externalInvoiceId === 'inv_20260101_0000004');
    expect(partial).toMatchObject({
      status: 'sent',
      totalCents: 30,
      amountDueCents: 10,
      externalCustomerId: 'cli_000001',
      customerEmail: 'client1@example.com',
      currency: 'usd',
    });
    expect(partial?.raw).toMatchObject({ status: 'partial' });
    const cancelled = all.find((i) => i.externalInvoiceId === 'inv_20260101_0000005');
    expect(cancelled).toMatchObject({ status: 'void', amountDueCents: 0 });
    const first = all[0];
    expect(first?.items[0]).toMatchObject({
      position: 0,
      quantity: '1.00',
      name: 'Service 0 for job 0',
      description: null,
    });
    expect(first?.items.reduce((s, i) => s + i.totalCents, 0)).toBe(first?.totalCents);
    expect(first?.dueDate).toBe('2026-01-01');
  });

  it('resumes after the cursor of any page, also within invoices sharing one updated_at', async () => {
    server.generate({ invoices: 0 });
    // Seven invoices at one (earlier) instant, then two more: pages of 3 split the tie.
    for (let n = 0; n < 9; n++)
      server.add({
        id: `inv_tie_${n}`,
        client_id: 'cli_x',
        user_id: 'u',
        status: 'sent',
        amount: n + 1,
        currency: 'USD',
        due_date: '2026-05-01',
        line_items: '[]',
        tags: [],
        ...(n < 7 ? { updated_at: '2025-12-01T00:00:00.000Z' } : {}),
      });
    const pages = await collect(null, 3);
    const ids = pages.flatMap((p) => p.invoices.map((i) => i.externalInvoiceId));
    expect(ids).toEqual(server.invoices.map((i) => i.id));
    for (const [index, page] of pages.entries()) {
      const rest = await collect(page.cursor, 3);
      expect(rest.flatMap((p) => p.invoices.map((i) => i.externalInvoiceId))).toEqual(
        ids.slice((index + 1) * 3),
      );
    }
    // Nothing after the last cursor until something changes; then only that.
    const last = pages.at(-1)?.cursor ?? null;
    expect(await collect(last, 3)).toEqual([]);
    server.update('inv_tie_2', { status: 'paid' });
    const changed = await collect(last, 3);
    expect(changed.flatMap((p) => p.invoices.map((i) => i.externalInvoiceId))).toEqual([
      'inv_tie_2',
    ]);
  });

  it('refuses credentials with neither a token nor a login', () => {
    let thrown: unknown;
    try {
      zeroInvoice({ baseUrl: server.url }).connect({ apiKey: 'x' });
    } catch (error) {
      thrown = error;
    }
    expect(isGreenTrackError(thrown, 'ZEROINVOICE_UNAUTHORIZED')).toBe(true);
  });
});
