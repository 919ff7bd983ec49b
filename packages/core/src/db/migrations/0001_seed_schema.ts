/**
 * Migration 0001: the seed schema, exactly as `spec/seed-schema.md` writes it.
 *
 * The DDL below is the spec's "Postgres / ZeroDB DDL" block verbatim, plus the
 * `tags` / `customer_tags` tables of the logical schema (written as the spec README gives
 * them) and `CREATE EXTENSION citext`, which those DDL statements need. The only
 * substitution is the embedding dimension, fixed when this migration first runs.
 *
 * Never edit a column or constraint here: anything the engine needs beyond the seed goes
 * in a later migration. A test compares the result with the spec's own DDL, catalog row by
 * catalog row (`schema-parity.test.ts`).
 */
import { type Kysely, sql } from 'kysely';
import type { MigrationContext } from './context.js';

/** The seed DDL with the embedding dimension filled in. */
function seedSchemaSql(dimensions: number): string {
  return `
-- Enable pgvector
CREATE EXTENSION IF NOT EXISTS vector;
CREATE EXTENSION IF NOT EXISTS citext;

-- Organizations & Users
CREATE TABLE organizations (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE users (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  email citext UNIQUE NOT NULL,
  name text,
  phone text,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE memberships (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  role text NOT NULL CHECK (role IN ('owner','admin','staff')) DEFAULT 'staff',
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organization_id, user_id)
);

-- Customers
CREATE TABLE customers (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  type text NOT NULL CHECK (type IN ('customer','lead')),
  name text NOT NULL,
  email citext,
  phone text,
  address_line1 text,
  address_line2 text,
  city text,
  state text,
  postal_code text,
  country text DEFAULT 'US',
  tags jsonb NOT NULL DEFAULT '[]',
  notes text,
  external_zeroinvoice_customer_id text,
  embedding vector(${dimensions}),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX customers_org_idx ON customers (organization_id);
CREATE INDEX customers_email_idx ON customers (email);
CREATE INDEX customers_embedding_hnsw ON customers USING hnsw (embedding vector_cosine_ops);

-- Tags (logical schema; DDL per spec/README.md)
CREATE TABLE tags (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  name citext,
  UNIQUE (organization_id, name)
);

CREATE TABLE customer_tags (
  customer_id uuid NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
  tag_id uuid NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
  PRIMARY KEY (customer_id, tag_id)
);

-- ZeroInvoice cache
CREATE TABLE zeroinvoice_invoices_cache (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  external_invoice_id text NOT NULL,
  external_customer_id text,
  customer_id uuid REFERENCES customers(id) ON DELETE SET NULL,
  status text CHECK (status IN ('draft','sent','paid','overdue','void')),
  currency text DEFAULT 'usd',
  subtotal_cents int,
  tax_cents int,
  total_cents int,
  amount_due_cents int,
  due_date date,
  sent_via text[] NOT NULL DEFAULT '{}',
  stripe_payment_link text,
  snapshot jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organization_id, external_invoice_id)
);

CREATE TABLE zeroinvoice_invoice_items_cache (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  invoice_id uuid NOT NULL REFERENCES zeroinvoice_invoices_cache(id) ON DELETE CASCADE,
  name text NOT NULL,
  description text,
  quantity numeric(12,2) NOT NULL DEFAULT 1,
  unit_price_cents int NOT NULL,
  total_cents int NOT NULL,
  position int
);

-- Payments
CREATE TABLE payments (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  external_payment_id text NOT NULL,
  external_invoice_id text NOT NULL,
  amount_cents int NOT NULL,
  currency text DEFAULT 'usd',
  status text NOT NULL CHECK (status IN ('succeeded','failed','pending')),
  method text,
  processed_at timestamptz,
  raw_payload jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organization_id, external_payment_id)
);

-- Messaging & Campaigns
CREATE TABLE templates (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  name text NOT NULL,
  channel text NOT NULL CHECK (channel IN ('email','sms')),
  subject text,
  content text NOT NULL,
  metadata jsonb NOT NULL DEFAULT '{}',
  embedding vector(${dimensions}),
  created_by uuid REFERENCES users(id),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE segments (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  name text NOT NULL,
  type text NOT NULL CHECK (type IN ('rule','vector','hybrid')),
  rule_sql text,
  vector_query vector(${dimensions}),
  vector_threshold float,
  metadata jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE campaigns (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  name text NOT NULL,
  objective text CHECK (objective IN ('promotion','upsell','winback','nurture')),
  channel text NOT NULL CHECK (channel IN ('email','sms')),
  template_id uuid REFERENCES templates(id),
  segment_id uuid REFERENCES segments(id),
  status text NOT NULL CHECK (status IN ('draft','scheduled','running','paused','completed')) DEFAULT 'draft',
  schedule_at timestamptz,
  utm_source text DEFAULT 'greentrack',
  utm_medium text DEFAULT 'email',
  utm_campaign text,
  metadata jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE campaign_runs (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  campaign_id uuid NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
  started_at timestamptz,
  completed_at timestamptz,
  stats jsonb NOT NULL DEFAULT '{}'
);

CREATE TABLE campaign_audience (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  campaign_run_id uuid NOT NULL REFERENCES campaign_runs(id) ON DELETE CASCADE,
  customer_id uuid NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
  channel text NOT NULL CHECK (channel IN ('email','sms')),
  address text NOT NULL,
  included_reason text,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (campaign_run_id, customer_id)
);

CREATE TABLE subscriptions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  customer_id uuid NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
  channel text NOT NULL CHECK (channel IN ('email','sms')),
  status text NOT NULL CHECK (status IN ('subscribed','unsubscribed','bounced','complained')),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organization_id, customer_id, channel)
);

CREATE TABLE messages (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  campaign_run_id uuid REFERENCES campaign_runs(id),
  customer_id uuid REFERENCES customers(id),
  channel text NOT NULL CHECK (channel IN ('email','sms')),
  to_address text NOT NULL,
  provider text,
  provider_message_id text,
  template_id uuid REFERENCES templates(id),
  subject text,
  body text NOT NULL,
  utm_source text,
  utm_medium text,
  utm_campaign text,
  status text NOT NULL CHECK (status IN ('queued','sent','delivered','bounced','failed')) DEFAULT 'queued',
  sent_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organization_id, provider, provider_message_id)
);

CREATE TABLE message_events (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  message_id uuid NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
  type text NOT NULL CHECK (type IN ('delivered','open','click','bounce','spam','unsubscribe')),
  occurred_at timestamptz NOT NULL,
  metadata jsonb NOT NULL DEFAULT '{}',
  UNIQUE (message_id, type, occurred_at)
);

-- Analytics & Attribution
CREATE TABLE events (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  user_id uuid REFERENCES users(id),
  customer_id uuid REFERENCES customers(id),
  session_id uuid,
  name text NOT NULL,
  source text,
  ga_client_id text,
  utm_source text,
  utm_medium text,
  utm_campaign text,
  referrer text,
  properties jsonb NOT NULL DEFAULT '{}',
  occurred_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX events_org_occurred_idx ON events (organization_id, occurred_at DESC);

CREATE TABLE attributions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  customer_id uuid NOT NULL REFERENCES customers(id),
  message_id uuid REFERENCES messages(id),
  campaign_run_id uuid REFERENCES campaign_runs(id),
  event_id uuid NOT NULL REFERENCES events(id),
  conversion_name text NOT NULL,
  revenue_cents int NOT NULL DEFAULT 0,
  attributed_model text NOT NULL CHECK (attributed_model IN ('last_click','first_touch','linear','time_decay')) DEFAULT 'last_click',
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE ga_sessions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  customer_id uuid REFERENCES customers(id),
  ga_client_id text NOT NULL,
  first_seen_at timestamptz,
  last_seen_at timestamptz,
  UNIQUE (organization_id, ga_client_id)
);

-- Integrations & Webhooks
CREATE TABLE integration_accounts (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  provider text NOT NULL CHECK (provider IN ('twilio','sendgrid','postmark','zeroinvoice','stripe','google_analytics')),
  name text,
  credentials jsonb NOT NULL,
  status text NOT NULL CHECK (status IN ('active','disabled')) DEFAULT 'active',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organization_id, provider, name)
);

CREATE TABLE webhooks_inbound (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  provider text NOT NULL,
  event_type text,
  headers jsonb,
  payload jsonb NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  processed_at timestamptz,
  status text NOT NULL CHECK (status IN ('pending','processed','failed')) DEFAULT 'pending',
  error text
);

CREATE TABLE audit_log (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  actor_type text NOT NULL CHECK (actor_type IN ('user','system','webhook')),
  actor_id uuid,
  action text NOT NULL,
  entity text NOT NULL,
  entity_id uuid,
  before jsonb,
  after jsonb,
  occurred_at timestamptz NOT NULL DEFAULT now()
);
`;
}

export function seedSchemaMigration(context: MigrationContext) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await sql.raw(seedSchemaSql(context.embeddingDimensions)).execute(db);
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await sql
        .raw(
          `DROP TABLE IF EXISTS audit_log, webhooks_inbound, integration_accounts, ga_sessions,
             attributions, events, message_events, messages, subscriptions, campaign_audience,
             campaign_runs, campaigns, segments, templates, payments,
             zeroinvoice_invoice_items_cache, zeroinvoice_invoices_cache, customer_tags, tags,
             customers, memberships, users, organizations CASCADE`,
        )
        .execute(db);
    },
  };
}
