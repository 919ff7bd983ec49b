/**
 * `@greentrack/core/client`: a typed client for the GreenTrack HTTP API, for browsers
 * (widgets) and any runtime with `fetch`. It has no runtime dependencies and never imports
 * Node modules. Every call is typed from `api-types.ts`, which is generated from the OpenAPI
 * document the route schemas produce: a path, parameter, body or answer that drifts from a
 * route is a compile error, and `contract.test.ts` walks every method against the document.
 *
 * @example
 * const api = createClient({ baseUrl: '/api/greentrack', token: () => currentToken });
 * const { items } = await api.memberships.list();
 */
import type { Rule } from '../segments/rule-schema.js';
import type { components, paths } from './api-types.js';

export {
  createEventTracker,
  type EventTracker,
  type EventTrackerOptions,
  type TrackerEnvironment,
  type TrackIdentity,
} from './event-tracker.js';

// ---- Typing a call from the generated document -------------------------------------------

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
/** The paths that have an operation for `M`. */
type PathOf<M extends Method> = {
  [P in keyof paths]: paths[P][M] extends undefined | never ? never : P;
}[keyof paths];
type Operation<P extends keyof paths, M extends Method> = NonNullable<paths[P][M]>;
type ParametersOf<O> = O extends { parameters: infer X } ? X : never;
type PathParams<O> = ParametersOf<O> extends { path: infer A } ? A : never;
type QueryParams<O> = ParametersOf<O> extends { query?: infer Q } ? Q : never;
type JsonBody<O> = O extends { requestBody?: infer R }
  ? [NonNullable<R>] extends [never]
    ? never
    : NonNullable<R> extends { content: { 'application/json': infer B } }
      ? B
      : never
  : never;
type Responses<O> = O extends { responses: infer R } ? R : never;
type SuccessStatus = 200 | 201 | 204;
/** What a successful call answers: the JSON body of its 2xx response, or nothing for 204. */
type Success<O> = Responses<O>[Extract<keyof Responses<O>, SuccessStatus>] extends infer R
  ? R extends { content: { 'application/json': infer B } }
    ? B
    : undefined
  : never;

/** The JSON body of `M path`'s success response, e.g. `Answer<'get', '/customers/{id}'>`. */
type Answer<M extends Method, P extends PathOf<M>> = Success<Operation<P, M>>;
/** The JSON request body of `M path`. */
type Body<M extends Method, P extends PathOf<M>> = JsonBody<Operation<P, M>>;
/** The query parameters of `M path`. */
type Query<M extends Method, P extends PathOf<M>> = NonNullable<QueryParams<Operation<P, M>>>;

// ---- Named types, all from the document (the rule tree from its zod type, which the
// document only describes as "any JSON") ----------------------------------------------------

