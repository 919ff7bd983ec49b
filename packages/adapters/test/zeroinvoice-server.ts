/**
 * A local ZeroInvoice API for tests and the bench: real HTTP, FastAPI's behaviour as the
 * adapter relies on it — OAuth2 password login (form-encoded) → JWT-like bearer tokens that
 * can be expired on demand (401 `{"detail":"Not authenticated"}`), collection routes that
 * answer the slash-less path with a 307 to the slashed one, `{detail}` errors (a string, or
 * a list of `{loc,msg,type}` for 422), `skip`/`limit` paging and an `updated_since` feed
 * ordered by `(updated_at, id)`. Every request is recorded (`local-server.ts`).
 *
 * `generate()` fills it with N invoices in a few hundred milliseconds (50k invoices with
 * 200k items for the bench); the invoices stay sorted by `(updated_at, id)` so a feed
 * request is a binary search and a slice.
 */
import { randomBytes } from 'node:crypto';
import { type LocalResponse, type RecordedRequest, startLocalServer } from './local-server.js';

export interface ServerClient {
  id: string;
  name: string;
  email: string;
  created_at: string;
  user_id: string;
}

/** An invoice as the server stores and returns it (the data model's fields + updated_at). */
export interface ServerInvoice {
  id: string;
  client_id: string;
  user_id: string;
  status: string;
  amount: number | string;
  currency: string;
  due_date: string;
  /** A JSON string, as the data model stores it (or an array). */
  line_items: string | unknown[];
  tags: string[];
  created_at: string;
  updated_at: string;
  [extra: string]: unknown;
}

/** A fault: the next `times` requests that `match` get `response` instead. */
interface Fault {
  match: (request: RecordedRequest) => boolean;
  times: number;
  response: LocalResponse;
}

export interface ZeroInvoiceServer {
  url: string;
  requests: RecordedRequest[];
  username: string;
  password: string;
  clients: ServerClient[];
  /** Sorted by (updated_at, id); change them through `update`. */
  invoices: ServerInvoice[];
  /** Makes every token issued so far answer 401, as an expired JWT does. */
  expireTokens(): void;
  /** Issues a token without a login (a caller-supplied JWT). */
  issueToken(): string;
  /** Changes an invoice and gives it a new, later `updated_at` (moves it to the end). */
  update(id: string, change: Partial<ServerInvoice>): ServerInvoice;
  /** Adds an invoice (its `updated_at` is the server's next instant unless given). */
  add(
    invoice: Omit<ServerInvoice, 'updated_at' | 'created_at'> & { updated_at?: string },
  ): ServerInvoice;
  /** Answers the next `times` matching requests with `response`. */
  fail(match: (request: RecordedRequest) => boolean, response: LocalResponse, times?: number): void;
  /** Replaces the data with `invoices` generated invoices of `items` items each. */
  generate(options: { invoices: number; itemsPerInvoice?: number; clients?: number }): void;
  close(): Promise<void>;
}

