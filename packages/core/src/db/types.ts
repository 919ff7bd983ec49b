/**
 * Kysely table types for every table and materialized view of the GreenTrack database.
 *
 * Conventions (they follow what `pg` returns with the parsers set in `connect.ts`):
 * - `uuid`, `text`, `citext` → `string`; `int`, `float` → `number`; `numeric` → `string`
 *   (exact decimal, never a lossy float); `date` → `'YYYY-MM-DD'` string; `timestamptz` → `Date`.
 * - `jsonb` selects as parsed JSON and is written as a JSON string (`toJson(value)`), because
 *   `pg` would turn a JS array into a Postgres array literal.
 * - `vector(N)` selects as `number[]` and is written as pgvector text (`toVector(values)`).
 * - `bigint` aggregates (materialized views) select as strings, as `pg` returns them.
 *
 * `columns.ts` holds the same shape at runtime; a test checks both against the live schema.
 */
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

/** Any JSON value. */
export type JsonValue =
  | string
  | number
  | boolean
  | null
  | JsonValue[]
  | { [key: string]: JsonValue };

/** A column with a database default: optional on insert. */
type WithDefault<S, I = S> = ColumnType<S, I | undefined, I>;
/** `timestamptz NOT NULL DEFAULT now()`. */
type CreatedAt = ColumnType<Date, Date | string | undefined, Date | string>;
/** A nullable `timestamptz`. */
type NullableTimestamp = ColumnType<
  Date | null,
  Date | string | null | undefined,
  Date | string | null
>;
/** A JSON value that is not JSON `null` (what a NOT NULL jsonb column holds here). */
export type JsonDocument = Exclude<JsonValue, null>;
/** `jsonb NOT NULL DEFAULT …`: selects parsed, written as a JSON string. */
type JsonWithDefault<T = JsonDocument> = ColumnType<T, string | undefined, string>;
/** `jsonb NOT NULL` without default. */
type JsonRequired<T = JsonDocument> = ColumnType<T, string, string>;
/** Nullable `jsonb`. */
type JsonNullable<T = JsonValue> = ColumnType<T | null, string | null | undefined, string | null>;
/** Nullable `vector(N)`: selects as numbers, written as pgvector text. */
type VectorNullable = ColumnType<number[] | null, string | null | undefined, string | null>;
/** Nullable plain column, optional on insert. */
type Nullable<T> = ColumnType<T | null, T | null | undefined, T | null>;

export type Role = 'owner' | 'admin' | 'staff';
export type Channel = 'email' | 'sms';

export interface OrganizationsTable {
  id: Generated<string>;
  name: string;
  created_at: CreatedAt;
}

export interface UsersTable {
  id: Generated<string>;
  email: string;
  name: Nullable<string>;
  phone: Nullable<string>;
  created_at: CreatedAt;
}

export interface MembershipsTable {
  id: Generated<string>;
  organization_id: string;
  user_id: string;
  role: WithDefault<Role>;
  created_at: CreatedAt;
}

