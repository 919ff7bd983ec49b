/**
 * `org.invoices.paymentLink(id)` end to end: core's payment-links module → the organization's
 * `stripe` integration account → `stripePayments()` → the REAL `stripe` SDK → the local Stripe
 * (`test/stripe-api.ts`), on PGlite or on Postgres (`DATABASE_URL`). The link is stored on the
 * invoice with an audit row; asking again returns it; a failed or repeated attempt cannot make
 * a second link for the same amount; a new amount due gets a new link.
 */
import { randomBytes } from 'node:crypto';
import { type GreenTrack, GreenTrackError } from '@greentrack/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestGreenTrack, databaseKind } from '../../test/greentrack.js';
import { createShop } from '../../test/shop.js';
import { STRIPE_TEST_KEY, type StripeApi, startStripeApi } from '../../test/stripe-api.js';
import { StripeMetadataKey } from './metadata.js';
import { stripePayments } from './payment-links.js';

const SECRET = 'stripe-e2e-secret-0123456789abcdef0123';

async function errorOf(work: Promise<unknown>): Promise<GreenTrackError> {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GreenTrackError);
  return error as GreenTrackError;
}

describe(`invoice payment links through Stripe [${databaseKind}]`, () => {
  let api: StripeApi;
  let gt: GreenTrack;
  let cleanup: () => Promise<void>;

  /** An organization, its owner's facade, optionally with a `stripe` account. */
  async function organization(credentials?: Record<string, string>) {
    const shop = await createShop(gt);
    if (credentials) await shop.org.integrations.create({ provider: 'stripe', credentials });
    return shop;
  }

  async function invoice(
    organizationId: string,
    values: { status?: 'sent' | 'overdue' | 'paid' | 'void'; amountDueCents?: number } = {},
  ) {
    const external = `INV-${randomBytes(3).toString('hex')}`;
    const { id } = await gt.db
      .insertInto('zeroinvoice_invoices_cache')
      .values({
        organization_id: organizationId,
        external_invoice_id: external,
        status: values.status ?? 'sent',
        currency: 'USD',
        total_cents: 4250,
        amount_due_cents: values.amountDueCents ?? 4250,
        snapshot: JSON.stringify({ id: external }),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return { id, external };
  }

  const stored = (id: string) =>
    gt.db
      .selectFrom('zeroinvoice_invoices_cache as i')
      .leftJoin('invoice_payment_links as l', 'l.invoice_id', 'i.id')
      .select([
        'i.stripe_payment_link',
        'l.provider_link_id as stripe_payment_link_id',
        'l.amount_cents as stripe_payment_link_amount_cents',
        'l.currency as stripe_payment_link_currency',
      ])
      .where('i.id', '=', id)
      .executeTakeFirstOrThrow();

  beforeAll(async () => {
    api = await startStripeApi();
    const { port } = new URL(api.server.url);
    ({ gt, cleanup } = await createTestGreenTrack({
      secret: SECRET,
      providers: {
        payments: stripePayments({ host: '127.0.0.1', port: Number(port), protocol: 'http' }),
      },
      authenticate: (request) => {
        const [userId, organizationId] = (request.headers.get('x-test-session') ?? '').split(':');
        return userId && organizationId ? { userId, organizationId } : null;
      },
    }));
  }, 60_000);
  afterAll(async () => {
    await cleanup?.();
    await api?.close();
  });

  it('makes the link through the organization’s Stripe account, stores and audits it, then reuses it', async () => {
    const { org, organizationId } = await organization({ secretKey: STRIPE_TEST_KEY });
    const { id, external } = await invoice(organizationId);
    const sentBefore = api.server.requests.length;

    const link = await org.invoices.paymentLink(id);

    expect(link).toMatchObject({
      invoice_id: id,
      provider: 'stripe',
      amount_cents: 4250,
      currency: 'usd',
      created: true,
    });
    expect(api.links.get(link.provider_link_id)?.url).toBe(link.url);
    const sent = api.server.requests.slice(sentBefore);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.headers['idempotency-key']).toBe(`greentrack-payment-link:${id}:4250:usd`);
    expect(
      sent[0]?.form?.get(`payment_intent_data[metadata][${StripeMetadataKey.invoiceId}]`),
    ).toBe(id);
    expect(sent[0]?.form?.get(`metadata[${StripeMetadataKey.organizationId}]`)).toBe(
      organizationId,
    );
    expect(sent[0]?.form?.get(`metadata[${StripeMetadataKey.externalInvoiceId}]`)).toBe(external);
    expect(sent[0]?.form?.get('line_items[0][price_data][currency]')).toBe('usd');
    expect(await stored(id)).toEqual({
      stripe_payment_link: link.url,
      stripe_payment_link_id: link.provider_link_id,
      stripe_payment_link_amount_cents: 4250,
      stripe_payment_link_currency: 'usd',
    });
    const audit = await org.auditLog.list({ action: 'invoice.payment_link' });
    expect(audit.items.map((row) => [row.entity, row.entity_id])).toEqual([['invoice', id]]);

    expect(await org.invoices.paymentLink(id)).toEqual({ ...link, created: false });
    expect(api.server.requests.length - sentBefore).toBe(1);
  });

  it('a failed attempt stores nothing; the retry sends the same key and makes one link', async () => {
    const { org, organizationId } = await organization({ secretKey: STRIPE_TEST_KEY });
    const { id } = await invoice(organizationId);
    const linksBefore = api.links.size;
    const sentBefore = api.server.requests.length;
    // Three 500s outlast the SDK's two retries.
    api.failNext('api_error', 'api_error', 'api_error');

    const error = await errorOf(org.invoices.paymentLink(id));
    expect(error.code).toBe('PAYMENT_PROVIDER_FAILED');
    expect(error.details).toMatchObject({
      provider: 'stripe',
      providerCode: 'api_error',
      retryable: true,
    });
    expect((await stored(id)).stripe_payment_link).toBeNull();

    const link = await org.invoices.paymentLink(id);
    expect(link.created).toBe(true);
    expect(api.links.size).toBe(linksBefore + 1);
    const keys = api.server.requests.slice(sentBefore).map((r) => r.headers['idempotency-key']);
    expect(keys).toHaveLength(4);
    expect(new Set(keys)).toEqual(new Set([`greentrack-payment-link:${id}:4250:usd`]));
  }, 20_000);

  it('a link Stripe made for a call that never stored it is the one the next call gets', async () => {
    const { org, organizationId } = await organization({ secretKey: STRIPE_TEST_KEY });
    const { id, external } = await invoice(organizationId);
    // What a process that died between Stripe's answer and the store left behind.
    const { port } = new URL(api.server.url);
    const orphan = await stripePayments({ host: '127.0.0.1', port: Number(port), protocol: 'http' })
      .connect({ secretKey: STRIPE_TEST_KEY })
      .createPaymentLink({
        organizationId,
        invoiceId: id,
        externalInvoiceId: external,
        amountCents: 4250,
        currency: 'usd',
        description: `Invoice ${external}`,
        idempotencyKey: `greentrack-payment-link:${id}:4250:usd`,
      });
    const linksBefore = api.links.size;

    const link = await org.invoices.paymentLink(id);
    expect({ id: link.provider_link_id, url: link.url }).toEqual(orphan);
    expect(api.links.size).toBe(linksBefore);
  });

  it('a new amount due (a partial payment) gets a new link', async () => {
    const { org, organizationId } = await organization({ secretKey: STRIPE_TEST_KEY });
    const { id } = await invoice(organizationId);
    const first = await org.invoices.paymentLink(id);
    await gt.db
      .updateTable('zeroinvoice_invoices_cache')
      .set({ amount_due_cents: 2000 })
      .where('id', '=', id)
      .execute();

    const second = await org.invoices.paymentLink(id);
    expect(second).toMatchObject({ amount_cents: 2000, created: true });
    expect(second.provider_link_id).not.toBe(first.provider_link_id);
    expect(api.server.requests.at(-1)?.headers['idempotency-key']).toBe(
      `greentrack-payment-link:${id}:2000:usd`,
    );
    expect((await stored(id)).stripe_payment_link_amount_cents).toBe(2000);
  });

  it('refuses paid and void invoices, and another organization’s invoice', async () => {
    const { org, organizationId } = await organization({ secretKey: STRIPE_TEST_KEY });
    const sentBefore = api.server.requests.length;
    for (const status of ['paid', 'void'] as const) {
      const { id } = await invoice(organizationId, { status });
      expect((await errorOf(org.invoices.paymentLink(id))).code).toBe('INVOICE_NOT_PAYABLE');
    }
    const { id: zero } = await invoice(organizationId, { amountDueCents: 0 });
    expect((await errorOf(org.invoices.paymentLink(zero))).code).toBe('INVOICE_NOT_PAYABLE');
    const other = await organization({ secretKey: STRIPE_TEST_KEY });
    const { id: theirs } = await invoice(other.organizationId);
    expect((await errorOf(org.invoices.paymentLink(theirs))).code).toBe('INVOICE_NOT_FOUND');
    expect(api.server.requests.length).toBe(sentBefore);
  });

  it('says what is missing: no Stripe account, a key-less account, a key Stripe refuses', async () => {
    const none = await organization();
    const a = await invoice(none.organizationId);
    expect((await errorOf(none.org.invoices.paymentLink(a.id))).code).toBe(
      'PAYMENT_ACCOUNT_MISSING',
    );

    const keyless = await organization({ accountId: 'acct_123' });
    const b = await invoice(keyless.organizationId);
    expect((await errorOf(keyless.org.invoices.paymentLink(b.id))).code).toBe(
      'PAYMENT_ACCOUNT_INVALID',
    );

    const refused = await organization({ secretKey: 'sk_test_revoked' });
    const c = await invoice(refused.organizationId);
    const error = await errorOf(refused.org.invoices.paymentLink(c.id));
    expect(error.code).toBe('PAYMENT_PROVIDER_FAILED');
    expect(error.details).toMatchObject({ retryable: false });
    expect(JSON.stringify(error.details)).not.toContain('sk_test_revoked');
  });

  it('answers over HTTP: 200 with the link, 409 with a stable code', async () => {
    const { organizationId, ownerId } = await organization({ secretKey: STRIPE_TEST_KEY });
    const open = await invoice(organizationId);
    const paid = await invoice(organizationId, { status: 'paid' });
    const post = (invoiceId: string) =>
      gt.handler(
        new Request(`http://host.test/api/greentrack/invoices/${invoiceId}/payment-link`, {
          method: 'POST',
          headers: { 'x-test-session': `${ownerId}:${organizationId}` },
        }),
      );

    const ok = await post(open.id);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({
      invoice_id: open.id,
      amount_cents: 4250,
      created: true,
    });

    const conflict = await post(paid.id);
    expect(conflict.status).toBe(409);
    expect(await conflict.json()).toMatchObject({ error: { code: 'INVOICE_NOT_PAYABLE' } });

    const noAccount = await organization();
    const theirs = await invoice(noAccount.organizationId);
    const missing = await gt.handler(
      new Request(`http://host.test/api/greentrack/invoices/${theirs.id}/payment-link`, {
        method: 'POST',
        headers: { 'x-test-session': `${noAccount.ownerId}:${noAccount.organizationId}` },
      }),
    );
    expect(missing.status).toBe(409);
    expect(await missing.json()).toMatchObject({ error: { code: 'PAYMENT_ACCOUNT_MISSING' } });
  });

  it('an invoice sent by SMS offers a link made on demand, and after a partial payment a link for what is left', async () => {
    const { org, organizationId } = await organization({ secretKey: STRIPE_TEST_KEY });
    const customer = await org.customers.create({
      type: 'customer',
      name: 'Pia Payer',
      phone: '+14155550188',
    });
    const { id } = await invoice(organizationId);
    await gt.db
      .updateTable('zeroinvoice_invoices_cache')
      .set({ customer_id: customer.id })
      .where('id', '=', id)
      .execute();
    const smsBodies = async () =>
      (
        await gt.db
          .selectFrom('outbox_messages')
          .select('body')
          .where('organization_id', '=', organizationId)
          .where('channel', '=', 'sms')
          .orderBy('sent_at')
          .execute()
      ).map((row) => row.body);

    await org.invoices.send(id, { via: ['sms'] });
    const first = await stored(id);
    expect(first.stripe_payment_link_amount_cents).toBe(4250);
    expect(await smsBodies()).toEqual([
      expect.stringContaining(`Pay: ${first.stripe_payment_link}`),
    ]);

    await org.payments.recordManual(id, { amount_cents: 1250, method: 'check' });
    await org.invoices.send(id, { via: ['sms'], resend: true });
    const second = await stored(id);
    expect(second.stripe_payment_link_amount_cents).toBe(3000);
    expect(second.stripe_payment_link).not.toBe(first.stripe_payment_link);
    expect((await smsBodies())[1]).toContain(`Pay: ${second.stripe_payment_link}`);
  });
});
