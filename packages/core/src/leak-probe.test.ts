/**
 * The leak probe (issue 9, item 5): every method of the tenant facade, run for organization
 * A while organization B has rows in every tenant table. The facade is built over a
 * database access that records any way out of A — `system(…)`, the raw login connection,
 * or a tenant connection for another organization — and every answer (or error) is
 * searched for B's ids and names. B's rows must be the same afterwards.
 *
 * Row-level security is on, so even a query that forgets `where organization_id` cannot
 * return B's rows; the probe proves each method actually runs under it (a method that
 * reached for the system path or the login would be caught here before any route exists
 * for it). Adding a facade method without a row in `calls` fails the coverage test.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestGreenTrack,
  databaseKind,
  makeOrganization,
  makeUser,
  startDueCampaignsOnly,
} from '../test/harness.js';
import { makeHeldMessage } from '../test/held-message.js';
import { seedCustomerHistory } from '../test/history-fixture.js';
import { makeLinkedInvoice } from '../test/linked-invoice.js';
import { organizationRows } from '../test/rows.js';
import { renderWithTemplates } from './campaigns/index.js';
import type { DatabaseAccess } from './db/access.js';
import { createViewRefresher } from './db/index.js';
import { testAnalyticsForwarder } from './ga-forwarding/test-forwarder.js';
import type { GreenTrack } from './greentrack.js';
import { customerData } from './modules.js';
import { hashingEmbedder } from './providers/hashing-embedder.js';
import type { InvoiceSourceConnector } from './providers/invoices.js';
import { createKeyring } from './secrets/index.js';
import { createTenantFacade, type TenantFacade } from './tenant.js';
import { insertTestWebhook } from './webhooks/test-source.js';

const SECRET = 'leak-probe-secret-0123456789abcdef012345';
/** Google Analytics in memory (the real adapter is tested in `@greentrack/adapters`). */
const probeAnalytics = testAnalyticsForwarder();
const SHARED_INVOICE = 'INV-SHARED-1';

/**
 * A ZeroInvoice account in memory (the real adapter is tested in `@greentrack/adapters`):
 * one invoice for the email both organizations' shared customers have, so a link that
 * crossed over would show.
 */
const probeInvoiceSource: InvoiceSourceConnector = {
  provider: 'zeroinvoice',
  connect: () => ({
    async *invoices() {
      yield {
        cursor: 'c1',
        invoices: [
          {
            externalInvoiceId: 'INV-SYNCED-1',
            externalCustomerId: null,
            customerEmail: 'shared@example.com',
            status: 'sent',
            currency: 'usd',
            subtotalCents: 900,
            taxCents: 100,
            totalCents: 1000,
            amountDueCents: 1000,
            dueDate: '2026-01-31',
            items: [
              {
                name: 'Probe',
                description: null,
                quantity: '1',
                unitPriceCents: 900,
                totalCents: 900,
                position: 0,
              },
            ],
            raw: { id: 'INV-SYNCED-1' },
          },
        ],
      };
    },
  }),
};
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

/** What a call may use: A's facade and ids of A's rows it can consume. */
interface Fixture {
  gt: GreenTrack;
  org: TenantFacade;
  customerId: string;
  segmentId: string;
  integrationId: string;
  templateId: string;
  /** A's paid invoice, whose ZeroInvoice id B's invoice has too. */
  invoiceId: string;
  /** A's ZeroInvoice integration account (the probe's in-memory source). */
  invoiceAccountId: string;
  newCustomer(): Promise<string>;
  /** An open invoice of A's shared customer, its payment link stored. */
  newOpenInvoice(): Promise<string>;
  /** A campaign of A in `status` (email, A's template and segment). */
  newCampaign(status?: 'draft' | 'scheduled' | 'running' | 'paused'): Promise<string>;
  /** The message id of a held (`unknown`) campaign message of A. */
  newHeldMessage(): Promise<string>;
}

type Call = (f: Fixture) => Promise<unknown>;