const json = (
  status: number,
  body: object,
  headers: Record<string, string> = {},
): LocalResponse => ({
  status,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

const notAuthenticated = () =>
  json(401, { detail: 'Not authenticated' }, { 'www-authenticate': 'Bearer' });

/** FastAPI's query validation: a non-negative integer, within `max`. */
function intParam(
  query: URLSearchParams,
  name: string,
  fallback: number,
  max: number,
): number | LocalResponse {
  const raw = query.get(name);
  if (raw === null) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value > max)
    return json(422, {
      detail: [
        {
          loc: ['query', name],
          msg: `Input should be a valid integer between 0 and ${max}`,
          type: 'int_parsing',
        },
      ],
    });
  return value;
}

/** (updated_at, id) order. */
const before = (a: ServerInvoice, b: ServerInvoice) =>
  a.updated_at < b.updated_at || (a.updated_at === b.updated_at && a.id < b.id);

export async function startZeroInvoiceServer(
  options: {
    /** Item routes declared with a trailing slash (`/invoices/{id}/`): the bare path gets a 307. */
    itemTrailingSlash?: boolean;
  } = {},
): Promise<ZeroInvoiceServer> {
  const username = 'owner@shop.example';
  const password = 'correct horse battery staple';
  const tokens = new Set<string>();
  const faults: Fault[] = [];
  let clock = Date.parse('2026-01-01T00:00:00.000Z');
  const nextInstant = () => new Date(++clock).toISOString();

  const state = {
    clients: [] as ServerClient[],
    invoices: [] as ServerInvoice[],
  };

  const issueToken = () => {
    // Shaped like a JWT (three base64url parts); only this server reads it.
    const token = ['eyJhbGciOiJIUzI1NiJ9', randomBytes(12).toString('base64url'), 'sig'].join('.');
    tokens.add(token);
    return token;
  };

  const firstAtOrAfter = (since: string): number => {
    let lo = 0;
    let hi = state.invoices.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((state.invoices[mid] as ServerInvoice).updated_at < since) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };

  const insertSorted = (invoice: ServerInvoice) => {
    let i = state.invoices.length;
    while (i > 0 && before(invoice, state.invoices[i - 1] as ServerInvoice)) i--;
    state.invoices.splice(i, 0, invoice);
  };

  const validateCreate = (body: unknown): LocalResponse | undefined => {
    const detail: Array<{ loc: (string | number)[]; msg: string; type: string }> = [];
    const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    for (const field of ['client_id', 'amount', 'due_date', 'line_items'])
      if (b[field] === undefined)
        detail.push({ loc: ['body', field], msg: 'Field required', type: 'missing' });
    if (b.amount !== undefined && !Number.isFinite(Number(b.amount)))
      detail.push({
        loc: ['body', 'amount'],
        msg: 'Input should be a valid number',
        type: 'float_parsing',
      });
    return detail.length > 0 ? json(422, { detail }) : undefined;
  };

  const route = (request: RecordedRequest): LocalResponse => {
    const url = new URL(request.url, 'http://zeroinvoice.local');
    const path = url.pathname;
    if (request.method === 'POST' && path === '/api/auth/token') {
      const form = request.form;
      if (form?.get('username') === username && form.get('password') === password)
        return json(200, { access_token: issueToken(), token_type: 'bearer' });
      return json(
        401,
        { detail: 'Incorrect username or password' },
        { 'www-authenticate': 'Bearer' },
      );
    }
    // FastAPI's redirect_slashes: the collection declared as `/x/` answers `/x` with a 307.
    if (path === '/api/clients' || path === '/api/invoices')
      return { status: 307, headers: { location: `${path}/${url.search}` } };
    const bearer = /^Bearer (.+)$/.exec(String(request.headers.authorization ?? ''))?.[1];
    if (!bearer || !tokens.has(bearer)) return notAuthenticated();

    if (request.method === 'GET' && (path === '/api/clients/' || path === '/api/invoices/')) {
      const skip = intParam(url.searchParams, 'skip', 0, Number.MAX_SAFE_INTEGER);
      const limit = intParam(url.searchParams, 'limit', 100, 1000);
      if (typeof skip !== 'number') return skip;
      if (typeof limit !== 'number') return limit;
      if (path === '/api/clients/') return json(200, state.clients.slice(skip, skip + limit));
      const since = url.searchParams.get('updated_since');
      if (since !== null && Number.isNaN(Date.parse(since)))
        return json(422, {
          detail: [
            {
              loc: ['query', 'updated_since'],
              msg: 'Input should be a valid datetime',
              type: 'datetime_parsing',
            },
          ],
        });
      const start = (since === null ? 0 : firstAtOrAfter(since)) + skip;
      return json(200, state.invoices.slice(start, start + limit));
    }
    if (request.method === 'POST' && path === '/api/invoices/') {
      const invalid = validateCreate(request.json);
      if (invalid) return invalid;
      const body = request.json as Omit<ServerInvoice, 'id' | 'created_at' | 'updated_at'>;
      const created = api.add({
        user_id: 'user_1',
        status: 'draft',
        currency: 'USD',
        tags: [],
        ...body,
        id: `inv_${randomBytes(6).toString('hex')}`,
      });
      return json(201, created);
    }
    const item = /^\/api\/invoices\/([^/]+)(\/?)$/.exec(path);
    if (request.method === 'GET' && item) {
      const slashed = item[2] === '/';
      if (options.itemTrailingSlash && !slashed)
        return { status: 307, headers: { location: `${path}/${url.search}` } };
      if (!options.itemTrailingSlash && slashed) return json(404, { detail: 'Not Found' });
      const id = decodeURIComponent(item[1] as string);
      const found = state.invoices.find((i) => i.id === id);
      return found ? json(200, found) : json(404, { detail: 'Invoice not found' });
    }
    return json(404, { detail: 'Not Found' });
  };

  const server = await startLocalServer((request) => {
    const fault = faults.find((f) => f.times > 0 && f.match(request));
    if (fault) {
      fault.times--;
      return fault.response;
    }
    return route(request);
  });

  const api: ZeroInvoiceServer = {
    url: server.url,
    requests: server.requests,
    username,
    password,
    get clients() {
      return state.clients;
    },
    get invoices() {
      return state.invoices;
    },
    expireTokens: () => tokens.clear(),
    issueToken,
    update: (id, change) => {
      const index = state.invoices.findIndex((i) => i.id === id);
      if (index < 0) throw new Error(`no invoice ${id}`);
      const [old] = state.invoices.splice(index, 1) as [ServerInvoice];
      const updated = { ...old, ...change, updated_at: nextInstant() };
      insertSorted(updated);
      return updated;
    },
    add: (invoice) => {
      const now = nextInstant();
      const full = {
        ...invoice,
        created_at: now,
        updated_at: invoice.updated_at ?? now,
      } as ServerInvoice;
      insertSorted(full);
      return full;
    },
    fail: (match, response, times = 1) => {
      faults.push({ match, response, times });
    },
    generate: ({
      invoices,
      itemsPerInvoice = 4,
      clients = Math.max(1, Math.ceil(invoices / 10)),
    }) => {
      const created = nextInstant();
      state.clients = Array.from({ length: clients }, (_, i) => ({
        id: `cli_${String(i).padStart(6, '0')}`,
        name: `Client ${i}`,
        email: `client${i}@example.com`,
        created_at: created,
        user_id: 'user_1',
      }));
      const statuses = ['sent', 'paid', 'overdue', 'draft', 'partial', 'cancelled'];
      state.invoices = new Array(invoices);
      for (let n = 0; n < invoices; n++) {
        const items = [];
        let total = 0;
        for (let k = 0; k < itemsPerInvoice; k++) {
          const unit = 100 + ((n * 31 + k * 17) % 20_000);
          const quantity = 1 + ((n + k) % 3);
          total += unit * quantity;
          items.push({
            description: `Service ${k} for job ${n}`,
            quantity,
            unit_price: unit / 100,
            amount: (unit * quantity) / 100,
          });
        }
        const stamp = new Date(++clock).toISOString();
        state.invoices[n] = {
          id: `inv_20260101_${String(n).padStart(7, '0')}`,
          client_id: `cli_${String(n % clients).padStart(6, '0')}`,
          user_id: 'user_1',
          status: statuses[n % statuses.length] as string,
          amount: total / 100,
          currency: 'USD',
          due_date: `2026-${String(1 + (n % 12)).padStart(2, '0')}-${String(1 + (n % 28)).padStart(2, '0')}`,
          line_items: JSON.stringify(items),
          tags: n % 5 === 0 ? ['monthly'] : [],
          created_at: stamp,
          updated_at: stamp,
        };
      }
    },
    close: () => server.close(),
  };
  return api;
}
