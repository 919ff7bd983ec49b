/**
 * Tenant isolation, route by route: every operation of `openapi.json` × every kind of
 * caller, with the expected status DERIVED from the RBAC table (`permissions`) and the
 * caller — never written by hand per case. Issue 9, item 3.
 *
 * Two organizations: Home (the one whose ids every request carries) and Other. Callers
 * from Other send Home's ids, so a cross-tenant request must answer 404 — the same status
 * and code as for an id that exists nowhere, so existence does not leak — and the
 * organization a request must not touch (the bystander) has the same rows afterwards.
 * A refused request (401/403/404) writes nothing anywhere, and no answer carries an id of
 * the bystander's rows.
 *
 * Adding a route: give it a row in `routes` (its RBAC action and how to build a valid
 * request). A documented route without a row fails, and so does a row for a route the
 * document no longer has.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestGreenTrack,
  databaseKind,
  makeOrganization,
  makeUser,
  startDueCampaignsOnly,
} from '../../test/harness.js';
import { makeHeldMessage } from '../../test/held-message.js';
import { makeLinkedInvoice } from '../../test/linked-invoice.js';
import { fillPath, type Operation, openApiDocument, operationsOf } from '../../test/openapi.js';
import { databaseFingerprint, organizationRows } from '../../test/rows.js';
import { fixedClock } from '../clock.js';
import type { Role } from '../db/types.js';
import type { GreenTrack } from '../greentrack.js';
import { insertTestInvoice } from '../invoices/test-invoices.js';
import { type Action, permissions } from '../modules.js';
import { purposeKey } from '../secrets/index.js';
import { roleAtLeast } from '../tenancy/index.js';
import type { TenantFacade } from '../tenant.js';
import { createTrackingTokens } from '../tracking/index.js';
import {
  insertTestWebhook,
  signTestWebhook,
  TEST_SIGNATURE_HEADER,
  testWebhookSource,
} from '../webhooks/test-source.js';

const BASE_PATH = '/api/greentrack';
const BASE = `http://host.test${BASE_PATH}`;
const SECRET = 'isolation-matrix-secret-0123456789abcdef';
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

/** One organization with a row of each kind a path can name. */
interface SeededOrg {
  organizationId: string;
  users: Record<Role, { id: string }>;
  /** The owner's facade, to create what a request consumes. */
  owner: TenantFacade;
  customerId: string;
  integrationId: string;
  segmentId: string;
  /** A draft campaign (email, with a template and the segment). */
  campaignId: string;
  /** A run of a started campaign, for its audience. */
  campaignRunId: string;
  templateId: string;
  /** A cached invoice (sent, $100 due) and a manual payment of it. */
  invoiceId: string;
  paymentId: string;
}

/** A valid request: path values, query string, body. */
interface RequestParts {
  params?: Record<string, string>;
  query?: string;
  json?: unknown;
  csv?: string;
  /** An `application/x-www-form-urlencoded` body. */
  form?: string;
  /** Headers beyond the caller's credentials (a webhook's signature). */
  headers?: Record<string, string>;
}

interface RouteEntry {
  /**
   * The RBAC action the route needs, `'public'` (no credentials at all), or `'signed'`: the
   * signed token in the path is the credential (tracking links). A signed route answers
   * whoever calls, and acts only in the token's organization (Home's, as the request is
   * built in Home): Other stays the bystander for every caller.
   */
  action: Action | 'public' | 'signed';
  /**
   * A request that succeeds for an allowed caller, built in `org` (the organization whose
   * ids it carries). May create what it consumes (a customer to delete), so every case gets
   * its own.
   */
  request?: (org: SeededOrg) => RequestParts | Promise<RequestParts>;
  /**
   * The body names a row of the organization (the customer a preview renders for), so a
   * caller from another organization gets 404, as for an id in the path.
   */
  bodyNamesRows?: true;
}

let counter = 0;
const unique = (prefix: string) => `${prefix} ${++counter}`;

const newCustomer = async (org: SeededOrg) =>
  (await org.owner.customers.create({ name: unique('Fresh'), type: 'lead' })).id;
const newSegment = async (org: SeededOrg) =>
  (
    await org.owner.segments.create({
      name: unique('Fresh segment'),
      rule: { field: 'type', op: 'eq', value: 'lead' },
    })
  ).id;