type Schemas = components['schemas'];
export type Me = Schemas['Me'];
export type Organization = Schemas['Organization'];
export type Membership = Schemas['Membership'];
export type MembershipList = Schemas['MembershipList'];
export type AuditPage = Schemas['AuditPage'];
export type OrganizationUpdate = Schemas['OrganizationUpdate'];
export type MembershipCreate = Schemas['MembershipCreate'];
export type MembershipUpdate = Schemas['MembershipUpdate'];
export type Customer = Schemas['Customer'];
export type CustomerPage = Schemas['CustomerPage'];
export type CustomerCreate = Schemas['CustomerCreate'];
export type CustomerUpdate = Schemas['CustomerUpdate'];
export type CustomerListQuery = Query<'get', '/customers'>;
export type Tag = Schemas['Tag'];
export type TagList = Schemas['TagList'];
export type IntegrationAccount = Schemas['IntegrationAccount'];
export type IntegrationAccountList = Schemas['IntegrationAccountList'];
export type IntegrationAccountCreate = Body<'post', '/integrations'>;
export type IntegrationAccountUpdate = Body<'patch', '/integrations/{id}'>;
export type IntegrationAccountQuery = Query<'get', '/integrations'>;
/** A segment; `rule` is the stored rule tree. */
export type Segment = Omit<Answer<'get', '/segments/{id}'>, 'rule'> & { rule: Rule | null };
export type SegmentCreate = Omit<Body<'post', '/segments'>, 'rule'> & { rule?: Rule };
export type SegmentUpdate = Omit<Body<'patch', '/segments/{id}'>, 'rule'> & {
  rule?: Rule | null;
};
export type SegmentDraft = Omit<Body<'post', '/segments/preview'>, 'rule'> & { rule?: Rule };
export type SegmentPreview = Answer<'post', '/segments/preview'>;
export type { Rule };
export type Campaign = Schemas['Campaign'];
export type CampaignCreate = Schemas['CampaignCreate'];
export type CampaignUpdate = Schemas['CampaignUpdate'];
export type UnknownOutcomeResolution = Schemas['UnknownOutcomeResolution'];
export type CampaignSchedule = Schemas['CampaignSchedule'];
export type CampaignRun = Schemas['CampaignRun'];
export type AudienceMember = Schemas['AudienceMember'];
export type CampaignTest = Schemas['CampaignTest'];
export type InvoiceSend = Schemas['InvoiceSend'];
export type InvoiceSendResult = Schemas['InvoiceSendResult'];
export type CampaignTestResult = Schemas['CampaignTestResult'];
export type CampaignMessage = Schemas['CampaignMessage'];
export type CampaignMessageEvent = Schemas['CampaignMessageEvent'];
export type Template = Schemas['Template'];
export type TemplateList = Schemas['TemplateList'];
export type TemplateCreate = Schemas['TemplateCreate'];
export type TemplateUpdate = Schemas['TemplateUpdate'];
export type TemplatePreviewRequest = Schemas['TemplatePreviewRequest'];
export type TemplateDraftPreviewRequest = Schemas['TemplateDraftPreviewRequest'];
export type TemplateSearch = Schemas['TemplateSearch'];
export type TemplateMatch = Schemas['TemplateMatch'];
/** A rendered email (`subject`, `html`, `text`) or SMS (`text`, `encoding`, `segments`, `characters`). */
export type RenderedTemplate = Schemas['RenderedTemplate'];
export type TemplateListQuery = Query<'get', '/templates'>;
export type Channel = 'email' | 'sms';
export type CustomerConsent = Schemas['CustomerConsent'];
export type ConsentSet = Schemas['ConsentSet'];
export type ConsentPolicy = Schemas['ConsentPolicy'];
export type ConsentPolicyUpdate = Schemas['ConsentPolicyUpdate'];
export type SendingSettings = Schemas['SendingSettings'];
export type SendingSettingsUpdate = Schemas['SendingSettingsUpdate'];
export type SmsKeywordSettings = Schemas['SmsKeywordSettings'];
export type SmsKeywordSettingsUpdate = Schemas['SmsKeywordSettingsUpdate'];
export type TimelinePage = Schemas['TimelinePage'];
export type TimelineItem = TimelinePage['items'][number];
export type TimelineType = TimelineItem['type'];
/** The export download: every table's rows as stored, timestamps as ISO strings. */
export type CustomerExport = Schemas['CustomerExport'];
/** What an erase did, in row counts per table. */
export type CustomerEraseResult = Schemas['EraseResult'];
/** What `customers.import` did: counts, per-row errors (capped at 1000), column mapping. */
export type CustomerImportResult = Schemas['CustomerImportResult'];
/** A customer field a CSV column can map to. */
export type CustomerField = CustomerImportResult['columns'][string];

/** Query of `customers.timeline`. */
export interface TimelineQuery {
  /** The previous page's `nextCursor`. */
  cursor?: string;
  /** 1–200. @default 50 */
  limit?: number;
  /** Only these kinds. @default all */
  types?: TimelineType[];
}

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

export type Invoice = Schemas['Invoice'];
export type InvoicePage = Schemas['InvoicePage'];
/** An invoice with its line items. */
export type InvoiceWithItems = Schemas['InvoiceWithItems'];
/** Amounts due by age, per currency, for the organization and per customer. */
export type InvoiceAging = Schemas['InvoiceAging'];
export type InvoiceListQuery = Query<'get', '/invoices'>;
export type Payment = Schemas['Payment'];
export type PaymentPage = Schemas['PaymentPage'];
export type PaymentListQuery = Query<'get', '/payments'>;
export type ManualPayment = Body<'post', '/invoices/{id}/payments'>;
/** What recording a payment did, with the invoice's amount due after it. */
export type RecordedPayment = Schemas['RecordedPayment'];