/** One row per facade method: a valid call in A. */
const calls: Record<string, Call> = {
  role: (f) => f.org.role(),
  me: (f) => f.org.me(),
  'organization.get': (f) => f.org.organization.get(),
  'organization.update': (f) => f.org.organization.update({ name: 'A renamed' }),
  'memberships.list': (f) => f.org.memberships.list(),
  'memberships.add': async (f) =>
    f.org.memberships.add({ userId: (await makeUser(f.gt, 'probe')).id, role: 'staff' }),
  'memberships.updateRole': async (f) => {
    const m = await f.org.memberships.add({ userId: (await makeUser(f.gt)).id, role: 'staff' });
    return f.org.memberships.updateRole(m.id, { role: 'admin' });
  },
  'memberships.remove': async (f) => {
    const m = await f.org.memberships.add({ userId: (await makeUser(f.gt)).id, role: 'staff' });
    return f.org.memberships.remove(m.id);
  },
  'auditLog.list': (f) => f.org.auditLog.list({ limit: 200 }),
  'customers.list': (f) => f.org.customers.list({ limit: 200 }),
  'customers.get': (f) => f.org.customers.get(f.customerId),
  'customers.create': (f) =>
    f.org.customers.create({ type: 'lead', name: 'Probe Lead', tags: ['vip', 'probe'] }),
  'customers.update': (f) => f.org.customers.update(f.customerId, { notes: 'probed' }),
  'customers.remove': async (f) => f.org.customers.remove(await f.newCustomer()),
  // Matches by email and phone across the organization's customers: B's share them.
  'customers.import': (f) =>
    f.org.customers.import(
      'name,email,phone,tags\nShared Email,shared@example.com,+14155550100,vip\n',
    ),
  'customers.timeline': (f) => f.org.customers.timeline(f.customerId, { limit: 100 }),
  'customers.export': (f) => f.org.customers.export(f.customerId),
  'customers.erase': async (f) => f.org.customers.erase(await f.newCustomer()),
  'tags.list': (f) => f.org.tags.list(),
  'consent.get': (f) => f.org.consent.get(f.customerId),
  'consent.set': (f) => f.org.consent.set(f.customerId, 'sms', 'subscribed', { source: 'probe' }),
  'consent.policy.get': (f) => f.org.consent.policy.get(),
  'consent.policy.set': (f) => f.org.consent.policy.set({ sms: 'opt_in' }),
  'settings.sending.get': (f) => f.org.settings.sending.get(),
  'settings.sending.set': (f) => f.org.settings.sending.set({ timeZone: 'Europe/London' }),
  'settings.smsKeywords.get': (f) => f.org.settings.smsKeywords.get(),
  'settings.smsKeywords.set': (f) =>
    f.org.settings.smsKeywords.set({ helpReply: 'Probe shop: reply STOP to opt out.' }),
  'integrations.list': (f) => f.org.integrations.list(),
  'integrations.get': (f) => f.org.integrations.get(f.integrationId),
  'integrations.create': (f) =>
    f.org.integrations.create({ provider: 'postmark', name: 'probe', credentials: { token: 't' } }),
  'integrations.update': (f) => f.org.integrations.update(f.integrationId, { name: 'renamed' }),
  'integrations.remove': async (f) =>
    f.org.integrations.remove(
      (
        await f.org.integrations.create({
          provider: 'twilio',
          name: 'gone',
          credentials: { apiKey: 'x' },
        })
      ).id,
    ),
  'segments.list': (f) => f.org.segments.list(),
  'segments.get': (f) => f.org.segments.get(f.segmentId),
  'segments.create': (f) =>
    f.org.segments.create({
      name: 'Probe segment',
      rule: { field: 'tags', op: 'has_any', values: ['vip'] },
    }),
  'segments.update': (f) => f.org.segments.update(f.segmentId, { name: 'Renamed segment' }),
  'segments.remove': async (f) =>
    f.org.segments.remove(
      (
        await f.org.segments.create({
          name: 'Gone',
          rule: { field: 'type', op: 'eq', value: 'lead' },
        })
      ).id,
    ),
  'segments.preview': (f) => f.org.segments.preview(f.segmentId, { sampleSize: 50 }),
  'segments.previewDraft': (f) =>
    f.org.segments.previewDraft({
      rule: {
        any: [
          { field: 'tags', op: 'has_any', values: ['vip'] },
          { field: 'email_domain', op: 'eq', value: 'example.com' },
          { field: 'consent', op: 'subscribed', channel: 'email' },
          { field: 'overdue_amount', op: 'gt', value: 0 },
          { field: 'paid_total', op: 'gt', value: 0, days: 3650 },
          { field: 'invoice_count', op: 'gt', value: 0, days: 3650 },
          { field: 'last_paid', op: 'older_than', days: 1 },
          { field: 'never_paid' },
          { field: 'invoice_status', op: 'has', value: 'paid' },
          { field: 'engagement', op: 'opened', days: 3650 },
          { field: 'engagement', op: 'not_messaged', days: 1 },
          { field: 'event', name: 'booking_request', op: 'at_least', value: 1, days: 3650 },
        ],
      },
    }),
  'campaigns.list': (f) => f.org.campaigns.list(),
  'campaigns.get': async (f) => f.org.campaigns.get(await f.newCampaign()),
  'campaigns.create': (f) => f.org.campaigns.create({ name: 'Probe', channel: 'email' }),
  'campaigns.update': async (f) =>
    f.org.campaigns.update(await f.newCampaign(), { name: 'Renamed' }),
  'campaigns.remove': async (f) => f.org.campaigns.remove(await f.newCampaign()),
  'campaigns.schedule': async (f) => f.org.campaigns.schedule(await f.newCampaign()),
  'campaigns.unschedule': async (f) => f.org.campaigns.unschedule(await f.newCampaign('scheduled')),
  'campaigns.pause': async (f) => f.org.campaigns.pause(await f.newCampaign('running')),
  'campaigns.resume': async (f) => f.org.campaigns.resume(await f.newCampaign('paused')),
  'campaigns.cancel': async (f) => f.org.campaigns.cancel(await f.newCampaign('running')),
  'campaigns.runs': async (f) => f.org.campaigns.runs(await f.newCampaign('running')),
  'campaigns.holdout': async (f) => f.org.campaigns.holdout(await f.newCampaign('running')),
  'campaigns.audience': async (f) => {
    const [run] = await f.org.campaigns.runs(await f.newCampaign('running'));
    return f.org.campaigns.audience(run?.id ?? '', { limit: 500 });
  },
  'campaigns.sendTest': async (f) =>
    f.org.campaigns.sendTest(await f.newCampaign(), {
      to: 'probe@example.com',
      customerId: f.customerId,
    }),
  'campaigns.messages': async (f) =>
    f.org.campaigns.messages(await f.newCampaign('running'), { limit: 200 }),
  'campaigns.unknownOutcomes': (f) => f.org.campaigns.unknownOutcomes({ limit: 500 }),
  'campaigns.resolveUnknown': async (f) =>
    f.org.campaigns.resolveUnknown(await f.newHeldMessage(), { outcome: 'sent' }),
  'campaigns.resendUnknown': async (f) => f.org.campaigns.resendUnknown(await f.newHeldMessage()),
  'templates.list': (f) => f.org.templates.list(),
  'templates.search': (f) => f.org.templates.search({ text: 'probe', limit: 50 }),
  'templates.get': (f) => f.org.templates.get(f.templateId),
  'templates.create': (f) =>
    f.org.templates.create({ channel: 'sms', name: 'Probe template', content: 'Hi' }),
  'templates.update': (f) => f.org.templates.update(f.templateId, { name: 'Renamed template' }),
  'templates.remove': async (f) =>
    f.org.templates.remove(
      (await f.org.templates.create({ channel: 'sms', name: 'Gone', content: 'x' })).id,
    ),
  'invoices.list': (f) => f.org.invoices.list({ limit: 50 }),
  'invoices.get': (f) => f.org.invoices.get(f.invoiceId),
  'invoices.aging': (f) => f.org.invoices.aging(),
  'invoices.paymentLink': async (f) => f.org.invoices.paymentLink(await f.newOpenInvoice()),
  'invoices.send': async (f) => f.org.invoices.send(await f.newOpenInvoice(), { via: ['email'] }),
  // The source names the email both organizations' customers have.
  'invoices.sync': (f) => f.org.invoices.sync({ accountId: f.invoiceAccountId, full: true }),
  'payments.list': (f) => f.org.payments.list({ limit: 50 }),
  'payments.get': async (f) => {
    const { payment } = await f.org.payments.recordManual(await f.newOpenInvoice(), {
      amount_cents: 100,
    });
    return f.org.payments.get(payment.id);
  },
  // By the ZeroInvoice id B's invoice has too: only A's invoice may change.
  'payments.record': (f) =>
    f.org.payments.record({
      externalPaymentId: 'pi_probe_shared',
      externalInvoiceId: SHARED_INVOICE,
      kind: 'refund',
      amountCents: 500,
      currency: 'usd',
      status: 'succeeded',
      method: 'card',
      processedAt: null,
      rawPayload: { id: 'pi_probe_shared' },
    }),
  'payments.recordManual': async (f) =>
    f.org.payments.recordManual(await f.newOpenInvoice(), { amount_cents: 250, method: 'cash' }),
  'webhooks.list': (f) => f.org.webhooks.list({ limit: 50 }),
  'webhooks.get': async (f) =>
    f.org.webhooks.get(
      await insertTestWebhook(f.gt.database, f.org.actor.organizationId, f.integrationId),
    ),
  'webhooks.replay': async (f) =>
    f.org.webhooks.replay(
      await insertTestWebhook(f.gt.database, f.org.actor.organizationId, f.integrationId),
    ),
  'webhooks.reprocess': (f) => f.org.webhooks.reprocess({ status: 'failed' }),
  'webhooks.stats': (f) => f.org.webhooks.stats(),
  // B's shared customer has the same email and B has a session of the same GA client id.
  'events.track': (f) =>
    f.org.events.track([
      { name: 'probe', occurred_at: '2026-06-01T12:00:00Z', email: 'shared@example.com' },
      {
        name: 'probe',
        occurred_at: '2026-06-01T12:05:00Z',
        ga_client_id: 'GA.shared',
        email: 'shared@example.com',
      },
    ]),
  'events.list': (f) => f.org.events.list({ limit: 200 }),
  'googleAnalytics.status': (f) => f.org.googleAnalytics.status(),
  'googleAnalytics.validate': (f) => f.org.googleAnalytics.validate(),
  'settings.attribution.get': (f) => f.org.settings.attribution.get(),
  'settings.attribution.set': (f) => f.org.settings.attribution.set({ touches: { open: true } }),
  'attribution.list': (f) => f.org.attribution.list({ limit: 200 }),
  'attribution.recompute': (f) => f.org.attribution.recompute({ since: '2000-01-01T00:00:00Z' }),
  'kpis.campaign': async (f) => f.org.kpis.campaign(await f.newCampaign('running')),
  'kpis.funnel': async (f) => f.org.kpis.funnel(await f.newCampaign('running')),
  'kpis.series': (f) => f.org.kpis.series({}),
  'kpis.topCampaigns': (f) => f.org.kpis.topCampaigns({ from: '2026-01-01', to: '2026-12-31' }),
  'kpis.refresh': (f) => f.org.kpis.refresh(),
  // The shared customer's latest invoice fills `invoice.*`: B's invoice has the same number.
  'templates.preview': (f) => f.org.templates.preview(f.templateId, { customerId: f.customerId }),
  'templates.previewDraft': (f) =>
    f.org.templates.previewDraft({
      channel: 'email',
      subject: '{{ organization.name }}',
      content: '<p>{{ customer.name }} {{ customer.email }}</p>',
      customerId: f.customerId,
    }),
};