const newIntegration = async (org: SeededOrg) =>
  (
    await org.owner.integrations.create({
      provider: 'twilio',
      name: unique('fresh'),
      credentials: { apiKey: 'sk_fresh' },
    })
  ).id;
/** An email template for a campaign. */
const newEmailTemplate = async (org: SeededOrg) =>
  (
    await org.owner.templates.create({
      channel: 'email',
      name: unique('Email template'),
      subject: 'Hi',
      content: 'Hello {{ customer.name }}',
    })
  ).id;
/** A campaign in `status`, ready for the action a case takes on it. */
const newCampaign = async (
  gt: GreenTrack,
  org: SeededOrg,
  status: 'draft' | 'scheduled' | 'running' | 'paused' = 'draft',
) => {
  const { id } = await org.owner.campaigns.create({
    name: unique('Campaign'),
    channel: 'email',
    template_id: await newEmailTemplate(org),
    segment_id: org.segmentId,
  });
  if (status === 'draft') return id;
  await org.owner.campaigns.schedule(id);
  if (status === 'scheduled') return id;
  await startDueCampaignsOnly(gt);
  if (status === 'paused') await org.owner.campaigns.pause(id);
  return id;
};
const newTemplate = async (org: SeededOrg) =>
  (
    await org.owner.templates.create({
      channel: 'sms',
      name: unique('Fresh template'),
      content: 'Hi {{ customer.first_name }}',
    })
  ).id;
/** A sent invoice to pay, written as the invoice sync would. */
const newInvoice = async (gt: GreenTrack, org: SeededOrg) =>
  (await insertTestInvoice(gt.database, org.organizationId, { totalCents: 10_000 })).id;
/** A draft invoice of the organization's customer, to send. */
const draftInvoice = async (gt: GreenTrack, org: SeededOrg) =>
  (
    await insertTestInvoice(gt.database, org.organizationId, {
      customerId: org.customerId,
      status: 'draft',
      totalCents: 1000,
    })
  ).id;
/** A staff member added for the case (never one of the callers). */
const newMembership = async (gt: GreenTrack, org: SeededOrg) =>
  (await org.owner.memberships.add({ userId: (await makeUser(gt, 'member')).id, role: 'staff' }))
    .id;

/**
 * A Home message to act on, with its tracking token of `kind` (a click's link is in the
 * body, as the dispatcher would have sent it).
 */
const trackingRequest =
  (gt: GreenTrack, kind: 'click' | 'open' | 'unsubscribe', form?: string) =>
  async (org: SeededOrg): Promise<RequestParts> => {
    const tokens = createTrackingTokens(
      (label) => purposeKey(SECRET, label),
      () => gt.clock.now(),
    );
    const messageId = randomUUID();
    const token = tokens.sign({
      kind,
      organizationId: org.organizationId,
      messageId,
      url: kind === 'click' ? 'https://shop.example/' : null,
      ttlSeconds: 3600,
    });
    await gt.database
      .tenant(org.organizationId)
      .insertInto('messages')
      .values({
        id: messageId,
        organization_id: org.organizationId,
        customer_id: org.customerId,
        channel: 'email',
        to_address: 'home@example.com',
        body: `<a href="https://host.test/t/c/${token}">Shop</a>`,
        status: 'sent',
      })
      .execute();
    return { params: { token }, ...(form === undefined ? {} : { form }) };
  };

/** Home's account that signs the matrix's webhooks (made once per organization). */
const WEBHOOK_SECRET = 'matrix-webhook-secret';
const webhookAccounts = new Map<string, Promise<string>>();
const webhookAccount = (org: SeededOrg) => {
  let account = webhookAccounts.get(org.organizationId);
  if (!account) {
    account = org.owner.integrations
      .create({
        provider: 'twilio',
        name: 'webhooks',
        credentials: { webhookSecret: WEBHOOK_SECRET },
      })
      .then((a) => a.id);
    webhookAccounts.set(org.organizationId, account);
  }
  return account;
};
/** A webhook signed for Home's account: the signature is the credential. */
const signedWebhook = async (org: SeededOrg): Promise<RequestParts> => {
  const json = { type: 'matrix', tags: [unique('matrix')] };
  return {
    params: { provider: 'twilio', integrationAccountId: await webhookAccount(org) },
    json,
    headers: { [TEST_SIGNATURE_HEADER]: signTestWebhook(WEBHOOK_SECRET, JSON.stringify(json)) },
  };
};
/** A stored (failed) webhook of the organization, to read or replay. */
const storedWebhook = (gt: GreenTrack) => async (org: SeededOrg) => ({
  params: {
    id: await insertTestWebhook(gt.database, org.organizationId, await webhookAccount(org)),
  },
});