/** One analytics event as `events.track` sends it. */
export type TrackEvent = Schemas['TrackEvent'];
/** What recording a batch did: the new ids in the order sent, and how many were linked. */
export type TrackedEvents = Schemas['TrackedEvents'];
export type AnalyticsEvent = Schemas['Event'];
export type EventPage = Schemas['EventPage'];
export type EventListQuery = Query<'get', '/events'>;

/** A campaign's KPIs in total and per run, with `asOf` (the views' last refresh). */
export type CampaignKpis = Schemas['CampaignKpis'];
export type KpiSeries = Schemas['KpiSeries'];
export type TopCampaigns = Schemas['TopCampaigns'];
export type KpiFunnel = Schemas['KpiFunnel'];
export type KpiSeriesQuery = Query<'get', '/kpis/series'>;
export type TopCampaignsQuery = Query<'get', '/kpis/top-campaigns'>;

/** Query of `auditLog.list`. */
export type AuditLogQuery = Query<'get', '/audit-log'>;

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

/**
 * The client's one call, bound to `options`; `createClient` and the API groups below are
 * built on it. A bundle that needs only a few groups (the widgets) composes its own client
 * from `createRequest` and those groups, so the others are tree-shaken away.
 */
export function createRequest(options: ClientOptions) {
  const base = options.baseUrl.replace(/\/+$/, '');
  const doFetch = options.fetch ?? ((...args: Parameters<typeof fetch>) => fetch(...args));

  /**
   * One call, typed by the document: `path` must be a route with an operation for `method`,
   * `init.path` fills its `{params}`, and the answer is that operation's success body.
   */
  async function request<M extends Method, P extends PathOf<M>>(
    method: M,
    path: P,
    init: {
      path?: PathParams<Operation<P, M>>;
      query?: Query<M, P>;
      body?: Body<M, P>;
      /** A body sent as is (a CSV upload), not as JSON. */
      raw?: { data: Blob | string; type: string };
    } = {},
  ): Promise<Answer<M, P>> {
    const headers: Record<string, string> = { accept: 'application/json' };
    const token = typeof options.token === 'function' ? await options.token() : options.token;
    if (token) headers.authorization = `Bearer ${token}`;
    let body: Blob | string | undefined;
    if (init.raw) {
      headers['content-type'] = init.raw.type;
      body = init.raw.data;
    } else if (init.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(init.body);
    }
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(init.query ?? {})) {
      if (value !== undefined && value !== null) search.set(key, String(value));
    }
    const qs = search.toString();
    const params = (init.path ?? {}) as Record<string, string>;
    const target = String(path).replace(/\{(\w+)\}/g, (_, name: string) =>
      encodeURIComponent(params[name] ?? ''),
    );
    const response = await doFetch(`${base}${target}${qs ? `?${qs}` : ''}`, {
      method: method.toUpperCase(),
      headers,
      credentials: options.credentials ?? 'same-origin',
      ...(body === undefined ? {} : { body }),
    });
    if (response.status === 204) return undefined as Answer<M, P>;
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
    // The server validated its answer against the same document.
    return parsed as Answer<M, P>;
  }

  return request;
}

/** The call `createRequest` returns. */
export type Request = ReturnType<typeof createRequest>;

