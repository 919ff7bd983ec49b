/**
 * `invoices.send` against the outbox provider, on both databases: one message per channel
 * with the invoice's variables, `sent_via` appended once, a draft marked sent, audit and
 * event; a repeated send answers `already_sent` (no second message) unless `resend`;
 * transactional consent (an email unsubscribe does not block, a bounce or SMS STOP does);
 * everything refusable is refused before anything is written or sent.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestGreenTrack, databaseKind, makeOrganization } from '../../test/harness.js';
import { renderWithTemplates } from '../campaigns/index.js';
import { fixedClock } from '../clock.js';
import { GreenTrackError } from '../errors.js';
import type { GreenTrackEventMap } from '../events.js';
import type { GreenTrack } from '../greentrack.js';
import type { EmailProvider } from '../providers/messaging.js';
import { systemScope } from '../scope.js';
import { sendInvoice } from './service.js';

async function failure(promise: Promise<unknown>): Promise<GreenTrackError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof GreenTrackError) return error;
    throw error;
  }
  throw new Error('expected a GreenTrackError');
}

describe(`invoices.send [${databaseKind}]`, () => {
  let gt: GreenTrack;
  let cleanup: () => Promise<void>;
  const clock = fixedClock('2026-06-01T09:00:00.000Z');
  const sent: Array<GreenTrackEventMap['invoice.sent']> = [];

  beforeAll(async () => {
    ({ gt, cleanup } = await createTestGreenTrack({ clock }));
    gt.on('invoice.sent', (event) => sent.push(event));
  });
  afterAll(() => cleanup());

  /** An organization, a customer with email and phone, and a draft invoice with two lines. */
  async function fixture(invoice: { status?: 'draft' | 'sent' | 'void'; customer?: boolean } = {}) {
    const { organization, owner } = await makeOrganization(gt, 'Invoicer');
    const organizationId = organization.id;
    const org = gt.as({ userId: owner.id, organizationId });
    const customer = await org.customers.create({
      type: 'customer',
      name: 'Ada Lovelace',
      email: `ada-${randomUUID().slice(0, 8)}@example.com`,
      phone: '+14155550123',
    });
    const db = gt.database.tenant(organizationId);
    const row = await db
      .insertInto('zeroinvoice_invoices_cache')
      .values({
        organization_id: organizationId,
        external_invoice_id: 'INV-0042',
        customer_id: invoice.customer === false ? null : customer.id,
        status: invoice.status ?? 'draft',
        currency: 'USD',
        subtotal_cents: 11_500,
        tax_cents: 845,
        total_cents: 12_345,
        amount_due_cents: 12_345,
        due_date: '2026-06-30',
        stripe_payment_link: 'https://buy.stripe.com/test_abc',
        snapshot: '{}',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('zeroinvoice_invoice_items_cache')
      .values([
        {
          invoice_id: row.id,
          name: 'Lawn care',
          quantity: '2.00',
          unit_price_cents: 5000,
          total_cents: 10_000,
          position: 1,
        },
        {
          invoice_id: row.id,
          name: 'Hedge trim',
          quantity: '1.50',
          unit_price_cents: 1000,
          total_cents: 1500,
          position: 2,
        },
      ])
      .execute();
    return { organizationId, org, customer, invoiceId: row.id, db };
  }

  const outbox = (db: ReturnType<GreenTrack['database']['tenant']>) =>
    db
      .selectFrom('outbox_messages')
      .select(['message_id', 'channel', 'recipient', 'subject', 'body'])
      .orderBy('channel')
      .execute();

  it('sends the invoice by email and SMS with its variables, once per channel, and records it', async () => {
    const { organizationId, org, customer, invoiceId, db } = await fixture();
    const result = await org.invoices.send(invoiceId, { via: ['email', 'sms'] });

    expect(result).toMatchObject({
      invoice_id: invoiceId,
      status: 'sent',
      sent_via: ['email', 'sms'],
    });
    expect(result.deliveries.map((d) => [d.channel, d.outcome, d.to])).toEqual([
      ['email', 'sent', customer.email],
      ['sms', 'sent', '+14155550123'],
    ]);
    const [email, sms] = await outbox(db);
    expect(email).toMatchObject({
      channel: 'email',
      recipient: customer.email,
      subject: 'Invoice INV-0042 from Invoicer',
    });
    for (const text of [
      'Hello Ada',
      'Lawn care',
      '2 × 50.00',
      '1.5 × 10.00',
      '123.45 USD',
      '2026-06-30',
      'https://buy.stripe.com/test_abc',
    ])
      expect(email?.body).toContain(text);
    expect(sms?.body).toBe(
      'Invoicer: invoice INV-0042, 123.45 USD due by 2026-06-30. Pay: https://buy.stripe.com/test_abc',
    );

    const messages = await db
      .selectFrom('messages as m')
      .innerJoin('invoice_messages as im', 'im.message_id', 'm.id')
      .select([
        'm.id',
        'm.channel',
        'm.status',
        'm.customer_id',
        'm.campaign_run_id',
        'im.invoice_id',
      ])
      .orderBy('m.channel')
      .execute();
    expect(messages).toEqual(
      result.deliveries.map((d) => ({
        id: d.message_id,
        channel: d.channel,
        status: 'sent',
        customer_id: customer.id,
        campaign_run_id: null,
        invoice_id: invoiceId,
      })),
    );
    expect((await outbox(db)).map((o) => o.message_id)).toEqual(
      result.deliveries.map((d) => d.message_id),
    );
    const audit = (await org.auditLog.list({ action: 'invoice.send' })).items;
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ entity: 'invoice', entity_id: invoiceId, actor_type: 'user' });
    expect(sent.filter((e) => e.organizationId === organizationId)).toEqual([
      expect.objectContaining({ invoiceId, channels: ['email', 'sms'] }),
    ]);
  });

  it('answers a repeated send with the message already sent, and sends again only when asked', async () => {
    const { org, invoiceId, db } = await fixture({ status: 'sent' });
    const first = await org.invoices.send(invoiceId, { via: ['email'] });
    const again = await org.invoices.send(invoiceId, { via: ['email', 'sms'] });
    expect(again.deliveries.map((d) => [d.channel, d.outcome])).toEqual([
      ['email', 'already_sent'],
      ['sms', 'sent'],
    ]);
    expect(again.deliveries[0]?.message_id).toBe(first.deliveries[0]?.message_id);
    expect(again.sent_via).toEqual(['email', 'sms']);
    expect((await outbox(db)).map((o) => o.channel)).toEqual(['email', 'sms']);

    const resent = await org.invoices.send(invoiceId, { via: ['email'], resend: true });
    expect(resent.deliveries[0]).toMatchObject({ channel: 'email', outcome: 'sent' });
    expect(resent.deliveries[0]?.message_id).not.toBe(first.deliveries[0]?.message_id);
    // Appended once: a second email does not repeat the channel.
    expect(resent.sent_via).toEqual(['email', 'sms']);
    expect((await outbox(db)).filter((o) => o.channel === 'email')).toHaveLength(2);
  });

  it('sends once when two sends of the same invoice race (the hand-off locks the invoice)', async () => {
    const { org, invoiceId, db } = await fixture();
    const answers = await Promise.all([
      org.invoices.send(invoiceId, { via: ['email'] }),
      org.invoices.send(invoiceId, { via: ['email'] }),
    ]);
    expect(answers.map((a) => a.deliveries[0]?.outcome).sort()).toEqual(['already_sent', 'sent']);
    expect(new Set(answers.map((a) => a.deliveries[0]?.message_id)).size).toBe(1);
    expect(await outbox(db)).toHaveLength(1);
    expect(await db.selectFrom('messages').select('id').execute()).toHaveLength(1);
  });

  it('is transactional: an email unsubscribe does not block it, a bounce or an SMS STOP does', async () => {
    const { org, customer, invoiceId, db } = await fixture();
    await org.consent.set(customer.id, 'email', 'unsubscribed');
    expect((await org.invoices.send(invoiceId, { via: ['email'] })).deliveries[0]?.outcome).toBe(
      'sent',
    );

    const other = await fixture();
    await other.org.consent.set(other.customer.id, 'email', 'bounced');
    await other.org.consent.set(other.customer.id, 'sms', 'unsubscribed');
    const error = await failure(
      other.org.invoices.send(other.invoiceId, { via: ['email', 'sms'] }),
    );
    expect(error.code).toBe('INVOICE_RECIPIENT_UNREACHABLE');
    expect(error.details).toEqual({
      channels: [
        { channel: 'email', reason: 'bounced' },
        { channel: 'sms', reason: 'unsubscribed' },
      ],
    });
    expect(await outbox(other.db)).toEqual([]);
    expect(await other.db.selectFrom('messages').select('id').execute()).toEqual([]);
    expect(await outbox(db)).toHaveLength(1);
  });

  it('refuses a void invoice, one without a customer, another organization’s, and bad input — writing nothing', async () => {
    const voided = await fixture({ status: 'void' });
    expect(
      (await failure(voided.org.invoices.send(voided.invoiceId, { via: ['email'] }))).code,
    ).toBe('INVOICE_NOT_SENDABLE');
    const orphan = await fixture({ customer: false });
    expect((await failure(orphan.org.invoices.send(orphan.invoiceId, { via: ['sms'] }))).code).toBe(
      'INVOICE_NO_RECIPIENT',
    );
    const home = await fixture();
    const stranger = await fixture();
    expect(
      (await failure(stranger.org.invoices.send(home.invoiceId, { via: ['email'] }))).code,
    ).toBe('NOT_FOUND');
    expect((await failure(home.org.invoices.send('not-a-uuid', { via: ['email'] }))).code).toBe(
      'NOT_FOUND',
    );
    for (const bad of [
      { via: [] },
      { via: ['email', 'email'] },
      { via: ['fax'] },
      { via: ['email'], extra: 1 },
    ])
      expect((await failure(home.org.invoices.send(home.invoiceId, bad as never))).code).toBe(
        'VALIDATION_FAILED',
      );
    const smsTemplate = await home.org.templates.create({
      channel: 'sms',
      name: 'Inv',
      content: 'Pay {{ invoice.number }}',
    });
    const wrongChannel = await failure(
      home.org.invoices.send(home.invoiceId, {
        via: ['email'],
        templates: { email: smsTemplate.id },
      }),
    );
    expect(wrongChannel.details).toEqual({
      issues: [
        { path: 'templates.email', message: 'no email template with this id in the organization' },
      ],
    });
    for (const f of [voided, orphan, home, stranger]) {
      expect(await outbox(f.db)).toEqual([]);
      const invoice = await f.db
        .selectFrom('zeroinvoice_invoices_cache')
        .select(['status', 'sent_via'])
        .executeTakeFirstOrThrow();
      expect(invoice.sent_via).toEqual([]);
    }
  });

  it('renders the organization’s own template when the call names one', async () => {
    const { org, invoiceId, db } = await fixture();
    const template = await org.templates.create({
      channel: 'sms',
      name: 'Short invoice',
      content:
        '{{ customer.first_name }}, {{ invoice.amount_due }} due {{ invoice.due_date }}: {{ invoice.payment_url }}',
    });
    await org.invoices.send(invoiceId, { via: ['sms'], templates: { sms: template.id } });
    const [sms] = await outbox(db);
    expect(sms?.body).toBe('Ada, 123.45 due 2026-06-30: https://buy.stripe.com/test_abc');
    const message = await db.selectFrom('messages').select('template_id').executeTakeFirstOrThrow();
    expect(message.template_id).toBe(template.id);
  });

  it('answers 502 INVOICE_SEND_FAILED when the provider refuses, recording the failed message and leaving the draft a draft', async () => {
    const { organizationId, invoiceId, db } = await fixture();
    const refusing: EmailProvider = {
      ...gt.providers.email,
      id: 'refusing',
      send: async (messages) =>
        messages.map((m) => ({
          messageId: m.messageId,
          status: 'failed',
          failure: { kind: 'permanent', code: '406', message: 'inactive recipient' },
        })),
    };
    const scope = systemScope({ database: gt.database, clock, emit: () => {} }, organizationId);
    const deps = {
      providers: { email: refusing, sms: gt.providers.sms },
      render: renderWithTemplates,
      dispatch: {},
      paymentLinks: {
        connector: undefined,
        keyring: () => {
          throw new Error('no payments connector in this test');
        },
      },
    };
    const error = await failure(sendInvoice(scope, deps, invoiceId, { via: ['email'] }));
    expect(error.code).toBe('INVOICE_SEND_FAILED');
    expect(error.details).toMatchObject({
      deliveries: [
        { channel: 'email', outcome: 'failed', provider: 'refusing', failure: { code: '406' } },
      ],
    });
    expect(await db.selectFrom('messages').select(['status', 'provider']).execute()).toEqual([
      { status: 'failed', provider: 'refusing' },
    ]);
    expect(
      await db
        .selectFrom('zeroinvoice_invoices_cache')
        .select(['status', 'sent_via'])
        .executeTakeFirstOrThrow(),
    ).toEqual({ status: 'draft', sent_via: [] });
    // A failed message is no earlier send: the next attempt sends.
    const retried = await sendInvoice(scope, { ...deps, providers: gt.providers }, invoiceId, {
      via: ['email'],
    });
    expect(retried.deliveries[0]?.outcome).toBe('sent');
  });
});
