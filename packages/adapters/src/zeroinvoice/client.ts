/**
 * A small REST client for the ZeroInvoice API (FastAPI): login, bearer auth with one
 * re-login on 401, trailing-slash collection paths, typed errors. There is no official SDK.
 */
import type { GreenTrackError } from '@greentrack/core';
import type { z } from 'zod';
import { httpError, networkError, responseInvalid } from './errors.js';
import {
  type InvoiceCreate,
  tokenResponseSchema,
  type WireClient,
  type WireInvoice,
  wireClientSchema,
  wireInvoiceSchema,
} from './wire.js';

/** How the client authenticates: a login (OAuth2 password flow) or a token you hold. */
export type ZeroInvoiceCredentials =
  | { username: string; password: string }
  | {
      /** A bearer JWT. It cannot be renewed: a 401 fails with `ZEROINVOICE_UNAUTHORIZED`. */
      token: string;
    };

/** Options of {@link createZeroInvoiceClient}. */
export interface ZeroInvoiceClientOptions {
  /** Where the API is served, without the prefix. @example 'https://invoices.shop.example' */
  baseUrl: string;
  /** The API's path prefix. @default '/api' */
  apiPrefix?: string;
  /** The OAuth2 token endpoint below the prefix. @default '/auth/token' */
  tokenPath?: string;
  credentials: ZeroInvoiceCredentials;
  /** The `fetch` to use (a proxy agent, a test double of the network). @default globalThis.fetch */
  fetch?: typeof fetch;
  /** Per-request timeout. @default 30000 */
  timeoutMs?: number;
}

/** Paging of a collection: FastAPI's usual `skip` / `limit`. */
export interface PageOptions {
  /** @default 0 */
  skip?: number;
  /** @default 100 */
  limit?: number;
  signal?: AbortSignal;
}

/** The invoice feed's options: a page of invoices changed at or after `updatedSince`. */
export interface InvoiceListOptions extends PageOptions {
  /**
   * ISO timestamp: only invoices whose `updated_at` is at or after it, ordered by
   * `(updated_at, id)`. Omitted: every invoice, in the same order.
   */
  updatedSince?: string;
}

/** The operations of the ZeroInvoice API GreenTrack uses. */
export interface ZeroInvoiceClient {
  /** `GET /api/clients/`. */
  listClients(options?: PageOptions): Promise<WireClient[]>;
  /** `GET /api/invoices/`, ordered by `(updated_at, id)`. */
  listInvoices(options?: InvoiceListOptions): Promise<WireInvoice[]>;
  /** `GET /api/invoices/{id}`. @throws `ZEROINVOICE_NOT_FOUND` */
  getInvoice(id: string, options?: { signal?: AbortSignal }): Promise<WireInvoice>;
  /** `POST /api/invoices/`. @throws `ZEROINVOICE_VALIDATION_FAILED` with `details.issues` */
  createInvoice(input: InvoiceCreate, options?: { signal?: AbortSignal }): Promise<WireInvoice>;
}

const DEFAULT_PREFIX = '/api';
const DEFAULT_TOKEN_PATH = '/auth/token';
const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_PAGE_SIZE = 100;
/** FastAPI redirects once (slash added or removed); more means a loop. */
const MAX_REDIRECTS = 3;

interface RequestSpec {
  what: string;
  method: 'GET' | 'POST';
  path: string;
  query?: Record<string, string | number | undefined>;
  json?: unknown;
  signal?: AbortSignal | undefined;
}

/**
 * A client for one ZeroInvoice account.
 * @example
 * const client = createZeroInvoiceClient({
 *   baseUrl: 'https://invoices.shop.example',
 *   credentials: { username: 'owner@shop.example', password },
 * });
 * const invoices = await client.listInvoices({ limit: 50 });
 */