/** Creates a client. Every method rejects with `GreenTrackApiError` on a non-2xx answer. */
export function createClient(options: ClientOptions) {
  const request = createRequest(options);
  return {
    /** The calling user, their role here and all their organizations (`profile.read`). */
    me: () => request('get', '/me'),
    organization: {
      get: () => request('get', '/organization'),
      update: (input: OrganizationUpdate) => request('patch', '/organization', { body: input }),
    },
    memberships: {
      list: () => request('get', '/memberships'),
      add: (input: MembershipCreate) => request('post', '/memberships', { body: input }),
      updateRole: (id: string, input: MembershipUpdate) =>
        request('patch', '/memberships/{id}', { path: { id }, body: input }),
      remove: (id: string) => request('delete', '/memberships/{id}', { path: { id } }),
    },
    auditLog: {
      list: (query: AuditLogQuery = {}) => request('get', '/audit-log', { query }),
    },
    customers: customersApi(request),
    tags: tagsApi(request),
    consent: {
      get: (customerId: string) =>
        request('get', '/customers/{id}/consent', { path: { id: customerId } }),
      set: (customerId: string, channel: Channel, input: ConsentSet) =>
        request('put', '/customers/{id}/consent/{channel}', {
          path: { id: customerId, channel },
          body: input,
        }),
      policy: {
        get: () => request('get', '/settings/consent-policy'),
        set: (input: ConsentPolicyUpdate) =>
          request('put', '/settings/consent-policy', { body: input }),
      },
    },
    settings: {
      sending: {
        get: () => request('get', '/settings/sending'),
        set: (input: SendingSettingsUpdate) => request('put', '/settings/sending', { body: input }),
      },
      /** The answer to an inbound SMS `HELP` (admin+ to set; `null` restores the default). */
      smsKeywords: {
        get: () => request('get', '/settings/sms-keywords'),
        set: (input: SmsKeywordSettingsUpdate) =>
          request('put', '/settings/sms-keywords', { body: input }),
      },
    },
    integrations: {
      list: (query: IntegrationAccountQuery = {}) => request('get', '/integrations', { query }),
      get: (id: string) => request('get', '/integrations/{id}', { path: { id } }),
      create: (input: IntegrationAccountCreate) =>
        request('post', '/integrations', { body: input }),
      update: (id: string, input: IntegrationAccountUpdate) =>
        request('patch', '/integrations/{id}', { path: { id }, body: input }),
      remove: (id: string) => request('delete', '/integrations/{id}', { path: { id } }),
    },
    segments: segmentsApi(request),
    campaigns: campaignsApi(request),
    invoices: { ...invoicesApi(request), ...invoiceDeliveryApi(request) },
    payments: paymentsApi(request),
    webhooks: webhooksApi(request),
    events: eventsApi(request),
    kpis: kpisApi(request),
    templates: {
      list: (query: TemplateListQuery = {}) => request('get', '/templates', { query }),
      get: (id: string) => request('get', '/templates/{id}', { path: { id } }),
      create: (input: TemplateCreate) => request('post', '/templates', { body: input }),
      update: (id: string, input: TemplateUpdate) =>
        request('patch', '/templates/{id}', { path: { id }, body: input }),
      remove: (id: string) => request('delete', '/templates/{id}', { path: { id } }),
      /** Renders a stored template for a customer (links are placeholders). */
      preview: (id: string, input: TemplatePreviewRequest) =>
        request('post', '/templates/{id}/preview', { path: { id }, body: input }),
      /** Checks an unsaved draft and renders it for a customer (the editor's live preview). */
      previewDraft: (draft: TemplateDraftPreviewRequest) =>
        request('post', '/templates/preview', { body: draft }),
      /** The templates closest in meaning to `text`, closest first. */
      search: (input: TemplateSearch) => request('post', '/templates/search', { body: input }),
    },
  };
}

/** The client `createClient` returns. */
export type GreenTrackClient = ReturnType<typeof createClient>;

/** `client.customers`. */
export function customersApi(request: Request) {
  return {
    list: (query: CustomerListQuery = {}) => request('get', '/customers', { query }),
    get: (id: string) => request('get', '/customers/{id}', { path: { id } }),
    create: (input: CustomerCreate) => request('post', '/customers', { body: input }),
    update: (id: string, input: CustomerUpdate) =>
      request('patch', '/customers/{id}', { path: { id }, body: input }),
    remove: (id: string) => request('delete', '/customers/{id}', { path: { id } }),
    /**
     * Imports a CSV (admin+), sent as `text/csv`: a `File` from `<input type="file">`
     * streams from disk. Upserts by email, then phone; bad rows come back in `errors`.
     */
    import: (csv: Blob | string, importOptions: CustomerImportOptions = {}) =>
      request('post', '/customers/import', {
        raw: { data: csv, type: 'text/csv' },
        query: {
          mapping: importOptions.mapping ? JSON.stringify(importOptions.mapping) : undefined,
          tags: importOptions.tags?.join(','),
          default_type: importOptions.defaultType,
          default_country: importOptions.defaultCountry,
        },
      }),
    /** One customer's history, newest first. */
    timeline: (id: string, query: TimelineQuery = {}) =>
      request('get', '/customers/{id}/timeline', {
        path: { id },
        query: { ...query, types: query.types?.join(',') },
      }),
    /** Everything held about the customer (admin+). */
    export: (id: string) => request('get', '/customers/{id}/export', { path: { id } }),
    /** Erase the customer and its history; irreversible (admin+). */
    erase: (id: string) => request('post', '/customers/{id}/erase', { path: { id } }),
  };
}