/** The facade's methods, as dotted paths (`consent.policy.set`). */
function methodsOf(value: object, prefix = ''): string[] {
  return Object.entries(value).flatMap(([key, member]) => {
    if (typeof member === 'function') return [`${prefix}${key}`];
    if (member && typeof member === 'object' && key !== 'actor')
      return methodsOf(member as object, `${prefix}${key}.`);
    return [];
  });
}

/** Records every way the facade's work could leave organization `mine`. */
function probingAccess(real: DatabaseAccess, mine: string, exits: string[]): DatabaseAccess {
  return {
    rowLevelSecurity: real.rowLevelSecurity,
    get login() {
      exits.push('the login connection');
      return real.login;
    },
    tenant: (organizationId) => {
      if (organizationId !== mine) exits.push(`tenant(${organizationId})`);
      return real.tenant(organizationId);
    },
    system: (why) => {
      exits.push(`system('${why}')`);
      return real.system(why);
    },
  };
}

/** A's and B's owners, customers sharing an email and a phone, history in every table. */
async function seedOrganization(gt: GreenTrack, name: string, key: string) {
  const { organization, owner } = await makeOrganization(gt, name);
  const org = gt.as({ userId: owner.id, organizationId: organization.id });
  const shared = await org.customers.create({
    type: 'customer',
    name: `${name} Shared`,
    email: 'shared@example.com',
    phone: '+14155550100',
    tags: ['vip'],
  });
  await org.consent.set(shared.id, 'email', 'subscribed');
  const history = await seedCustomerHistory(gt, org, {
    key,
    base: '2026-03-02T10:00:00.000Z',
    // The same ZeroInvoice id in both organizations: a join on it alone would cross over.
    externalInvoiceId: 'INV-SHARED-1',
  });
  const segment = await org.segments.create({
    name: `${name} VIPs`,
    rule: { field: 'tags', op: 'has_any', values: ['vip'] },
  });
  const integration = await org.integrations.create({
    provider: 'sendgrid',
    name: `${name} mail`,
    credentials: { apiKey: `SG.${key}` },
  });
  const template = await org.templates.create({
    channel: 'email',
    name: `${name} invoice reminder`,
    subject: 'Invoice {{ invoice.number }} for {{ customer.name }}',
    content:
      '<p>{{ organization.name }}: {{ invoice.amount_due }} {{ invoice.currency }}</p>{% for item in invoice.items %}<p>{{ item.name }}</p>{% endfor %}',
  });
  const greeting = await org.templates.create({
    channel: 'email',
    name: `${name} greeting`,
    subject: 'Hi',
    content: 'Hello {{ customer.name }}',
  });
  // B has a started campaign too: runs, audiences and deliveries in every table.
  const campaign = await org.campaigns.create({
    name: `${name} campaign`,
    channel: 'email',
    template_id: greeting.id,
    segment_id: segment.id,
  });
  await org.campaigns.schedule(campaign.id);
  await gt.worker.tick();
  // And a held message (outcome unknown), which only its own organization may list.
  await makeHeldMessage(gt, organization.id, org);
  // An invoice message, a manual payment and a synced account: rows in the invoice tables.
  const open = await makeLinkedInvoice(gt, organization.id);
  await gt.db
    .updateTable('zeroinvoice_invoices_cache')
    .set({ customer_id: shared.id })
    .where('id', '=', open)
    .execute();
  await org.invoices.send(open, { via: ['email'] });
  await org.payments.recordManual(open, { amount_cents: 50, method: 'cash' });
  // Analytics: events and a GA session of the shared customer.
  await org.events.track({
    name: 'visit',
    occurred_at: '2026-05-01T10:00:00Z',
    ga_client_id: 'GA.shared',
    customer_id: shared.id,
  });
  const invoiceAccount = await org.integrations.create({
    provider: 'zeroinvoice',
    name: `${name} invoices`,
    credentials: { token: `zi-${key}` },
  });
  await org.invoices.sync({ accountId: invoiceAccount.id });
  // A Google Analytics account and a payment of the shared customer forwarded through it.
  await org.integrations.create({
    provider: 'google_analytics',
    credentials: { measurementId: `G-${key}`, apiSecret: `ga-${key}` },
  });
  await gt.db
    .insertInto('events')
    .values({
      organization_id: organization.id,
      customer_id: shared.id,
      name: 'payment_received',
      source: 'system',
      occurred_at: gt.clock.now(),
      properties: JSON.stringify({ revenue_cents: 1200, currency: 'usd' }),
    })
    .execute();
  await gt.worker.tick();
  // A stored webhook and a verification failure counted on the account.
  await insertTestWebhook(gt.database, organization.id, integration.id);
  await gt.database
    .tenant(organization.id)
    .insertInto('webhook_verification_failures')
    .values({
      integration_account_id: integration.id,
      organization_id: organization.id,
      failures: 2,
      last_reason: 'bad_signature',
      last_failed_at: new Date('2026-03-02T10:00:00.000Z'),
    })
    .execute();
  const templateId = greeting.id;
  return {
    organization,
    owner,
    org,
    history,
    segment,
    integration,
    invoiceAccount,
    shared,
    template,
    templateId,
  };
}

