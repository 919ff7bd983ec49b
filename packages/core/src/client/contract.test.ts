/**
 * The client's contract with the server, checked against `openapi.json` (the document the
 * route schemas generate): every client method is called against a real server, every
 * request it makes must be an operation of the document, answered with a status the
 * operation declares, and every operation of the document must be reached by some method.
 * A route added without a client method, or a client path that drifted, fails here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestGreenTrack,
  databaseKind,
  makeOrganization,
  startDueCampaignsOnly,
} from '../../test/harness.js';
import { makeHeldMessage } from '../../test/held-message.js';
import { makeLinkedInvoice } from '../../test/linked-invoice.js';
import type { GreenTrack } from '../greentrack.js';
import { insertTestInvoice } from '../invoices/test-invoices.js';
import { insertTestWebhook } from '../webhooks/test-source.js';
import { createClient, type GreenTrackClient } from './index.js';

const BASE = 'http://host.test/api/greentrack';

interface Operation {
  method: string;
  template: string;
  pattern: RegExp;
  statuses: string[];
}

/** Every operation of the document, with a regular expression for its path template. */
function operationsOf(document: {
  paths: Record<string, Record<string, { responses?: Record<string, unknown> }>>;
}): Operation[] {
  return Object.entries(document.paths).flatMap(([template, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({
      method: method.toUpperCase(),
      template,
      pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
      statuses: Object.keys(operation.responses ?? {}),
    })),
  );
}

/** Every function of the client, by dotted name (`customers.list`). */
function methodsOf(client: object, prefix = ''): string[] {
  return Object.entries(client).flatMap(([key, value]) =>
    typeof value === 'function'
      ? [`${prefix}${key}`]
      : typeof value === 'object' && value !== null
        ? methodsOf(value, `${prefix}${key}.`)
        : [],
  );
}

describe(`client contract with openapi.json [${databaseKind}]`, () => {
  let gt: GreenTrack;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ gt, cleanup } = await createTestGreenTrack({
      secret: 'contract-test-secret-long-enough-1234567890',
    }));
  });
  afterAll(() => cleanup());

  it('every method calls a documented operation, and every operation has a method', async () => {
    const document = (await (
      await gt.handler(new Request(`${BASE}/openapi.json`))
    ).json()) as Parameters<typeof operationsOf>[0];
    const operations = operationsOf(document);
    const { organization, owner } = await makeOrganization(gt, 'Contract Co');
    const calls: Array<{ method: string; path: string; status: number }> = [];
    const api: GreenTrackClient = createClient({
      baseUrl: BASE,
      token: () =>
        gt.tokens.issue({ userId: owner.id, organizationId: organization.id, scopes: ['*'] }),
      fetch: async (input, init) => {
        const request = new Request(input, init);
        const response = await gt.handler(request);
        calls.push({
          method: request.method,
          path: new URL(request.url).pathname,
          status: response.status,
        });
        return response;
      },
    });

    const customer = await api.customers.create({
      type: 'customer',
      name: 'Contract',
      email: 'c@example.com',
    });
    const linkedInvoice = await makeLinkedInvoice(gt, organization.id);
    const draftInvoice = await insertTestInvoice(gt.database, organization.id, {
      externalInvoiceId: 'INV-CONTRACT',
      customerId: customer.id,
      status: 'draft',
      totalCents: 1000,
    });
    const account = await api.integrations.create({
      provider: 'twilio',
      credentials: { authToken: 'tw-contract-token-1234' },
    });
    const segment = await api.segments.create({
      name: 'Leads',
      rule: { field: 'type', op: 'eq', value: 'lead' },
    });
    const template = await api.templates.create({
      channel: 'sms',
      name: 'Hello',
      content: 'Hi {{ customer.first_name }}',
    });
    const invoice = await insertTestInvoice(gt.database, organization.id, { totalCents: 5_000 });
    const { payment } = await api.payments.recordManual(invoice.id, { amount_cents: 1_000 });
    const webhook = await insertTestWebhook(gt.database, organization.id, account.id);
    const { items: memberships } = await api.memberships.list();
    const staff = memberships.find((m) => m.role === 'staff');
    const newcomer = await gt.users.create({ email: `new-${Date.now()}@example.com` });

    // Campaigns: a draft to edit and schedule, one started by the worker, one to delete.
    const host = gt.as({ userId: owner.id, organizationId: organization.id });
    const { id: templateId } = await gt.database
      .tenant(organization.id)
      .insertInto('templates')
      .values({
        organization_id: organization.id,
        name: 'Contract template',
        channel: 'email',
        content: 'Hello {{ customer.name }}',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const audienceSegment = await host.segments.create({
      name: 'Everyone',
      rule: { field: 'type', op: 'eq', value: 'customer' },
    });
    const refs = {
      channel: 'email' as const,
      template_id: templateId,
      segment_id: audienceSegment.id,
    };
    const draft = await host.campaigns.create({ name: 'Draft', ...refs });
    const started = await host.campaigns.create({ name: 'Started', ...refs });
    const doomedCampaign = await host.campaigns.create({ name: 'Doomed', ...refs });
    await host.campaigns.schedule(started.id);
    await startDueCampaignsOnly(gt);
    const [run] = await host.campaigns.runs(started.id);
    const held = await makeHeldMessage(gt, organization.id, host);
    const heldToo = await makeHeldMessage(gt, organization.id, host);

    // One call per method; a method missing here fails the coverage check below.
    const byMethod: Record<string, () => Promise<unknown>> = {
      me: () => api.me(),
      'organization.get': () => api.organization.get(),
      'organization.update': () => api.organization.update({ name: 'Contract Co 2' }),
      'memberships.list': () => api.memberships.list(),
      'memberships.add': () => api.memberships.add({ userId: newcomer.id, role: 'staff' }),
      'memberships.updateRole': () =>
        api.memberships.updateRole(staff?.id ?? '', { role: 'admin' }),
      'memberships.remove': () => api.memberships.remove(staff?.id ?? ''),
      'auditLog.list': () => api.auditLog.list({ limit: 5 }),
      'customers.list': () => api.customers.list({ q: 'contract' }),
      'customers.get': () => api.customers.get(customer.id),
      'customers.create': () => api.customers.create({ type: 'lead', name: 'Another' }),
      'customers.update': () => api.customers.update(customer.id, { city: 'Portland' }),
      'customers.import': () =>
        api.customers.import('name,email\nImported,imported@example.com\n', { tags: ['csv'] }),
      'customers.timeline': () => api.customers.timeline(customer.id, { limit: 5 }),
      'customers.export': () => api.customers.export(customer.id),
      'customers.erase': async () => {
        const doomed = await gt
          .as({ userId: owner.id, organizationId: organization.id })
          .customers.create({ type: 'lead', name: 'Doomed' });
        return api.customers.erase(doomed.id);
      },
      'customers.remove': async () => {
        const removable = await gt
          .as({ userId: owner.id, organizationId: organization.id })
          .customers.create({ type: 'lead', name: 'Removable' });
        return api.customers.remove(removable.id);
      },
      'tags.list': () => api.tags.list(),
      'consent.get': () => api.consent.get(customer.id),
      'consent.set': () => api.consent.set(customer.id, 'email', { status: 'subscribed' }),
      'consent.policy.get': () => api.consent.policy.get(),
      'consent.policy.set': () => api.consent.policy.set({ sms: 'opt_in' }),
      'settings.sending.get': () => api.settings.sending.get(),
      'settings.sending.set': () =>
        api.settings.sending.set({
          timeZone: 'Europe/London',
          frequencyCap: { sms: { messages: 4, days: 30 } },
        }),
      'settings.smsKeywords.get': () => api.settings.smsKeywords.get(),
      'settings.smsKeywords.set': () =>
        api.settings.smsKeywords.set({ helpReply: 'Contract shop: reply STOP to opt out.' }),
      'integrations.list': () => api.integrations.list({ provider: 'twilio' }),
      'integrations.get': () => api.integrations.get(account.id),
      'integrations.create': () =>
        api.integrations.create({
          provider: 'sendgrid',
          credentials: { apiKey: 'SG.contract-key-5678' },
        }),
      'integrations.update': () => api.integrations.update(account.id, { name: 'sms' }),
      'integrations.remove': () => api.integrations.remove(account.id),
      'segments.list': () => api.segments.list(),
      'segments.get': () => api.segments.get(segment.id),
      'segments.create': () =>
        api.segments.create({
          name: 'VIP',
          rule: { field: 'tags', op: 'has_any', values: ['vip'] },
        }),
      'segments.update': () => api.segments.update(segment.id, { name: 'All leads' }),
      'segments.preview': () => api.segments.preview(segment.id, { sampleSize: 1 }),
      'segments.previewDraft': () =>
        api.segments.previewDraft({ rule: { field: 'type', op: 'eq', value: 'customer' } }),
      'segments.remove': () => api.segments.remove(segment.id),
      'campaigns.list': () => api.campaigns.list(),
      'campaigns.get': () => api.campaigns.get(draft.id),
      'campaigns.create': () => api.campaigns.create({ name: 'Idea', channel: 'sms' }),
      'campaigns.update': () => api.campaigns.update(draft.id, { utm_campaign: 'spring' }),
      'campaigns.schedule': () =>
        api.campaigns.schedule(draft.id, { schedule_at: '2030-01-01T00:00:00Z' }),
      'campaigns.unschedule': () => api.campaigns.unschedule(draft.id),
      'campaigns.pause': () => api.campaigns.pause(started.id),
      'campaigns.resume': () => api.campaigns.resume(started.id),
      'campaigns.cancel': () => api.campaigns.cancel(started.id),
      'campaigns.runs': () => api.campaigns.runs(started.id),
      'campaigns.audience': () => api.campaigns.audience(run?.id ?? '', { limit: 10 }),
      'campaigns.unknownOutcomes': () => api.campaigns.unknownOutcomes({ limit: 10 }),
      'campaigns.resolveUnknown': () =>
        api.campaigns.resolveUnknown(held.messageId, { outcome: 'failed' }),
      'campaigns.resendUnknown': () => api.campaigns.resendUnknown(heldToo.messageId),
      'campaigns.remove': () => api.campaigns.remove(doomedCampaign.id),
      'campaigns.sendTest': () =>
        api.campaigns.sendTest(draft.id, { to: 'reviewer@example.com', customerId: customer.id }),
      'campaigns.messages': () => api.campaigns.messages(started.id, { limit: 10 }),
      'campaigns.holdout': () => api.campaigns.holdout(started.id, { windowDays: 30 }),
      'invoices.send': () => api.invoices.send(draftInvoice.id, { via: ['email'] }),
      'templates.list': () => api.templates.list({ channel: 'sms' }),
      'templates.get': () => api.templates.get(template.id),
      'templates.create': () =>
        api.templates.create({
          channel: 'email',
          name: 'Welcome',
          format: 'mjml',
          subject: 'Welcome {{ customer.first_name }}',
          content:
            '<mjml><mj-body><mj-section><mj-column><mj-text>Hi</mj-text></mj-column></mj-section></mj-body></mjml>',
        }),
      'templates.update': () => api.templates.update(template.id, { name: 'Hi there' }),
      'templates.preview': () => api.templates.preview(template.id, { customerId: customer.id }),
      'templates.previewDraft': () =>
        api.templates.previewDraft({ channel: 'sms', content: 'Yo', customerId: customer.id }),
      'templates.search': () => api.templates.search({ text: 'hello', limit: 3 }),
      'templates.remove': () => api.templates.remove(template.id),
      'invoices.list': () => api.invoices.list({ overdue: false, limit: 5 }),
      'invoices.get': () => api.invoices.get(invoice.id),
      'invoices.aging': () => api.invoices.aging({ limit: 5 }),
      'invoices.paymentLink': () => api.invoices.paymentLink(linkedInvoice),
      'payments.list': () => api.payments.list({ invoice_id: invoice.id }),
      'payments.get': () => api.payments.get(payment.id),
      'payments.recordManual': () =>
        api.payments.recordManual(invoice.id, { amount_cents: 500, method: 'check' }),
      'webhooks.list': () => api.webhooks.list({ status: 'failed', limit: 5 }),
      'webhooks.get': () => api.webhooks.get(webhook),
      'webhooks.replay': () => api.webhooks.replay(webhook),
      'webhooks.reprocess': () => api.webhooks.reprocess({ status: 'failed' }),
      'webhooks.stats': () => api.webhooks.stats(),
      'events.track': () =>
        api.events.track([
          { name: 'page_view', occurred_at: '2026-06-01T12:00:00Z', customer_id: customer.id },
        ]),
      'events.list': () => api.events.list({ customerId: customer.id, limit: 5 }),
      'kpis.campaign': () => api.kpis.campaign(started.id, { model: 'linear' }),
      'kpis.funnel': () => api.kpis.funnel(started.id, { runId: run?.id ?? '' }),
      'kpis.series': () => api.kpis.series({ from: '2026-06-01', to: '2026-06-07' }),
      'kpis.topCampaigns': () =>
        api.kpis.topCampaigns({ from: '2026-06-01', to: '2026-06-30', limit: 3 }),
      'kpis.refresh': () => api.kpis.refresh(),
    };
    expect(methodsOf(api).sort()).toEqual(Object.keys(byMethod).sort());
    const failed: string[] = [];
    for (const [name, call] of Object.entries(byMethod)) {
      await call().catch((error: unknown) => failed.push(`${name}: ${String(error)}`));
    }
    expect(failed).toEqual([]);

    const undocumented = calls.filter(
      (call) => !operations.some((op) => op.method === call.method && op.pattern.test(call.path)),
    );
    expect(undocumented).toEqual([]);
    const undeclaredStatus = calls.filter((call) => {
      const operation = operations.find(
        (op) => op.method === call.method && op.pattern.test(call.path),
      );
      return !operation?.statuses.includes(String(call.status));
    });
    expect(undeclaredStatus).toEqual([]);
    const unreached = operations
      .filter((op) => !/\/(health|openapi\.json)$/.test(op.template))
      // Tracking links are opened by recipients' mail clients and browsers, not by the client.
      .filter((op) => !/\/t\/[cou]\/\{token\}$/.test(op.template))
      // Webhooks are posted by providers, signed; the client reads what they stored.
      .filter((op) => !op.template.endsWith('/webhooks/{provider}/{integrationAccountId}'))
      .filter(
        (op) => !calls.some((call) => call.method === op.method && op.pattern.test(call.path)),
      )
      .map((op) => `${op.method} ${op.template}`);
    expect(unreached).toEqual([]);
  });
});