/** The table: one row per documented operation, keyed `METHOD /path`. */
const routesFor = (gt: GreenTrack): Record<string, RouteEntry> => ({
  'GET /health': { action: 'public' },
  'GET /t/c/{token}': { action: 'signed', request: trackingRequest(gt, 'click') },
  'GET /t/o/{token}': { action: 'signed', request: trackingRequest(gt, 'open') },
  'GET /t/u/{token}': { action: 'signed', request: trackingRequest(gt, 'unsubscribe') },
  'POST /t/u/{token}': {
    action: 'signed',
    request: trackingRequest(gt, 'unsubscribe', 'List-Unsubscribe=One-Click'),
  },
  'POST /webhooks/{provider}/{integrationAccountId}': { action: 'signed', request: signedWebhook },
  'GET /webhooks/inbound': { action: 'webhook.read', request: () => ({ query: 'limit=5' }) },
  'GET /webhooks/inbound/{id}': { action: 'webhook.read', request: storedWebhook(gt) },
  'POST /webhooks/inbound/{id}/replay': { action: 'webhook.process', request: storedWebhook(gt) },
  'POST /webhooks/reprocess': {
    action: 'webhook.process',
    request: () => ({ json: { status: 'failed' } }),
  },
  'GET /webhooks/stats': { action: 'webhook.read' },
  'GET /me': { action: 'profile.read' },
  'GET /organization': { action: 'organization.read' },
  'PATCH /organization': {
    action: 'organization.update',
    request: () => ({ json: { name: unique('Renamed') } }),
  },
  'GET /memberships': { action: 'membership.read' },
  'POST /memberships': {
    action: 'membership.create',
    request: async () => ({ json: { userId: (await makeUser(gt, 'new')).id, role: 'staff' } }),
  },
  'PATCH /memberships/{id}': {
    action: 'membership.update',
    request: async (org) => ({
      params: { id: await newMembership(gt, org) },
      json: { role: 'admin' },
    }),
  },
  'DELETE /memberships/{id}': {
    action: 'membership.delete',
    request: async (org) => ({ params: { id: await newMembership(gt, org) } }),
  },
  'GET /audit-log': { action: 'audit.read', request: () => ({ query: 'limit=5' }) },
  'GET /customers': { action: 'customer.read', request: () => ({ query: 'limit=5' }) },
  'GET /tags': { action: 'tag.read' },
  'POST /customers': {
    action: 'customer.write',
    request: () => ({ json: { name: unique('Created'), type: 'customer' } }),
  },
  'GET /customers/{id}': {
    action: 'customer.read',
    request: (org) => ({ params: { id: org.customerId } }),
  },
  'PATCH /customers/{id}': {
    action: 'customer.write',
    request: (org) => ({ params: { id: org.customerId }, json: { notes: unique('note') } }),
  },
  'DELETE /customers/{id}': {
    action: 'customer.delete',
    request: async (org) => ({ params: { id: await newCustomer(org) } }),
  },
  'POST /customers/import': {
    action: 'customer.import',
    request: () => ({ csv: `name,email\n${unique('Imported')},imp${counter}@example.com\n` }),
  },
  'GET /customers/{id}/consent': {
    action: 'consent.read',
    request: (org) => ({ params: { id: org.customerId } }),
  },
  'PUT /customers/{id}/consent/{channel}': {
    action: 'consent.write',
    request: (org) => ({
      params: { id: org.customerId, channel: 'email' },
      json: { status: counter++ % 2 ? 'subscribed' : 'unsubscribed', source: 'matrix' },
    }),
  },
  'GET /settings/consent-policy': { action: 'consent.read' },
  'PUT /settings/consent-policy': {
    action: 'consent.policy',
    request: () => ({ json: { email: counter++ % 2 ? 'opt_in' : 'opt_out' } }),
  },
  'GET /settings/sending': { action: 'settings.read' },
  'PUT /settings/sending': {
    action: 'settings.write',
    request: () => ({
      json: { frequencyCap: { sms: { messages: 1 + (counter++ % 5), days: 7 } } },
    }),
  },
  'GET /settings/sms-keywords': { action: 'sms_keywords.read' },
  'PUT /settings/sms-keywords': {
    action: 'sms_keywords.write',
    request: () => ({ json: { helpReply: counter++ % 2 ? `Help ${counter}` : null } }),
  },
  'GET /customers/{id}/timeline': {
    action: 'customer.read',
    request: (org) => ({ params: { id: org.customerId } }),
  },
  'GET /customers/{id}/export': {
    action: 'customer.export',
    request: (org) => ({ params: { id: org.customerId } }),
  },
  'POST /customers/{id}/erase': {
    action: 'customer.erase',
    request: async (org) => ({ params: { id: await newCustomer(org) } }),
  },
  'GET /integrations': { action: 'integration.read' },
  'POST /integrations': {
    action: 'integration.manage',
    request: () => ({
      json: { provider: 'sendgrid', name: unique('mail'), credentials: { apiKey: 'SG.x' } },
    }),
  },
  'GET /integrations/{id}': {
    action: 'integration.read',
    request: (org) => ({ params: { id: org.integrationId } }),
  },
  'PATCH /integrations/{id}': {
    action: 'integration.manage',
    request: (org) => ({ params: { id: org.integrationId }, json: { name: unique('renamed') } }),
  },
  'DELETE /integrations/{id}': {
    action: 'integration.manage',
    request: async (org) => ({ params: { id: await newIntegration(org) } }),
  },
  'GET /segments': { action: 'segment.read' },
  'POST /segments': {
    action: 'segment.write',
    request: () => ({
      json: { name: unique('Segment'), rule: { field: 'type', op: 'eq', value: 'customer' } },
    }),
  },
  'POST /segments/preview': {
    action: 'segment.read',
    request: () => ({ json: { rule: { field: 'type', op: 'eq', value: 'lead' } } }),
  },
  'GET /segments/{id}': {
    action: 'segment.read',
    request: (org) => ({ params: { id: org.segmentId } }),
  },
  'PATCH /segments/{id}': {
    action: 'segment.write',
    request: (org) => ({
      params: { id: org.segmentId },
      json: { name: unique('Renamed segment') },
    }),
  },
  'DELETE /segments/{id}': {
    action: 'segment.delete',
    request: async (org) => ({ params: { id: await newSegment(org) } }),
  },
  'GET /segments/{id}/preview': {
    action: 'segment.read',
    request: (org) => ({ params: { id: org.segmentId }, query: 'sampleSize=2' }),
  },
  'GET /campaigns': { action: 'campaign.read' },
  'POST /campaigns': {
    action: 'campaign.write',
    request: () => ({ json: { name: unique('Campaign'), channel: 'sms' } }),
  },
  'GET /campaigns/{id}': {
    action: 'campaign.read',
    request: (org) => ({ params: { id: org.campaignId } }),
  },
  'PATCH /campaigns/{id}': {
    action: 'campaign.write',
    request: (org) => ({ params: { id: org.campaignId }, json: { name: unique('Renamed') } }),
  },
  'DELETE /campaigns/{id}': {
    action: 'campaign.delete',
    request: async (org) => ({ params: { id: await newCampaign(gt, org) } }),
  },
  'POST /campaigns/{id}/schedule': {
    action: 'campaign.send',
    request: async (org) => ({
      params: { id: await newCampaign(gt, org) },
      json: { schedule_at: '2030-01-01T00:00:00Z' },
    }),
  },
  'POST /campaigns/{id}/unschedule': {
    action: 'campaign.send',
    request: async (org) => ({ params: { id: await newCampaign(gt, org, 'scheduled') } }),
  },
  'POST /campaigns/{id}/pause': {
    action: 'campaign.send',
    request: async (org) => ({ params: { id: await newCampaign(gt, org, 'running') } }),
  },
  'POST /campaigns/{id}/resume': {
    action: 'campaign.send',
    request: async (org) => ({ params: { id: await newCampaign(gt, org, 'paused') } }),
  },
  'POST /campaigns/{id}/cancel': {
    action: 'campaign.send',
    request: async (org) => ({ params: { id: await newCampaign(gt, org) } }),
  },
  'GET /campaigns/{id}/runs': {
    action: 'campaign.read',
    request: (org) => ({ params: { id: org.campaignId } }),
  },
  'POST /campaigns/{id}/test': {
    action: 'campaign.test',
    bodyNamesRows: true,
    request: (org) => ({
      params: { id: org.campaignId },
      json: { to: 'matrix@example.com', customerId: org.customerId },
    }),
  },
  'POST /invoices/{id}/send': {
    action: 'invoice.send',
    request: async (org) => ({
      params: { id: await draftInvoice(gt, org) },
      json: { via: ['email'] },
    }),
  },
  'GET /campaigns/{id}/messages': {
    action: 'campaign.read',
    request: (org) => ({ params: { id: org.campaignId }, query: 'limit=5&status=sent' }),
  },
  'GET /campaigns/{id}/holdout': {
    action: 'campaign.read',
    request: (org) => ({ params: { id: org.campaignId }, query: 'windowDays=30' }),
  },
  'GET /campaign-runs/{id}/audience': {
    action: 'campaign.read',
    request: (org) => ({ params: { id: org.campaignRunId }, query: 'limit=5' }),
  },
  'GET /unknown-outcomes': { action: 'campaign.read', request: () => ({ query: 'limit=5' }) },
  'POST /unknown-outcomes/{id}/resolve': {
    action: 'campaign.write',
    request: async (org) => ({
      params: { id: (await makeHeldMessage(gt, org.organizationId, org.owner)).messageId },
      json: { outcome: 'sent', note: 'in the provider log' },
    }),
  },
  'POST /unknown-outcomes/{id}/resend': {
    action: 'campaign.send',
    request: async (org) => ({
      params: { id: (await makeHeldMessage(gt, org.organizationId, org.owner)).messageId },
    }),
  },
  'GET /templates': { action: 'template.read', request: () => ({ query: 'channel=email' }) },
  'POST /templates': {
    action: 'template.write',
    request: () => ({
      json: {
        channel: 'email',
        name: unique('Template'),
        subject: 'Hi {{ customer.first_name }}',
        content: '<p>{{ customer.name }}</p>',
      },
    }),
  },
  'POST /templates/search': {
    action: 'template.read',
    request: () => ({ json: { text: 'a friendly hello', channel: 'sms' } }),
  },
  'POST /templates/preview': {
    action: 'template.read',
    bodyNamesRows: true,
    request: (org) => ({
      json: { channel: 'sms', content: 'Hi {{ customer.name }}', customerId: org.customerId },
    }),
  },
  'GET /templates/{id}': {
    action: 'template.read',
    request: (org) => ({ params: { id: org.templateId } }),
  },
  'POST /templates/{id}/preview': {
    action: 'template.read',
    request: (org) => ({ params: { id: org.templateId }, json: { customerId: org.customerId } }),
  },
  'PATCH /templates/{id}': {
    action: 'template.write',
    request: (org) => ({
      params: { id: org.templateId },
      json: { name: unique('Renamed template') },
    }),
  },
  'DELETE /templates/{id}': {
    action: 'template.delete',
    request: async (org) => ({ params: { id: await newTemplate(org) } }),
  },
  'POST /invoices/{id}/payment-link': {
    action: 'invoice.payment_link',
    request: async (org) => ({ params: { id: await makeLinkedInvoice(gt, org.organizationId) } }),
  },
  'GET /invoices': { action: 'invoice.read', request: () => ({ query: 'limit=5' }) },
  'GET /invoices/aging': { action: 'invoice.read' },
  'GET /invoices/{id}': {
    action: 'invoice.read',
    request: (org) => ({ params: { id: org.invoiceId } }),
  },
  'POST /invoices/{id}/payments': {
    action: 'payment.record',
    request: async (org) => ({
      params: { id: await newInvoice(gt, org) },
      json: { amount_cents: 2_500, method: 'check' },
    }),
  },
  'GET /payments': { action: 'payment.read', request: () => ({ query: 'limit=5' }) },
  'GET /payments/{id}': {
    action: 'payment.read',
    request: (org) => ({ params: { id: org.paymentId } }),
  },
  'POST /events': {
    action: 'event.track',
    // Names the organization's customer: another organization's caller gets 404.
    bodyNamesRows: true,
    request: (org) => ({
      json: {
        events: [
          {
            name: 'matrix_visit',
            occurred_at: '2026-06-01T08:00:00Z',
            customer_id: org.customerId,
            ga_client_id: `GA.${unique('matrix')}`,
          },
        ],
      },
    }),
  },
  'GET /events': {
    action: 'event.read',
    request: (org) => ({ query: `customerId=${org.customerId}&limit=5` }),
  },
  'GET /campaigns/{id}/kpis': {
    action: 'campaign.read',
    request: (org) => ({ params: { id: org.campaignId }, query: 'model=linear' }),
  },
  'GET /campaigns/{id}/funnel': {
    action: 'campaign.read',
    request: (org) => ({ params: { id: org.campaignId } }),
  },
  'GET /kpis/series': {
    action: 'campaign.read',
    // Names the organization's campaign: another organization's caller gets 404.
    bodyNamesRows: true,
    request: (org) => ({ query: `from=2026-05-01&to=2026-05-31&campaignId=${org.campaignId}` }),
  },
  'GET /kpis/top-campaigns': {
    action: 'campaign.read',
    request: () => ({ query: 'from=2026-05-01&to=2026-05-31&limit=5' }),
  },
  'POST /kpis/refresh': { action: 'kpi.refresh' },
});

