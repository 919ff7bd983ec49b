/**
 * `@greentrack/core/client`: a typed client for the GreenTrack HTTP API, for browsers
 * (widgets) and any runtime with `fetch`. It has no runtime dependencies and never imports
 * Node modules: request and response types come from the server's own zod schemas through
 * type-only imports, so they cannot drift from what the server validates.
 *
 * @example
 * const api = createClient({ baseUrl: '/api/greentrack', token: () => currentToken });
 * const { items } = await api.memberships.list();
 */
import type { z } from 'zod';
import type { AuditPageSchema } from '../audit/http-schemas.js';
import type {
  customerCreateSchema,
  customerListQuerySchema,
  customerOutSchema,
  customerPageSchema,
  customerUpdateSchema,
} from '../customers/schema.js';
import type {
  integrationAccountCreateSchema,
  integrationAccountListOutSchema,
  integrationAccountOutSchema,
  integrationAccountQuerySchema,
  integrationAccountUpdateSchema,
} from '../integrations/schema.js';
import type {
  MembershipCreateBody,
  MembershipListSchema,
  MembershipSchema,
  MembershipUpdateBody,
  MeSchema,
  OrganizationSchema,
  OrganizationUpdateBody,
} from '../tenancy/http-schemas.js';

export type Me = z.output<typeof MeSchema>;
export type Organization = z.output<typeof OrganizationSchema>;
export type Membership = z.output<typeof MembershipSchema>;
export type MembershipList = z.output<typeof MembershipListSchema>;
export type AuditPage = z.output<typeof AuditPageSchema>;
export type OrganizationUpdate = z.input<typeof OrganizationUpdateBody>;
export type MembershipCreate = z.input<typeof MembershipCreateBody>;
export type MembershipUpdate = z.input<typeof MembershipUpdateBody>;
export type Customer = z.output<typeof customerOutSchema>;
export type CustomerPage = z.output<typeof customerPageSchema>;
export type CustomerCreate = z.input<typeof customerCreateSchema>;
export type CustomerUpdate = z.input<typeof customerUpdateSchema>;
export type CustomerListQuery = z.input<typeof customerListQuerySchema>;
export type IntegrationAccount = z.output<typeof integrationAccountOutSchema>;
export type IntegrationAccountList = z.output<typeof integrationAccountListOutSchema>;
export type IntegrationAccountCreate = z.input<typeof integrationAccountCreateSchema>;
export type IntegrationAccountUpdate = z.input<typeof integrationAccountUpdateSchema>;
export type IntegrationAccountQuery = z.input<typeof integrationAccountQuerySchema>;

/** Query of `auditLog.list`. */
export interface AuditLogQuery {
  entity?: string;
  entity_id?: string;
  actor_id?: string;
  action?: string;
  /** ISO 8601, inclusive. */
  from?: string;
  /** ISO 8601, exclusive. */
  to?: string;
  limit?: number;
  cursor?: string;
}

/** A failed API call: the server's `{ error: { code, message, details } }` plus the status. */
export class GreenTrackApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: Record<string, unknown> | undefined;
  constructor(
    status: number,
    body: { code: string; message: string; details?: Record<string, unknown> },
  ) {
    super(body.message);
    this.name = 'GreenTrackApiError';
    this.status = status;
    this.code = body.code;
    this.details = body.details;
  }
}

export interface ClientOptions {
  /** Where the API is mounted, e.g. `https://shop.example/api/greentrack` or `/api/greentrack`. */
  baseUrl: string;
  /** A widget token, or a function returning the current one (called per request). */
  token?: string | (() => string | undefined | Promise<string | undefined>);
  /** Send cookies cross-origin (host session auth). @default 'same-origin' */
  credentials?: 'omit' | 'same-origin' | 'include';
  /** A `fetch` to use instead of the global one (tests, SSR). */
  fetch?: typeof fetch;
}

/** Creates a client. Every method rejects with `GreenTrackApiError` on a non-2xx answer. */
export function createClient(options: ClientOptions) {
  const base = options.baseUrl.replace(/\/+$/, '');
  const doFetch = options.fetch ?? ((...args: Parameters<typeof fetch>) => fetch(...args));

  async function request<T>(
    method: string,
    path: string,
    body?: unknown,
    query?: object,
  ): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    const token = typeof options.token === 'function' ? await options.token() : options.token;
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value !== undefined && value !== null) search.set(key, String(value));
    }
    const qs = search.toString();
    const response = await doFetch(`${base}${path}${qs ? `?${qs}` : ''}`, {
      method,
      headers,
      credentials: options.credentials ?? 'same-origin',
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    const parsed: unknown = text ? JSON.parse(text) : undefined;
    if (!response.ok) {
      const error = (
        parsed as
          | { error?: { code: string; message: string; details?: Record<string, unknown> } }
          | undefined
      )?.error;
      throw new GreenTrackApiError(
        response.status,
        error ?? { code: 'HTTP_ERROR', message: `HTTP ${response.status}` },
      );
    }
    return parsed as T;
  }

  return {
    /** The calling user, their role here and all their organizations. */
    me: () => request<Me>('GET', '/me'),
    organization: {
      get: () => request<Organization>('GET', '/organization'),
      update: (input: OrganizationUpdate) => request<Organization>('PATCH', '/organization', input),
    },
    memberships: {
      list: () => request<MembershipList>('GET', '/memberships'),
      add: (input: MembershipCreate) => request<Membership>('POST', '/memberships', input),
      updateRole: (id: string, input: MembershipUpdate) =>
        request<Membership>('PATCH', `/memberships/${encodeURIComponent(id)}`, input),
      remove: (id: string) => request<void>('DELETE', `/memberships/${encodeURIComponent(id)}`),
    },
    auditLog: {
      list: (query: AuditLogQuery = {}) =>
        request<AuditPage>('GET', '/audit-log', undefined, query),
    },
    customers: {
      list: (query: CustomerListQuery = {}) =>
        request<CustomerPage>('GET', '/customers', undefined, query),
      get: (id: string) => request<Customer>('GET', `/customers/${encodeURIComponent(id)}`),
      create: (input: CustomerCreate) => request<Customer>('POST', '/customers', input),
      update: (id: string, input: CustomerUpdate) =>
        request<Customer>('PATCH', `/customers/${encodeURIComponent(id)}`, input),
      remove: (id: string) => request<void>('DELETE', `/customers/${encodeURIComponent(id)}`),
    },
    integrations: {
      list: (query: IntegrationAccountQuery = {}) =>
        request<IntegrationAccountList>('GET', '/integrations', undefined, query),
      get: (id: string) =>
        request<IntegrationAccount>('GET', `/integrations/${encodeURIComponent(id)}`),
      create: (input: IntegrationAccountCreate) =>
        request<IntegrationAccount>('POST', '/integrations', input),
      update: (id: string, input: IntegrationAccountUpdate) =>
        request<IntegrationAccount>('PATCH', `/integrations/${encodeURIComponent(id)}`, input),
      remove: (id: string) => request<void>('DELETE', `/integrations/${encodeURIComponent(id)}`),
    },
  };
}

/** The client `createClient` returns. */
export type GreenTrackClient = ReturnType<typeof createClient>;
