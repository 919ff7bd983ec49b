/**
 * Stored templates through the tenant facade and HTTP, on both databases: CRUD with audit
 * rows and events, refusals with line and column (400), previews for a real customer (fields
 * substituted and HTML-escaped, an invoice from the cache), draft previews, another
 * organization's template answering 404, and a template a campaign uses answering 409.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failure } from '../../test/errors.js';
import { createTestGreenTrack, databaseKind, makeOrganization } from '../../test/harness.js';
import { fixedClock } from '../clock.js';
import type { GreenTrackEventMap } from '../events.js';
import type { GreenTrack } from '../greentrack.js';
import type { TenantFacade } from '../tenant.js';
import { majorUnits, PREVIEW_URLS } from './context.js';

const NOW = new Date('2026-03-01T00:00:00.000Z');
const SECRET = 'templates-test-secret-0123456789abcdef';

const MJML = `<mjml>
  <mj-head><mj-style>.hello { color: #123456; }</mj-style></mj-head>
  <mj-body>
    <mj-section>
      <mj-column>
        <mj-text css-class="hello">Hello {{ customer.first_name }} from {{ organization.name }}</mj-text>
        <mj-button href="{{ urls.preferences }}">Preferences</mj-button>
      </mj-column>
    </mj-section>
  </mj-body>
</mjml>`;

describe(`templates [${databaseKind}]`, () => {
  let gt: GreenTrack;
  let cleanup: () => Promise<void>;
  let staff: TenantFacade;
  let admin: TenantFacade;
  let outsider: TenantFacade;
  let orgId: string;
  let customerId: string;
  let staffToken: string;
  let adminToken: string;
  let outsiderToken: string;
  const events: Array<[string, GreenTrackEventMap['template.created']]> = [];

  const call = (path: string, token: string, init: { method?: string; json?: unknown } = {}) =>
    gt.handler(
      new Request(`http://host/api/greentrack${path}`, {
        method: init.method ?? (init.json === undefined ? 'GET' : 'POST'),
        headers: {
          authorization: `Bearer ${token}`,
          ...(init.json === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(init.json === undefined ? {} : { body: JSON.stringify(init.json) }),
      }),
    );

  beforeAll(async () => {
    ({ gt, cleanup } = await createTestGreenTrack({ clock: fixedClock(NOW), secret: SECRET }));
    for (const name of ['template.created', 'template.updated', 'template.deleted'] as const) {
      gt.on(name, (payload) => events.push([name, payload]));
    }
    const home = await makeOrganization(gt, 'Bakery & Sons');
    orgId = home.organization.id;
    staff = gt.as({ userId: home.staff.id, organizationId: orgId });
    admin = gt.as({ userId: home.admin.id, organizationId: orgId });
    staffToken = gt.tokens.issue({ userId: home.staff.id, organizationId: orgId });
    adminToken = gt.tokens.issue({ userId: home.admin.id, organizationId: orgId });
    const other = await makeOrganization(gt, 'Elsewhere');
    outsider = gt.as({ userId: other.owner.id, organizationId: other.organization.id });
    outsiderToken = gt.tokens.issue({
      userId: other.owner.id,
      organizationId: other.organization.id,
    });
    customerId = (
      await staff.customers.create({
        type: 'customer',
        name: 'Zoé <script>alert(1)</script> Baker',
        email: 'zoe@example.com',
        tags: ['vip'],
      })
    ).id;
  });
  afterAll(async () => cleanup());

  it('creates, reads, lists, updates and deletes, with audit rows and events', async () => {
    events.length = 0;
    const created = await staff.templates.create({
      channel: 'email',
      name: 'Welcome',
      format: 'mjml',
      subject: 'Welcome, {{ customer.first_name }}',
      content: MJML,
    });
    expect(created).toMatchObject({
      organization_id: orgId,
      name: 'Welcome',
      channel: 'email',
      format: 'mjml',
      subject: 'Welcome, {{ customer.first_name }}',
      content: MJML,
      variables: ['customer.first_name', 'organization.name', 'urls.preferences'],
      created_at: NOW,
    });
    expect(created.created_by).not.toBeNull();
    const row = await gt.db
      .selectFrom('templates')
      .select(['metadata', 'subject', 'content', 'embedding'])
      .where('id', '=', created.id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({
      metadata: { format: 'mjml' },
      subject: created.subject,
      content: MJML,
      embedding: null,
    });
    expect(await staff.templates.get(created.id)).toEqual(created);

    const text = await staff.templates.create({
      channel: 'sms',
      name: 'Reminder',
      content: 'Hi {{ customer.first_name }}, see you soon at {{ organization.name }}',
    });
    expect(text).toMatchObject({ channel: 'sms', format: 'text', subject: null });
    expect((await staff.templates.list()).map((t) => t.name)).toEqual(['Reminder', 'Welcome']);
    expect((await staff.templates.list({ channel: 'sms' })).map((t) => t.name)).toEqual([
      'Reminder',
    ]);

    const updated = await staff.templates.update(created.id, {
      name: 'Welcome aboard',
      subject: 'Hello {{ customer.name }}',
    });
    expect(updated).toMatchObject({ name: 'Welcome aboard', format: 'mjml', content: MJML });
    expect(updated.variables).toContain('customer.name');

    expect((await failure(staff.templates.remove(text.id))).code).toBe('FORBIDDEN');
    await admin.templates.remove(text.id);
    expect((await failure(staff.templates.get(text.id))).code).toBe('TEMPLATE_NOT_FOUND');

    const audit = await gt.db
      .selectFrom('audit_log')
      .select(['action', 'entity_id'])
      .where('entity', '=', 'template')
      .orderBy('id')
      .execute();
    expect(audit.map((a) => a.action).sort()).toEqual([
      'template.create',
      'template.create',
      'template.delete',
      'template.update',
    ]);
    expect(events.map(([name, payload]) => [name, payload.templateId])).toEqual([
      ['template.created', created.id],
      ['template.created', text.id],
      ['template.updated', created.id],
      ['template.deleted', text.id],
    ]);
    expect(events[0]?.[1]).toMatchObject({ organizationId: orgId, actor: { type: 'user' } });
  });

  it('answers 400 TEMPLATE_INVALID with the line, column and name of an unknown variable', async () => {
    const before = await gt.db.selectFrom('templates').select('id').execute();
    const response = await call('/templates', staffToken, {
      json: {
        channel: 'email',
        name: 'Typo',
        subject: 'Hi',
        content: '<p>Hello</p>\n<p>{{ customer.frist_name }}</p>',
      },
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: {
        code: 'TEMPLATE_INVALID',
        message: 'Invalid template: content 2:7: unknown variable customer.frist_name',
        details: {
          issues: [
            {
              path: 'content',
              message: 'unknown variable customer.frist_name',
              line: 2,
              column: 7,
              variable: 'customer.frist_name',
            },
          ],
        },
      },
    });
    expect(await gt.db.selectFrom('templates').select('id').execute()).toEqual(before);
  });

  it('answers 400 for broken Liquid and for invalid MJML, on create and on update', async () => {
    const broken = await call('/templates', staffToken, {
      json: { channel: 'sms', name: 'Broken', content: 'Hi {% if customer.email %} there' },
    });
    expect(broken.status).toBe(400);
    expect(await broken.json()).toMatchObject({
      error: {
        code: 'TEMPLATE_INVALID',
        details: {
          issues: [
            {
              path: 'content',
              message: 'tag {% if customer.email %} not closed',
              line: 1,
              column: 4,
            },
          ],
        },
      },
    });

    const template = await staff.templates.create({
      channel: 'email',
      name: 'To break',
      format: 'mjml',
      subject: 'x',
      content: MJML,
    });
    const response = await call(`/templates/${template.id}`, staffToken, {
      method: 'PATCH',
      json: {
        content: MJML.replace('<mj-column>', '<mj-colunm>').replace('</mj-column>', '</mj-colunm>'),
      },
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error: {
        code: 'TEMPLATE_INVALID',
        details: {
          issues: [
            {
              path: 'content',
              message: "MJML: Element mj-colunm doesn't exist or is not registered",
              line: 5,
            },
          ],
        },
      },
    });
    // Unchanged.
    expect((await staff.templates.get(template.id)).content).toBe(MJML);
    // An SMS has no subject; an email's format is html or mjml.
    const sms = await staff.templates.create({ channel: 'sms', name: 'S', content: 'x' });
    expect((await failure(staff.templates.update(sms.id, { subject: 'x' }))).code).toBe(
      'VALIDATION_FAILED',
    );
    expect((await failure(staff.templates.update(template.id, { format: 'text' }))).code).toBe(
      'VALIDATION_FAILED',
    );
  });

  it('previews a stored email for a real customer: fields substituted and HTML-escaped', async () => {
    const template = await staff.templates.create({
      channel: 'email',
      name: 'Escaping',
      subject: 'For {{ customer.name }}',
      content:
        '<style>.n { font-weight: bold; }</style><p class="n">{{ customer.name }}</p><p>{{ customer.tags | join: ", " }}</p><a href="{{ urls.unsubscribe }}">Unsubscribe</a>',
    });
    const response = await call(`/templates/${template.id}/preview`, staffToken, {
      json: { customerId },
    });
    expect(response.status).toBe(200);
    const preview = (await response.json()) as { subject: string; html: string; text: string };
    expect(preview).toMatchObject({
      channel: 'email',
      subject: 'For Zoé <script>alert(1)</script> Baker',
    });
    expect(preview.html).toContain(
      '<p class="n" style="font-weight: bold;">Zoé &lt;script&gt;alert(1)&lt;/script&gt; Baker</p>',
    );
    expect(preview.html).not.toContain('<script>');
    expect(preview.html).toContain(`href="${PREVIEW_URLS.unsubscribe}"`);
    expect(preview.text).toContain('Zoé <script>alert(1)</script> Baker');
    expect(preview.text).toContain('vip');
  });

  it('previews an SMS and a draft over HTTP, with segments and encoding', async () => {
    const sms = await staff.templates.create({
      channel: 'sms',
      name: 'Short',
      content: 'Hi {{ customer.first_name }}!',
    });
    const response = await call(`/templates/${sms.id}/preview`, staffToken, {
      json: { customerId },
    });
    expect(await response.json()).toEqual({
      channel: 'sms',
      text: 'Hi Zoé!',
      encoding: 'GSM-7',
      segments: 1,
      characters: 7,
    });
    const draft = await call('/templates/preview', staffToken, {
      json: { channel: 'sms', content: `{{ organization.name }} ${'ą'.repeat(60)}`, customerId },
    });
    expect(await draft.json()).toMatchObject({ encoding: 'UCS-2', segments: 2, characters: 74 });
    const invalid = await call('/templates/preview', staffToken, {
      json: { channel: 'sms', content: '{{ nope }}', customerId },
    });
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toMatchObject({ error: { code: 'TEMPLATE_INVALID' } });
  });

  it('fills invoice variables from the customer’s latest invoice, or the one named', async () => {
    const [older, newer] = await Promise.all(
      [
        { number: 'INV-1', total: 1000, at: '2026-01-01T00:00:00Z' },
        { number: 'INV-2', total: 123456, at: '2026-02-01T00:00:00Z' },
      ].map(async (inv) =>
        gt.db
          .insertInto('zeroinvoice_invoices_cache')
          .values({
            organization_id: orgId,
            external_invoice_id: inv.number,
            customer_id: customerId,
            status: 'sent',
            currency: 'USD',
            total_cents: inv.total,
            amount_due_cents: inv.total,
            due_date: '2026-04-01',
            snapshot: '{}',
            created_at: new Date(inv.at),
          })
          .returning('id')
          .executeTakeFirstOrThrow(),
      ),
    );
    await gt.db
      .insertInto('zeroinvoice_invoice_items_cache')
      .values([
        {
          invoice_id: newer?.id ?? '',
          name: 'Rye loaf',
          quantity: '2',
          unit_price_cents: 450,
          total_cents: 900,
          position: 1,
        },
      ])
      .execute();
    const template = await staff.templates.create({
      channel: 'sms',
      name: 'Dunning',
      content:
        '{{ invoice.number }} {{ invoice.amount_due }} {{ invoice.currency }}{% for item in invoice.items %} {{ item.quantity }}x {{ item.name }} {{ item.total }}{% endfor %}',
    });
    expect(await staff.templates.preview(template.id, { customerId })).toMatchObject({
      text: 'INV-2 1234.56 USD 2x Rye loaf 9.00',
    });
    expect(
      await staff.templates.preview(template.id, { customerId, invoiceId: older?.id ?? '' }),
    ).toMatchObject({ text: 'INV-1 10.00 USD' });
    // A customer without invoices: the template cannot be filled (422, with the place).
    const other = await staff.customers.create({ type: 'lead', name: 'No Invoices' });
    const response = await call(`/templates/${template.id}/preview`, staffToken, {
      json: { customerId: other.id },
    });
    expect(response.status).toBe(422);
    expect(await response.json()).toMatchObject({
      error: {
        code: 'TEMPLATE_RENDER_FAILED',
        details: { issues: [{ path: 'content', line: 1, column: 4 }] },
      },
    });
    // Another customer's invoice is not found for this one.
    expect(
      (
        await failure(
          staff.templates.preview(template.id, {
            customerId: other.id,
            invoiceId: older?.id ?? '',
          }),
        )
      ).code,
    ).toBe('NOT_FOUND');
  });

  it('formats amounts in the currency’s minor units', () => {
    expect(majorUnits(123450, 'USD')).toBe('1234.50');
    expect(majorUnits(-5, 'EUR')).toBe('-0.05');
    expect(majorUnits(1500, 'JPY')).toBe('1500');
    expect(majorUnits(1234, 'KWD')).toBe('1.234');
    expect(majorUnits(7, null)).toBe('0.07');
    expect(majorUnits(null, 'USD')).toBeNull();
  });

  it("answers 404 for another organization's template and customer, and changes nothing", async () => {
    const template = await staff.templates.create({ channel: 'sms', name: 'Mine', content: 'x' });
    for (const [path, init] of [
      [`/templates/${template.id}`, {}],
      [`/templates/${template.id}`, { method: 'PATCH', json: { name: 'Taken' } }],
      [`/templates/${template.id}`, { method: 'DELETE' }],
      [`/templates/${template.id}/preview`, { json: { customerId } }],
    ] as const) {
      const response = await call(path, outsiderToken, init);
      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({ error: { code: 'TEMPLATE_NOT_FOUND' } });
    }
    expect(await outsider.templates.list()).toEqual([]);
    // The outsider's own template cannot be previewed with this organization's customer.
    const theirs = await outsider.templates.create({ channel: 'sms', name: 'T', content: 'x' });
    expect((await failure(outsider.templates.preview(theirs.id, { customerId }))).code).toBe(
      'CUSTOMER_NOT_FOUND',
    );
    expect((await staff.templates.get(template.id)).name).toBe('Mine');
  });

  it('refuses to delete a template a campaign uses (409)', async () => {
    const template = await staff.templates.create({
      channel: 'email',
      name: 'Used',
      subject: 's',
      content: 'x',
    });
    await gt.db
      .insertInto('campaigns')
      .values({
        organization_id: orgId,
        name: 'Spring',
        channel: 'email',
        template_id: template.id,
      })
      .execute();
    const response = await call(`/templates/${template.id}`, adminToken, { method: 'DELETE' });
    expect(response.status).toBe(409);
    expect(await response.json()).toMatchObject({ error: { code: 'TEMPLATE_IN_USE' } });
    expect((await staff.templates.get(template.id)).name).toBe('Used');
  });
});