/**
 * Who calls. `acts` is the organization the credentials act in; requests always carry
 * Home's ids, so a caller acting in Other is a cross-tenant caller.
 */
interface Caller {
  name: string;
  /** How the credentials are presented; `expired`/`none`/`non-member` never authenticate. */
  auth: 'session' | 'token' | 'expired' | 'none' | 'non-member';
  role: Role;
  acts: 'home' | 'other';
  /** Token scopes: exactly the route's action, or only some other action. */
  scopes?: 'needed' | 'other';
}

const callers: Caller[] = [
  { name: 'owner', auth: 'session', role: 'owner', acts: 'home' },
  { name: 'admin', auth: 'session', role: 'admin', acts: 'home' },
  { name: 'staff', auth: 'session', role: 'staff', acts: 'home' },
  {
    name: 'owner token with the scope',
    auth: 'token',
    role: 'owner',
    acts: 'home',
    scopes: 'needed',
  },
  {
    name: 'owner token without the scope',
    auth: 'token',
    role: 'owner',
    acts: 'home',
    scopes: 'other',
  },
  {
    name: 'staff token with the scope',
    auth: 'token',
    role: 'staff',
    acts: 'home',
    scopes: 'needed',
  },
  { name: 'expired owner token', auth: 'expired', role: 'owner', acts: 'home' },
  { name: 'no credentials', auth: 'none', role: 'owner', acts: 'home' },
  // Other's owner holding a (validly signed) token for Home, where they are no member.
  { name: "other org's owner, token for home", auth: 'non-member', role: 'owner', acts: 'home' },
  { name: "other org's owner", auth: 'token', role: 'owner', acts: 'other' },
  { name: "other org's staff", auth: 'session', role: 'staff', acts: 'other' },
];