describe(`leak probe: every facade method in A, with B's rows in every table [${databaseKind}]`, () => {
  let gt: GreenTrack;
  let cleanup: () => Promise<void>;
  let fixture: Fixture;
  let bystander: string;
  const exits: string[] = [];

  beforeAll(async () => {
    ({ gt, cleanup } = await createTestGreenTrack({
      secret: SECRET,
      providers: { invoices: probeInvoiceSource, analytics: probeAnalytics },
    }));
    const a = await seedOrganization(gt, 'Alpha', 'ALPHA');
    const b = await seedOrganization(gt, 'Bravo', 'BRAVO');
    bystander = b.organization.id;
    const actor = { userId: a.owner.id, organizationId: a.organization.id };
    const org = createTenantFacade(
      {
        database: probingAccess(gt.database, a.organization.id, exits),
        clock: gt.clock,
        emit: () => {},
        keyring: () => createKeyring(SECRET),
        embedder: hashingEmbedder({ dimensions: gt.embedder.dimensions }),
        customerData,
        providers: gt.providers,
        renderMessage: renderWithTemplates,
        invoiceSource: probeInvoiceSource,
        analytics: probeAnalytics,
        // The one way out of A by design: the views hold every organization, so their
        // refresh is the instance's (decision 183). It reads and answers no tenant rows.
        materializedViews: {
          refresher: createViewRefresher({
            database: gt.database,
            dialect: gt.dialect,
            clock: gt.clock,
          }),
          onDemandMinIntervalMs: 0,
        },
      },
      actor,
    );
    fixture = {
      gt,
      org,
      customerId: a.history.customer.id,
      segmentId: a.segment.id,
      integrationId: a.integration.id,
      templateId: a.template.id,
      invoiceId: a.history.ids.invoices[0] ?? '',
      invoiceAccountId: a.invoiceAccount.id,
      newOpenInvoice: async () => {
        const id = await makeLinkedInvoice(gt, a.organization.id);
        await gt.db
          .updateTable('zeroinvoice_invoices_cache')
          .set({ customer_id: a.shared.id })
          .where('id', '=', id)
          .execute();
        return id;
      },
      newCustomer: async () => (await org.customers.create({ type: 'lead', name: 'Temp' })).id,
      newHeldMessage: async () => (await makeHeldMessage(gt, a.organization.id, a.org)).messageId,
      newCampaign: async (status = 'draft') => {
        const { id } = await org.campaigns.create({
          name: 'Probe campaign',
          channel: 'email',
          template_id: a.templateId,
          segment_id: a.segment.id,
        });
        if (status === 'draft') return id;
        await org.campaigns.schedule(id);
        if (status === 'scheduled') return id;
        // The worker is host work: started outside the probed facade.
        await startDueCampaignsOnly(gt);
        if (status === 'paused') await org.campaigns.pause(id);
        return id;
      },
    };
  });
  afterAll(() => cleanup());

  it('has a call for every facade method, and none for a method that is gone', () => {
    expect(Object.keys(calls).sort()).toEqual(methodsOf(fixture.org).sort());
  });

  it('reads and writes nothing of B, and never leaves A', async () => {
    // Sanity: B really has rows in every tenant table the probe is about.
    const before = await organizationRows(gt.db, bystander);
    const empty = Object.entries(before).filter(([, rows]) => rows.length === 0);
    expect(empty.map(([table]) => table)).toEqual([]);
    const bIds = new Set(
      Object.values(before)
        .flat()
        .flatMap((row) => row.match(UUID) ?? []),
    );
    const bNames = ['Bravo', 'BRAVO', 'zelda.bravo'];

    const leaks: string[] = [];
    for (const [method, call] of Object.entries(calls)) {
      let answer: unknown;
      try {
        answer = await call(fixture);
      } catch (error) {
        leaks.push(`${method} failed: ${error instanceof Error ? error.message : String(error)}`);
        continue;
      }
      const text = JSON.stringify(answer, (_key, value) =>
        typeof value === 'bigint' ? value.toString() : value,
      );
      const ids = (text?.match(UUID) ?? []).filter((id) => bIds.has(id));
      const names = bNames.filter((name) => text?.includes(name));
      if (ids.length > 0 || names.length > 0)
        leaks.push(`${method} answered with B's ${[...ids, ...names].join(', ')}`);
    }
    expect(leaks).toEqual([]);
    expect(exits).toEqual([]);
    expect(await organizationRows(gt.db, bystander)).toEqual(before);
  });
});