export interface CustomersTable {
  id: Generated<string>;
  organization_id: string;
  type: 'customer' | 'lead';
  name: string;
  email: Nullable<string>;
  phone: Nullable<string>;
  address_line1: Nullable<string>;
  address_line2: Nullable<string>;
  city: Nullable<string>;
  state: Nullable<string>;
  postal_code: Nullable<string>;
  /** Nullable in the DDL, defaulting to 'US'. */
  country: Nullable<string>;
  /** Mirror of `customer_tags` maintained by triggers (migration 0003); never written directly. */
  tags: JsonWithDefault<string[]>;
  notes: Nullable<string>;
  external_zeroinvoice_customer_id: Nullable<string>;
  embedding: VectorNullable;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export interface TagsTable {
  id: Generated<string>;
  organization_id: string;
  /** Nullable in the spec's DDL; the service never writes NULL. */
  name: Nullable<string>;
}

export interface CustomerTagsTable {
  customer_id: string;
  tag_id: string;
}

export type InvoiceStatus = 'draft' | 'sent' | 'paid' | 'overdue' | 'void';

export interface ZeroinvoiceInvoicesCacheTable {
  id: Generated<string>;
  organization_id: string;
  external_invoice_id: string;
  external_customer_id: Nullable<string>;
  customer_id: Nullable<string>;
  status: Nullable<InvoiceStatus>;
  currency: Nullable<string>;
  subtotal_cents: Nullable<number>;
  tax_cents: Nullable<number>;
  total_cents: Nullable<number>;
  amount_due_cents: Nullable<number>;
  /** `date`, as 'YYYY-MM-DD'. */
  due_date: Nullable<string>;
  sent_via: WithDefault<string[]>;
  stripe_payment_link: Nullable<string>;
  snapshot: JsonRequired;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export interface ZeroinvoiceInvoiceItemsCacheTable {
  id: Generated<string>;
  invoice_id: string;
  name: string;
  description: Nullable<string>;
  /** `numeric(12,2)`, as a decimal string. */
  quantity: WithDefault<string, string | number>;
  unit_price_cents: number;
  total_cents: number;
  position: Nullable<number>;
}

export type PaymentStatus = 'succeeded' | 'failed' | 'pending';

export interface PaymentsTable {
  id: Generated<string>;
  organization_id: string;
  external_payment_id: string;
  external_invoice_id: string;
  amount_cents: number;
  currency: Nullable<string>;
  status: PaymentStatus;
  method: Nullable<string>;
  processed_at: NullableTimestamp;
  raw_payload: JsonRequired;
  created_at: CreatedAt;
}

export interface TemplatesTable {
  id: Generated<string>;
  organization_id: string;
  name: string;
  channel: Channel;
  subject: Nullable<string>;
  content: string;
  metadata: JsonWithDefault;
  embedding: VectorNullable;
  created_by: Nullable<string>;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export type SegmentType = 'rule' | 'vector' | 'hybrid';

export interface SegmentsTable {
  id: Generated<string>;
  organization_id: string;
  name: string;
  type: SegmentType;
  /** Readable rendering of the rule, for display only: never executed. */
  rule_sql: Nullable<string>;
  vector_query: VectorNullable;
  vector_threshold: Nullable<number>;
  metadata: JsonWithDefault;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export type CampaignStatus = 'draft' | 'scheduled' | 'running' | 'paused' | 'completed';
export type CampaignObjective = 'promotion' | 'upsell' | 'winback' | 'nurture';

export interface CampaignsTable {
  id: Generated<string>;
  organization_id: string;
  name: string;
  objective: Nullable<CampaignObjective>;
  channel: Channel;
  template_id: Nullable<string>;
  segment_id: Nullable<string>;
  status: WithDefault<CampaignStatus>;
  schedule_at: NullableTimestamp;
  utm_source: Nullable<string>;
  utm_medium: Nullable<string>;
  utm_campaign: Nullable<string>;
  metadata: JsonWithDefault;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export interface CampaignRunsTable {
  id: Generated<string>;
  campaign_id: string;
  started_at: NullableTimestamp;
  completed_at: NullableTimestamp;
  stats: JsonWithDefault;
}

export interface CampaignAudienceTable {
  id: Generated<string>;
  campaign_run_id: string;
  customer_id: string;
  channel: Channel;
  address: string;
  included_reason: Nullable<string>;
  created_at: CreatedAt;
}

export type SubscriptionStatus = 'subscribed' | 'unsubscribed' | 'bounced' | 'complained';

export interface SubscriptionsTable {
  id: Generated<string>;
  organization_id: string;
  customer_id: string;
  channel: Channel;
  status: SubscriptionStatus;
  updated_at: CreatedAt;
}

export type MessageStatus = 'queued' | 'sent' | 'delivered' | 'bounced' | 'failed';

export interface MessagesTable {
  id: Generated<string>;
  organization_id: string;
  campaign_run_id: Nullable<string>;
  customer_id: Nullable<string>;
  channel: Channel;
  to_address: string;
  provider: Nullable<string>;
  provider_message_id: Nullable<string>;
  template_id: Nullable<string>;
  subject: Nullable<string>;
  body: string;
  utm_source: Nullable<string>;
  utm_medium: Nullable<string>;
  utm_campaign: Nullable<string>;
  status: WithDefault<MessageStatus>;
  sent_at: NullableTimestamp;
  created_at: CreatedAt;
}

export type MessageEventType = 'delivered' | 'open' | 'click' | 'bounce' | 'spam' | 'unsubscribe';

export interface MessageEventsTable {
  id: Generated<string>;
  organization_id: string;
  message_id: string;
  type: MessageEventType;
  occurred_at: ColumnType<Date, Date | string, Date | string>;
  metadata: JsonWithDefault;
}

export interface EventsTable {
  id: Generated<string>;
  organization_id: string;
  user_id: Nullable<string>;
  customer_id: Nullable<string>;
  session_id: Nullable<string>;
  name: string;
  source: Nullable<string>;
  ga_client_id: Nullable<string>;
  utm_source: Nullable<string>;
  utm_medium: Nullable<string>;
  utm_campaign: Nullable<string>;
  referrer: Nullable<string>;
  properties: JsonWithDefault;
  occurred_at: ColumnType<Date, Date | string, Date | string>;
  created_at: CreatedAt;
}

export type AttributionModel = 'last_click' | 'first_touch' | 'linear' | 'time_decay';

export interface AttributionsTable {
  id: Generated<string>;
  organization_id: string;
  customer_id: string;
  message_id: Nullable<string>;
  campaign_run_id: Nullable<string>;
  event_id: string;
  conversion_name: string;
  revenue_cents: WithDefault<number>;
  attributed_model: WithDefault<AttributionModel>;
  created_at: CreatedAt;
}

export interface GaSessionsTable {
  id: Generated<string>;
  organization_id: string;
  customer_id: Nullable<string>;
  ga_client_id: string;
  first_seen_at: NullableTimestamp;
  last_seen_at: NullableTimestamp;
}

export type IntegrationProvider =
  | 'twilio'
  | 'sendgrid'
  | 'postmark'
  | 'zeroinvoice'
  | 'stripe'
  | 'google_analytics';

export interface IntegrationAccountsTable {
  id: Generated<string>;
  organization_id: string;
  provider: IntegrationProvider;
  name: Nullable<string>;
  /** Encrypted envelope, never plaintext credentials. */
  credentials: JsonRequired;
  status: WithDefault<'active' | 'disabled'>;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export interface WebhooksInboundTable {
  id: Generated<string>;
  organization_id: string;
  provider: string;
  event_type: Nullable<string>;
  headers: JsonNullable;
  payload: JsonRequired;
  received_at: CreatedAt;
  processed_at: NullableTimestamp;
  status: WithDefault<'pending' | 'processed' | 'failed'>;
  error: Nullable<string>;
}

export type ActorType = 'user' | 'system' | 'webhook';

export interface AuditLogTable {
  id: Generated<string>;
  organization_id: string;
  actor_type: ActorType;
  actor_id: Nullable<string>;
  action: string;
  entity: string;
  entity_id: Nullable<string>;
  before: JsonNullable;
  after: JsonNullable;
  occurred_at: CreatedAt;
}

/** `mv_campaign_performance`: one row per campaign run (read-only). */
export interface MvCampaignPerformanceView {
  organization_id: string;
  campaign_id: string;
  campaign_run_id: string;
  started_at: Date | null;
  completed_at: Date | null;
  sent: string;
  delivered: string;
  opened: string;
  clicked: string;
  bounced: string;
  unsubscribed: string;
  conversions: string;
  revenue_cents: string;
}

/** `mv_revenue_by_campaign`: one row per campaign run and attribution model (read-only). */
export interface MvRevenueByCampaignView {
  organization_id: string;
  campaign_id: string;
  campaign_run_id: string;
  attributed_model: AttributionModel;
  conversions: string;
  revenue_cents: string;
}

/** Every table of the seed schema, by name. */
export interface SeedTables {
  organizations: OrganizationsTable;
  users: UsersTable;
  memberships: MembershipsTable;
  customers: CustomersTable;
  tags: TagsTable;
  customer_tags: CustomerTagsTable;
  zeroinvoice_invoices_cache: ZeroinvoiceInvoicesCacheTable;
  zeroinvoice_invoice_items_cache: ZeroinvoiceInvoiceItemsCacheTable;
  payments: PaymentsTable;
  templates: TemplatesTable;
  segments: SegmentsTable;
  campaigns: CampaignsTable;
  campaign_runs: CampaignRunsTable;
  campaign_audience: CampaignAudienceTable;
  subscriptions: SubscriptionsTable;
  messages: MessagesTable;
  message_events: MessageEventsTable;
  events: EventsTable;
  attributions: AttributionsTable;
  ga_sessions: GaSessionsTable;
  integration_accounts: IntegrationAccountsTable;
  webhooks_inbound: WebhooksInboundTable;
  audit_log: AuditLogTable;
}

/** The materialized views. */
export interface MaterializedViews {
  mv_campaign_performance: MvCampaignPerformanceView;
  mv_revenue_by_campaign: MvRevenueByCampaignView;
}

/**
 * How a channel treats a customer with no stored subscription: `opt_in` sends only to
 * customers who subscribed; `opt_out` sends unless they unsubscribed, bounced or complained.
 */
export type ConsentMode = 'opt_in' | 'opt_out';

/** An organization's consent mode per channel (`organization_settings.consent_policy`). */
export interface ConsentPolicy {
  email: ConsentMode;
  sms: ConsentMode;
}

/** Migration 0005: one row per organization; no row means every setting at its default. */
export interface OrganizationSettingsTable {
  organization_id: string;
  consent_policy: JsonWithDefault<ConsentPolicy>;
  updated_at: CreatedAt;
  /** Migration 0016: an IANA time zone name. */
  time_zone: Generated<string>;
  /** Migration 0016: the frequency cap per channel; both NULL = no cap. */
  frequency_cap_email_messages: number | null;
  frequency_cap_email_days: number | null;
  frequency_cap_sms_messages: number | null;
  frequency_cap_sms_days: number | null;
  /** Migration 0018: provider ids in the order to try them; NULL = the host's order. */
  email_providers: string[] | null;
  sms_providers: string[] | null;
  /** Migration 0030: the answer to an inbound HELP; NULL = the default text. */
  sms_help_reply: string | null;
  /** Migration 0033: the attribution settings as stored (`attribution/settings.ts`). */
  attribution: JsonWithDefault;
}

/**
 * Migration 0006: customers whose embedding is stale, one row per customer. `locked_until`
 * is a worker's lease or a failed job's backoff; the job is due when it is NULL or past.
 */
export interface EmbeddingJobsTable {
  organization_id: string;
  customer_id: string;
  /** Set by the database (`now()`) on every (re-)enqueue; also the job's version. */
  enqueued_at: CreatedAt;
  /** Failed embedding attempts so far. */
  attempts: WithDefault<number>;
  locked_until: NullableTimestamp;
  last_error: Nullable<string>;
}

/** Where a delivery of a campaign run stands (migration 0012). */
export type DeliveryState =
  | 'pending'
  | 'claimed'
  | 'handed'
  | 'sent'
  | 'failed'
  | 'skipped'
  | 'unknown';

/** Migration 0012: the dispatch ledger, one row per audience member of a run. */
export interface CampaignDeliveriesTable {
  audience_id: string;
  organization_id: string;
  campaign_run_id: string;
  customer_id: string;
  state: WithDefault<DeliveryState>;
  message_id: string | null;
  attempts: WithDefault<number>;
  not_before: CreatedAt;
  lease_until: NullableTimestamp;
  reason: string | null;
  updated_at: CreatedAt;
}

/** Migration 0025: the message that delivered an invoice (`invoices.send`). */
export interface InvoiceMessagesTable {
  message_id: string;
  organization_id: string;
  invoice_id: string;
  channel: Channel;
  created_at: CreatedAt;
}

/** Migration 0011: what the built-in `outbox` provider "sent". */
export interface OutboxMessagesTable {
  id: Generated<string>;
  organization_id: string;
  /** Our `messages.id` (or the id of a test send). */
  message_id: string;
  /** `message_id` when the outbox deduplicates; NULL when it records every call. */
  idempotency_key: string | null;
  channel: 'email' | 'sms';
  recipient: string;
  sender: string | null;
  subject: string | null;
  /** HTML for email, the text for SMS. */
  body: string;
  /** The plain-text alternative of an email. */
  text_body: string | null;
  headers: JsonWithDefault<Record<string, string>>;
  campaign_run_id: string | null;
  sent_at: CreatedAt;
}

/**
 * The Kysely database type: `Kysely<Database>`. Tables added by migrations after the seed
 * are listed here, not in `SeedTables` (which mirrors the seed exactly).
 */
export interface Database extends SeedTables, MaterializedViews {
  /** Migration 0005. */
  organization_settings: OrganizationSettingsTable;
  /** Migration 0006. */
  embedding_jobs: EmbeddingJobsTable;
  /** Migration 0011. */
  outbox_messages: OutboxMessagesTable;
  /** Migration 0012. */
  campaign_deliveries: CampaignDeliveriesTable;
  /** Migration 0022. */
  invoice_sync_state: InvoiceSyncStateTable;
  /** Migration 0025. */
  invoice_messages: InvoiceMessagesTable;
  /** Migration 0026. */
  invoice_payment_links: InvoicePaymentLinksTable;
  /** Migration 0028. */
  webhook_receipts: WebhookReceiptsTable;
  /** Migration 0028. */
  webhook_verification_failures: WebhookVerificationFailuresTable;
  /** Migration 0031. */
  invoice_source_versions: InvoiceSourceVersionsTable;
  /** Migration 0036. */
  campaign_holdouts: CampaignHoldoutsTable;
  /** Migration 0037. */
  materialized_view_refreshes: MaterializedViewRefreshesTable;
}

/** Migration 0036: a campaign's holdout share (no row: no holdout). */
export interface CampaignHoldoutsTable {
  campaign_id: string;
  organization_id: string;
  /** Percent of each run's audience held out, 0.1–50; `numeric` reads back as a string. */
  percent: ColumnType<string, number, number>;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

/**
 * Migration 0037: when each materialized view was last refreshed (`kpis/refresh.ts`). One
 * row per view for the whole database: not tenant data.
 */
export interface MaterializedViewRefreshesTable {
  view_name: keyof MaterializedViews;
  /** The instance clock when the refresh began: the data is at least this fresh. */
  refreshed_at: ColumnType<Date, Date | string, Date | string>;
  duration_ms: number;
}

/** Migration 0028: how a stored webhook arrived, one row per `webhooks_inbound` row. */
export interface WebhookReceiptsTable {
  webhook_id: string;
  organization_id: string;
  integration_account_id: string;
  event_count: number;
  /** Processing runs so far (inline, worker, reprocess, replay). */
  attempts: WithDefault<number>;
}

/** Migration 0028: requests that failed verification, per integration account. */
export interface WebhookVerificationFailuresTable {
  integration_account_id: string;
  organization_id: string;
  failures: WithDefault<number>;
  last_reason: string;
  last_failed_at: Date;
}

/**
 * Migration 0031: the newest invoice state a source reported by webhook (one row per
 * invoice): its time at the source, and the source's own status and amount due.
 */
export interface InvoiceSourceVersionsTable {
  invoice_id: string;
  organization_id: string;
  source_updated_at: Date;
  status: InvoiceStatus;
  amount_due_cents: number;
  /** SHA-256 of the state's payload: the last tie-break between two states of one instant. */
  state_hash: string;
  updated_at: CreatedAt;
}

/** Migration 0026: what an invoice's stored payment link charges (one row per invoice). */
export interface InvoicePaymentLinksTable {
  invoice_id: string;
  organization_id: string;
  provider: string;
  provider_link_id: string;
  url: string;
  amount_cents: number;
  currency: string;
  created_at: CreatedAt;
}

/**
 * Migration 0022: one row per invoicing integration account: where its next incremental
 * sync resumes and when the worker syncs it next.
 */
export interface InvoiceSyncStateTable {
  integration_account_id: string;
  organization_id: string;
  /** The source's cursor after the last stored page; NULL: the next sync is a full one. */
  cursor: string | null;
  /** When the worker syncs the account next; NULL: at its next tick. */
  next_sync_at: NullableTimestamp;
  last_synced_at: NullableTimestamp;
  /** The last worker sync's failure (`code: message`), cleared by a sync that completes. */
  last_error: string | null;
  updated_at: CreatedAt;
}

export type Organization = Selectable<OrganizationsTable>;
export type User = Selectable<UsersTable>;
export type Membership = Selectable<MembershipsTable>;
export type AuditLogEntry = Selectable<AuditLogTable>;
export type NewAuditLogEntry = Insertable<AuditLogTable>;
export type OrganizationUpdate = Updateable<OrganizationsTable>;