/** A UUID-formatted path parameter names a tenant row (`{channel}` does not). */
const idParams = (operation: Operation) =>
  operation.parameters
    .filter((p) => p.in === 'path' && p.schema.format === 'uuid')
    .map((p) => p.name);

/**
 * The status `caller` must get, from the RBAC table and who the caller is: no valid
 * credentials → 401; role below the action's row, or a token whose scopes lack the action
 * → 403 (decided before any id is read, so it cannot depend on whether the id exists);
 * another organization's ids → 404; else the documented 2xx.
 */
function expectedStatus(entry: RouteEntry, operation: Operation, caller: Caller): number {
  if (entry.action === 'public' || entry.action === 'signed') return operation.success;
  if (caller.auth === 'none' || caller.auth === 'expired' || caller.auth === 'non-member')
    return 401;
  if (!roleAtLeast(caller.role, permissions[entry.action])) return 403;
  if (caller.scopes === 'other') return 403;
  if (caller.acts === 'other' && (idParams(operation).length > 0 || entry.bodyNamesRows))
    return 404;
  return operation.success;
}

describe(`tenant isolation matrix from openapi.json [${databaseKind}]`, () => {
  let gt: GreenTrack;
  let cleanup: () => Promise<void>;
  let operations: Operation[];
  let routes: Record<string, RouteEntry>;
  let home: SeededOrg;
  let other: SeededOrg;
  let expiredToken: string;
  const clock = fixedClock('2026-06-01T09:00:00.000Z');
  const logged: unknown[] = [];

  async function seed(name: string): Promise<SeededOrg> {
    const org = await makeOrganization(gt, name);
    const owner = gt.as({ userId: org.owner.id, organizationId: org.organization.id });
    const customer = await owner.customers.create({
      name: `${name} customer`,
      type: 'customer',
      email: `${name.toLowerCase()}@example.com`,
      tags: ['vip'],
    });
    await owner.consent.set(customer.id, 'email', 'subscribed');
    const seeded: SeededOrg = {
      organizationId: org.organization.id,
      users: { owner: org.owner, admin: org.admin, staff: org.staff },
      owner,
      customerId: customer.id,
      integrationId: '',
      segmentId: '',
      campaignId: '',
      campaignRunId: '',
      templateId: '',
      invoiceId: '',
      paymentId: '',
    };
    seeded.integrationId = await newIntegration(seeded);
    seeded.segmentId = await newSegment(seeded);
    seeded.templateId = await newTemplate(seeded);
    seeded.campaignId = await newCampaign(gt, seeded);
    const started = await newCampaign(gt, seeded, 'running');
    const [run] = await owner.campaigns.runs(started);
    seeded.campaignRunId = run?.id ?? '';
    seeded.invoiceId = await newInvoice(gt, seeded);
    seeded.paymentId = (
      await owner.payments.recordManual(seeded.invoiceId, { amount_cents: 1_000 })
    ).payment.id;
    return seeded;
  }

  beforeAll(async () => {
    ({ gt, cleanup } = await createTestGreenTrack({
      clock,
      secret: SECRET,
      providers: { webhooks: [testWebhookSource('twilio')] },
      http: { logger: { error: (_message, context) => logged.push(context.error) } },
      // The host's session: a header naming user and organization (tests only).
      authenticate: (request) => {
        const [userId, organizationId] = (request.headers.get('x-test-session') ?? '').split(':');
        return userId && organizationId ? { userId, organizationId } : null;
      },
    }));
    home = await seed('Home');
    other = await seed('Other');
    operations = operationsOf(await openApiDocument(gt, BASE), BASE_PATH);
    routes = routesFor(gt);
    // Expired by the clock, not by sleeping: issued now, valid 60 s, then time moves on.
    expiredToken = gt.tokens.issue({
      userId: home.users.owner.id,
      organizationId: home.organizationId,
      ttlSeconds: 60,
    });
    clock.advance(61_000);
  });
  afterAll(() => cleanup());

  function headersFor(caller: Caller, entry: RouteEntry): Headers {
    const headers = new Headers();
    const org = caller.acts === 'home' ? home : other;
    const user = org.users[caller.role];
    const action =
      entry.action === 'public' || entry.action === 'signed' ? 'profile.read' : entry.action;
    const token = (organizationId: string, scopes?: string[]) =>
      gt.tokens.issue({
        userId: user.id,
        organizationId,
        ttlSeconds: 3600,
        ...(scopes ? { scopes } : {}),
      });
    switch (caller.auth) {
      case 'session':
        headers.set('x-test-session', `${user.id}:${org.organizationId}`);
        break;
      case 'token': {
        const scopes =
          caller.scopes === 'needed'
            ? [action]
            : caller.scopes === 'other'
              ? [action === 'profile.read' ? 'organization.read' : 'profile.read']
              : undefined;
        headers.set('authorization', `Bearer ${token(org.organizationId, scopes)}`);
        break;
      }
      case 'expired':
        headers.set('authorization', `Bearer ${expiredToken}`);
        break;
      case 'non-member':
        headers.set(
          'authorization',
          `Bearer ${gt.tokens.issue({ userId: other.users.owner.id, organizationId: home.organizationId, ttlSeconds: 3600 })}`,
        );
        break;
      case 'none':
        break;
    }
    return headers;
  }

  async function send(operation: Operation, parts: RequestParts, headers: Headers) {
    const query = parts.query ? `?${parts.query}` : '';
    const init: RequestInit = { method: operation.method, headers };
    for (const [name, value] of Object.entries(parts.headers ?? {})) headers.set(name, value);
    if (parts.json !== undefined) {
      headers.set('content-type', 'application/json');
      init.body = JSON.stringify(parts.json);
    } else if (parts.csv !== undefined) {
      headers.set('content-type', 'text/csv');
      init.body = parts.csv;
    } else if (parts.form !== undefined) {
      headers.set('content-type', 'application/x-www-form-urlencoded');
      init.body = parts.form;
    }
    const res = await gt.handler(
      new Request(`${BASE}${fillPath(operation.path, parts.params ?? {})}${query}`, init),
    );
    return { status: res.status, text: await res.text() };
  }

  it('has a row for every documented route, and none for a route that is gone', () => {
    const documented = operations.map((o) => o.key).sort();
    expect(Object.keys(routes).sort()).toEqual(documented);
    // Routes with path parameters must say how to fill them.
    const unfillable = operations.filter(
      (o) => o.path.includes('{') && routes[o.key]?.request === undefined,
    );
    expect(unfillable.map((o) => o.key)).toEqual([]);
  });

  it('answers every route × caller as the RBAC table says, with no cross-tenant reads or writes', async () => {
    const failures: string[] = [];
    const tally: Record<number, number> = {};
    let cases = 0;
    for (const operation of operations) {
      const entry = routes[operation.key];
      if (!entry) continue; // reported by the coverage test
      for (const caller of callers) {
        const expected = expectedStatus(entry, operation, caller);
        const label = `${operation.key} as ${caller.name}`;
        // Requests carry Home's ids; whoever acts, the other organization is the bystander.
        const parts = (await entry.request?.(home)) ?? {};
        const actsIn =
          entry.action === 'signed' || (caller.acts === 'home' && caller.auth !== 'non-member')
            ? home
            : other;
        const bystander = actsIn === home ? other : home;
        const refused = expected >= 400;
        const rowsBefore = await organizationRows(gt.db, bystander.organizationId);
        const before = refused ? await databaseFingerprint(gt.db) : undefined;

        const res = await send(operation, parts, headersFor(caller, entry));
        cases++;
        tally[res.status] = (tally[res.status] ?? 0) + 1;
        if (res.status !== expected) {
          failures.push(
            `${label}: expected ${expected}, got ${res.status} ${res.text.slice(0, 200)}`,
          );
          continue;
        }
        if (!operation.statuses.includes(String(res.status)))
          failures.push(`${label}: ${res.status} is not a documented status`);
        if (refused && JSON.stringify(await databaseFingerprint(gt.db)) !== JSON.stringify(before))
          failures.push(`${label}: a refused request wrote to the database`);
        const rowsAfter = await organizationRows(gt.db, bystander.organizationId);
        if (JSON.stringify(rowsAfter) !== JSON.stringify(rowsBefore))
          failures.push(`${label}: the bystander organization's rows changed`);
        // No id of the bystander's rows in the answer, unless the request itself sent it.
        const sent = JSON.stringify(parts);
        const leaked = new Set(
          Object.values(rowsBefore)
            .flat()
            .flatMap((row) => row.match(UUID) ?? [])
            .filter((id) => !sent.includes(id) && res.text.includes(id)),
        );
        if (leaked.size > 0)
          failures.push(`${label}: answer carries the bystander's ids ${[...leaked].join(', ')}`);

        // Existence must not leak: another tenant's id is answered like an id that exists
        // nowhere (same status, same code).
        const ids = idParams(operation);
        if (caller.acts === 'other' && ids.length > 0) {
          const nowhere = {
            ...parts,
            params: { ...parts.params, ...Object.fromEntries(ids.map((id) => [id, randomUUID()])) },
          };
          const twin = await send(operation, nowhere, headersFor(caller, entry));
          const code = (text: string) =>
            (JSON.parse(text) as { error?: { code?: string } }).error?.code;
          if (twin.status !== res.status || code(twin.text) !== code(res.text))
            failures.push(
              `${label}: foreign id → ${res.status} ${code(res.text)}, unknown id → ${twin.status} ${code(twin.text)}`,
            );
        }
      }
    }
    expect(failures).toEqual([]);
    expect(logged).toEqual([]);
    expect(cases).toBe(operations.length * callers.length);
    // Every branch of the derivation was exercised.
    expect(Object.keys(tally).map(Number)).toEqual(
      expect.arrayContaining([200, 201, 204, 302, 401, 403, 404]),
    );
    // Every route × every caller, each case with fresh rows: about a minute on PGlite on a
    // busy 2-core machine, past Vitest's default 60 s.
  }, 240_000);
});