/** `client.invoices`: sending an invoice (the invoice-delivery module). */
export function invoiceDeliveryApi(request: Request) {
  return {
    /**
     * Sends the invoice to its customer on each channel of `via`; a channel it already went
     * out on answers `already_sent` unless `resend: true`.
     */
    send: (id: string, input: InvoiceSend) =>
      request('post', '/invoices/{id}/send', { path: { id }, body: input }),
  };
}

/** `client.tags`. */
export function tagsApi(request: Request) {
  return {
    /** The tags customers carry, most used first, with their counts (`tag.read`). */
    list: () => request('get', '/tags'),
  };
}

/** `client.segments`. */
export function segmentsApi(request: Request) {
  return {
    list: async () => (await request('get', '/segments')) as unknown as { items: Segment[] },
    get: async (id: string) =>
      (await request('get', '/segments/{id}', { path: { id } })) as Segment,
    create: async (input: SegmentCreate) =>
      (await request('post', '/segments', { body: input })) as Segment,
    update: async (id: string, input: SegmentUpdate) =>
      (await request('patch', '/segments/{id}', { path: { id }, body: input })) as Segment,
    remove: (id: string) => request('delete', '/segments/{id}', { path: { id } }),
    /** Exact member count and a sample with reasons. */
    preview: (id: string, query: { sampleSize?: number } = {}) =>
      request('get', '/segments/{id}/preview', { path: { id }, query }),
    /** The same for an unsaved draft (the segment builder's live count). */
    previewDraft: (draft: SegmentDraft) => request('post', '/segments/preview', { body: draft }),
  };
}

/** `client.campaigns`. */
export function campaignsApi(request: Request) {
  return {
    list: () => request('get', '/campaigns'),
    get: (id: string) => request('get', '/campaigns/{id}', { path: { id } }),
    create: (input: CampaignCreate) => request('post', '/campaigns', { body: input }),
    update: (id: string, input: CampaignUpdate) =>
      request('patch', '/campaigns/{id}', { path: { id }, body: input }),
    remove: (id: string) => request('delete', '/campaigns/{id}', { path: { id } }),
    /** Start at `schedule_at` (ISO 8601), or as soon as the worker runs. */
    schedule: (id: string, input: CampaignSchedule = {}) =>
      request('post', '/campaigns/{id}/schedule', { path: { id }, body: input }),
    unschedule: (id: string) => request('post', '/campaigns/{id}/unschedule', { path: { id } }),
    pause: (id: string) => request('post', '/campaigns/{id}/pause', { path: { id } }),
    resume: (id: string) => request('post', '/campaigns/{id}/resume', { path: { id } }),
    cancel: (id: string) => request('post', '/campaigns/{id}/cancel', { path: { id } }),
    runs: (id: string) => request('get', '/campaigns/{id}/runs', { path: { id } }),
    /** One page of a run's frozen audience. */
    audience: (runId: string, query: Query<'get', '/campaign-runs/{id}/audience'> = {}) =>
      request('get', '/campaign-runs/{id}/audience', { path: { id: runId }, query }),
    /** Send a test to one address, rendered for `customerId` or the sample customer. */
    sendTest: (id: string, input: CampaignTest) =>
      request('post', '/campaigns/{id}/test', { path: { id }, body: input }),
    /** One page of the campaign's messages, each with its events. */
    messages: (id: string, query: Query<'get', '/campaigns/{id}/messages'> = {}) =>
      request('get', '/campaigns/{id}/messages', { path: { id }, query }),
    /** Messages held because their provider call's outcome is unknown, oldest first. */
    unknownOutcomes: (query: Query<'get', '/unknown-outcomes'> = {}) =>
      request('get', '/unknown-outcomes', { query }),
    /** Records a held message's outcome from the provider's own log. */
    resolveUnknown: (messageId: string, input: UnknownOutcomeResolution) =>
      request('post', '/unknown-outcomes/{id}/resolve', { path: { id: messageId }, body: input }),
    /** Sends a held message again under its same id (admin+). */
    resendUnknown: (messageId: string) =>
      request('post', '/unknown-outcomes/{id}/resend', { path: { id: messageId } }),
    /** Treated vs holdout, with 95 % intervals (all runs summed unless `runId`). */
    holdout: (id: string, query: Query<'get', '/campaigns/{id}/holdout'> = {}) =>
      request('get', '/campaigns/{id}/holdout', { path: { id }, query }),
  };
}

