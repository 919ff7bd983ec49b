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
  channelSchema,
  consentPolicySchema,
  consentPolicyUpdateSchema,
  consentSetBodySchema,
  customerConsentSchema,
} from '../consent/schema.js';
import type {
  customerCreateSchema,
  customerListQuerySchema,
  customerOutSchema,
  customerPageSchema,
  customerUpdateSchema,
} from '../customers/schema.js';
import type { Jsonified } from '../http/json.js';
import type { CustomerField, importResultSchema } from '../imports/schema.js';
import type {
  integrationAccountCreateSchema,
  integrationAccountListOutSchema,
  integrationAccountOutSchema,
  integrationAccountQuerySchema,
  integrationAccountUpdateSchema,
} from '../integrations/schema.js';
import type { CustomerExport as CustomerExportDocument, EraseResult } from '../privacy/service.js';
import type { Rule } from '../segments/rule-schema.js';
import type {
  segmentCreateSchema,
  segmentDraftSchema,
  segmentOutSchema,
  segmentPreviewOutSchema,
  segmentUpdateSchema,
} from '../segments/schema.js';
import type {
  MembershipCreateBody,
  MembershipListSchema,
  MembershipSchema,
  MembershipUpdateBody,
  MeSchema,
  OrganizationSchema,
  OrganizationUpdateBody,
} from '../tenancy/http-schemas.js';
import type { TimelineType, timelinePageSchema } from '../timeline/schema.js';

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
/** A segment; `rule` is the stored rule tree. */
export type Segment = Omit<z.output<typeof segmentOutSchema>, 'rule'> & { rule: Rule | null };
export type SegmentCreate = Omit<z.input<typeof segmentCreateSchema>, 'rule'> & { rule?: Rule };
export type SegmentUpdate = Omit<z.input<typeof segmentUpdateSchema>, 'rule'> & {
  rule?: Rule | null;
};
export type SegmentDraft = Omit<z.input<typeof segmentDraftSchema>, 'rule'> & { rule?: Rule };
export type SegmentPreview = z.output<typeof segmentPreviewOutSchema>;
export type { Rule };
export type Channel = z.output<typeof channelSchema>;
export type CustomerConsent = z.output<typeof customerConsentSchema>;
export type ConsentSet = z.input<typeof consentSetBodySchema>;
export type ConsentPolicy = z.output<typeof consentPolicySchema>;
export type ConsentPolicyUpdate = z.input<typeof consentPolicyUpdateSchema>;
export type TimelinePage = z.output<typeof timelinePageSchema>;
export type TimelineItem = TimelinePage['items'][number];
export type { TimelineType };
/** The export download: every table's rows as stored, timestamps as ISO strings. */
export type CustomerExport = Jsonified<CustomerExportDocument>;
/** What an erase did, in row counts per table. */
export type CustomerEraseResult = Jsonified<EraseResult>;

/** Query of `customers.timeline`. */
export interface TimelineQuery {
  /** The previous page's `nextCursor`. */
  cursor?: string;
  /** 1–200. @default 50 */
  limit?: number;
  /** Only these kinds. @default all */
  types?: TimelineType[];
}

/** What `customers.import` did: counts, per-row errors (capped at 1000), column mapping. */
export type CustomerImportResult = z.output<typeof importResultSchema>;
export type { CustomerField };

/** Options of `customers.import` (sent in the query string). */
export interface CustomerImportOptions {
  /** CSV header → field (`null` ignores a column); other headers are recognized by name. */
  mapping?: Record<string, CustomerField | null>;
  /** Tags added to every row. */
  tags?: string[];
  /** Type of created customers without one. @default 'customer' */
  defaultType?: 'customer' | 'lead';
  /** Country for national phone formats and new customers without one. @default 'US' */
  defaultCountry?: string;
}

/** A request body sent as is rather than as JSON (a CSV upload). */
const rawBody = Symbol('rawBody');
interface RawBody {
  [rawBody]: true;
  data: Blob | string;
  type: string;
}
const isRawBody = (body: unknown): body is RawBody =>
  typeof body === 'object' && body !== null && rawBody in body;

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
    if (body !== undefined)
      headers['content-type'] = isRawBody(body) ? body.type : 'application/json';
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value !== undefined && value !== null) search.set(key, String(value));
    }
    const qs = search.toString();
    const response = await doFetch(`${base}${path}${qs ? `?${qs}` : ''}`, {
      method,
      headers,
      credentials: options.credentials ?? 'same-origin',
      ...(body === undefined ? {} : { body: isRawBody(body) ? body.data : JSON.stringify(body) }),
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
      /**
       * Imports a CSV (admin+), sent as `text/csv`: a `File` from `<input type="file">`
       * streams from disk. Upserts by email, then phone; bad rows come back in `errors`.
       */
      import: (csv: Blob | string, options: CustomerImportOptions = {}) =>
        request<CustomerImportResult>(
          'POST',
          '/customers/import',
          { [rawBody]: true, data: csv, type: 'text/csv' } satisfies RawBody,
          {
            mapping: options.mapping ? JSON.stringify(options.mapping) : undefined,
            tags: options.tags?.join(','),
            default_type: options.defaultType,
            default_country: options.defaultCountry,
          },
        ),
      /** One customer's history, newest first. */
      timeline: (id: string, query: TimelineQuery = {}) =>
        request<TimelinePage>('GET', `/customers/${encodeURIComponent(id)}/timeline`, undefined, {
          ...query,
          types: query.types?.join(','),
        }),
      /** Everything held about the customer (admin+). */
      export: (id: string) =>
        request<CustomerExport>('GET', `/customers/${encodeURIComponent(id)}/export`),
      /** Erase the customer and its history; irreversible (admin+). */
      erase: (id: string) =>
        request<CustomerEraseResult>('POST', `/customers/${encodeURIComponent(id)}/erase`),
    },
    consent: {
      get: (customerId: string) =>
        request<CustomerConsent>('GET', `/customers/${encodeURIComponent(customerId)}/consent`),
      set: (customerId: string, channel: Channel, input: ConsentSet) =>
        request<CustomerConsent>(
          'PUT',
          `/customers/${encodeURIComponent(customerId)}/consent/${encodeURIComponent(channel)}`,
          input,
        ),
      policy: {
        get: () => request<ConsentPolicy>('GET', '/settings/consent-policy'),
        set: (input: ConsentPolicyUpdate) =>
          request<ConsentPolicy>('PUT', '/settings/consent-policy', input),
      },
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
    segments: {
      list: () => request<{ items: Segment[] }>('GET', '/segments'),
      get: (id: string) => request<Segment>('GET', `/segments/${encodeURIComponent(id)}`),
      create: (input: SegmentCreate) => request<Segment>('POST', '/segments', input),
      update: (id: string, input: SegmentUpdate) =>
        request<Segment>('PATCH', `/segments/${encodeURIComponent(id)}`, input),
      remove: (id: string) => request<void>('DELETE', `/segments/${encodeURIComponent(id)}`),
      /** Exact member count and a sample with reasons. */
      preview: (id: string, query: { sampleSize?: number } = {}) =>
        request<SegmentPreview>(
          'GET',
          `/segments/${encodeURIComponent(id)}/preview`,
          undefined,
          query,
        ),
      /** The same for an unsaved draft (the segment builder's live count). */
      previewDraft: (draft: SegmentDraft) =>
        request<SegmentPreview>('POST', '/segments/preview', draft),
    },
  };
}

/** The client `createClient` returns. */
export type GreenTrackClient = ReturnType<typeof createClient>;