export function createZeroInvoiceClient(options: ZeroInvoiceClientOptions): ZeroInvoiceClient {
  const doFetch = options.fetch ?? globalThis.fetch;
  const root = `${options.baseUrl.replace(/\/+$/, '')}${options.apiPrefix ?? DEFAULT_PREFIX}`;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const { credentials } = options;
  let token: string | undefined = 'token' in credentials ? credentials.token : undefined;
  /** One login in flight, shared by concurrent requests. */
  let loggingIn: Promise<string> | undefined;

  const signalFor = (signal: AbortSignal | undefined) =>
    signal
      ? AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)])
      : AbortSignal.timeout(timeoutMs);

  /** One HTTP exchange, following 307/308 with the same method and body. */
  const exchange = async (
    what: string,
    url: URL,
    init: RequestInit,
    signal: AbortSignal | undefined,
  ): Promise<Response> => {
    let target = url;
    for (let hop = 0; ; hop++) {
      let response: Response;
      try {
        response = await doFetch(target, {
          ...init,
          redirect: 'manual',
          signal: signalFor(signal),
        });
      } catch (error) {
        throw networkError(what, error);
      }
      const location = response.headers.get('location');
      if ((response.status !== 307 && response.status !== 308) || !location) return response;
      await response.body?.cancel();
      if (hop >= MAX_REDIRECTS) throw networkError(what, new Error('too many redirects'));
      const next = new URL(location, target);
      // The bearer token goes to ZeroInvoice's own origin only.
      if (next.origin !== target.origin) {
        const headers = new Headers(init.headers);
        headers.delete('authorization');
        init = { ...init, headers };
      }
      target = next;
    }
  };

  const login = async (): Promise<string> => {
    if (!('username' in credentials)) throw new Error('unreachable: a token cannot log in');
    const response = await exchange(
      'login',
      new URL(`${root}${options.tokenPath ?? DEFAULT_TOKEN_PATH}`),
      {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body: new URLSearchParams({
          grant_type: 'password',
          username: credentials.username,
          password: credentials.password,
        }).toString(),
      },
      undefined,
    );
    const text = await response.text();
    if (!response.ok) throw httpError('login', response.status, text, response.headers);
    return parse('login', tokenResponseSchema, text).access_token;
  };

  const freshToken = (): Promise<string> => {
    loggingIn ??= login().finally(() => {
      loggingIn = undefined;
    });
    return loggingIn;
  };

  const request = async (spec: RequestSpec): Promise<string> => {
    const url = new URL(`${root}${spec.path}`);
    for (const [key, value] of Object.entries(spec.query ?? {}))
      if (value !== undefined) url.searchParams.set(key, String(value));
    const send = async (bearer: string): Promise<Response> =>
      exchange(
        spec.what,
        url,
        {
          method: spec.method,
          headers: {
            accept: 'application/json',
            authorization: `Bearer ${bearer}`,
            ...(spec.json === undefined ? {} : { 'content-type': 'application/json' }),
          },
          ...(spec.json === undefined ? {} : { body: JSON.stringify(spec.json) }),
        },
        spec.signal,
      );
    token ??= await freshToken();
    const used = token;
    let response = await send(used);
    // An expired JWT: log in again once (only a login can renew it) and retry the request.
    if (response.status === 401 && 'username' in credentials) {
      await response.body?.cancel();
      // Another request may have renewed it meanwhile.
      if (token === used) token = await freshToken();
      response = await send(token);
    }
    const text = await response.text();
    if (!response.ok) throw httpError(spec.what, response.status, text, response.headers);
    return text;
  };

  const page = (options: PageOptions = {}) => ({
    skip: options.skip ?? 0,
    limit: options.limit ?? DEFAULT_PAGE_SIZE,
  });

  return {
    listClients: async (opts) =>
      parseList(
        'client list',
        wireClientSchema,
        await request({
          what: 'client list',
          method: 'GET',
          // Collections end in a slash: FastAPI answers the bare path with a 307.
          path: '/clients/',
          query: page(opts),
          signal: opts?.signal,
        }),
      ),
    listInvoices: async (opts) =>
      parseList(
        'invoice list',
        wireInvoiceSchema,
        await request({
          what: 'invoice list',
          method: 'GET',
          path: '/invoices/',
          query: { ...page(opts), updated_since: opts?.updatedSince, order_by: 'updated_at' },
          signal: opts?.signal,
        }),
      ),
    getInvoice: async (id, opts) =>
      parse(
        'invoice',
        wireInvoiceSchema,
        await request({
          what: 'invoice',
          method: 'GET',
          path: `/invoices/${encodeURIComponent(id)}`,
          signal: opts?.signal,
        }),
      ),
    createInvoice: async (input, opts) =>
      parse(
        'invoice creation',
        wireInvoiceSchema,
        await request({
          what: 'invoice creation',
          method: 'POST',
          path: '/invoices/',
          json: input,
          signal: opts?.signal,
        }),
      ),
  };
}

function parseJson(what: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw responseInvalid(what, '', error);
  }
}

function parse<S extends z.ZodType>(what: string, schema: S, text: string): z.output<S> {
  const result = schema.safeParse(parseJson(what, text));
  if (!result.success) throw invalidAt(what, result.error.issues[0]?.path ?? []);
  return result.data;
}

function parseList<S extends z.ZodType>(what: string, schema: S, text: string): z.output<S>[] {
  const body = parseJson(what, text);
  // A bare array (FastAPI's `List[...]`), or a page object `{ items: [...] }`.
  const items = Array.isArray(body)
    ? body
    : typeof body === 'object' &&
        body !== null &&
        Array.isArray((body as { items?: unknown }).items)
      ? (body as { items: unknown[] }).items
      : undefined;
  if (!items) throw responseInvalid(what, '');
  return items.map((item, index) => {
    const result = schema.safeParse(item);
    if (!result.success) throw invalidAt(what, [index, ...(result.error.issues[0]?.path ?? [])]);
    return result.data;
  });
}

function invalidAt(what: string, path: readonly PropertyKey[]): GreenTrackError {
  return responseInvalid(what, path.map(String).join('.'));
}