/** `client.invoices`. */
export function invoicesApi(request: Request) {
  return {
    list: (query: InvoiceListQuery = {}) => request('get', '/invoices', { query }),
    /** One invoice with its items. */
    get: (id: string) => request('get', '/invoices/{id}', { path: { id } }),
    /** Amounts due by age at the organization's today. */
    aging: (query: Query<'get', '/invoices/aging'> = {}) =>
      request('get', '/invoices/aging', { query }),
    /** The invoice's payment link: the stored one while it charges the amount due, else a new one. */
    paymentLink: (id: string) => request('post', '/invoices/{id}/payment-link', { path: { id } }),
  };
}

/** `client.payments`. */
export function paymentsApi(request: Request) {
  return {
    list: (query: PaymentListQuery = {}) => request('get', '/payments', { query }),
    get: (id: string) => request('get', '/payments/{id}', { path: { id } }),
    /** Records a cash/check/transfer payment or refund against an invoice (admin+). */
    recordManual: (invoiceId: string, input: ManualPayment) =>
      request('post', '/invoices/{id}/payments', { path: { id: invoiceId }, body: input }),
  };
}

export type WebhookSummary = Schemas['WebhookSummary'];
/** A stored webhook with its headers (secrets redacted) and payload. */
export type Webhook = Schemas['Webhook'];
export type WebhookListQuery = Query<'get', '/webhooks/inbound'>;
export type WebhookReprocess = Body<'post', '/webhooks/reprocess'>;

/** `client.webhooks`: the organization's stored provider webhooks (admin+). */
export function webhooksApi(request: Request) {
  return {
    /** Newest first, keyset-paginated (`nextCursor`); without payloads. */
    list: (query: WebhookListQuery = {}) => request('get', '/webhooks/inbound', { query }),
    get: (id: string) => request('get', '/webhooks/inbound/{id}', { path: { id } }),
    /** Processes one stored webhook again now, whatever its status. */
    replay: (id: string) => request('post', '/webhooks/inbound/{id}/replay', { path: { id } }),
    /** Queues failed webhooks again for the worker; answers how many. */
    reprocess: (input: WebhookReprocess) => request('post', '/webhooks/reprocess', { body: input }),
    /** Stored webhooks by status, and verification failures per integration account. */
    stats: () => request('get', '/webhooks/stats'),
  };
}

/** `client.kpis`: what the dashboards read (a widget token needs `campaign.read`). */
export function kpisApi(request: Request) {
  return {
    /** A campaign's counts, rates, conversions and revenue by `model`, per run too. */
    campaign: (id: string, query: Query<'get', '/campaigns/{id}/kpis'> = {}) =>
      request('get', '/campaigns/{id}/kpis', { path: { id }, query }),
    /** Unique customers from the frozen audience to conversion (the campaign or `runId`). */
    funnel: (id: string, query: Query<'get', '/campaigns/{id}/funnel'> = {}) =>
      request('get', '/campaigns/{id}/funnel', { path: { id }, query }),
    /** Per local day of the organization's time zone, `from` to `to` (≤ 366 days). */
    series: (query: KpiSeriesQuery) => request('get', '/kpis/series', { query }),
    /** Campaigns by credited revenue over a period (≤ 50). */
    topCampaigns: (query: TopCampaignsQuery) => request('get', '/kpis/top-campaigns', { query }),
    /** Refreshes the materialized views, at most once a minute per instance (admin+). */
    refresh: () => request('post', '/kpis/refresh'),
  };
}

/** `client.events`: analytics events (the browser helper, `createEventTracker`, batches for you). */
export function eventsApi(request: Request) {
  return {
    /** Records up to 1,000 events, all or nothing (a widget token needs `event.track`). */
    track: (events: TrackEvent[]) => request('post', '/events', { body: { events } }),
    /** One page of events, newest first. */
    list: (query: EventListQuery = {}) => request('get', '/events', { query }),
  };
}
