/**
 * ZeroInvoice webhooks end to end: Standard Webhooks deliveries signed by the reference
 * `standardwebhooks` package, posted to `{base}/webhooks/zeroinvoice/{account}` through
 * `gt.handler`, verified by `zeroinvoiceWebhooks()` with the account's `webhookSecret`, then
 * applied to the invoice cache and payments, on PGlite or Postgres (`DATABASE_URL`). Refused
 * deliveries answer 401 and store nothing.
 */
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKind } from '../../test/greentrack.js';
import {
  startWebhookRoute,
  WEBHOOK_TEST_NOW,
  type WebhookRoute,
} from '../../test/webhook-route.js';
import { zeroinvoiceWebhooks } from './webhooks.js';

const secret = `whsec_${Buffer.from('zeroinvoice-e2e-secret-000000001').toString('base64')}`;
const sentAt = new Date(Date.parse(WEBHOOK_TEST_NOW) - 5_000);
let sequence = 0;

function delivery(payload: unknown, options: { secret?: string; at?: Date } = {}) {
  const body = JSON.stringify(payload);
  const id = `msg_e2e_${++sequence}`;
  const at = options.at ?? sentAt;
  return {
    body,
    headers: {
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': new Webhook(options.secret ?? secret).sign(id, at, body),
    },
  };
}

const invoiceEvent = (amountDue: number, updatedAt: string) => ({
  type: 'invoice.updated',
  timestamp: updatedAt,
  data: {
    id: 'ZI-77',
    client_id: 5,
    status: 'sent',
    amount: 200,
    amount_due: amountDue,
    currency: 'USD',
    due_date: '2026-07-01',
    line_items: [{ name: 'Audit', quantity: 1, unit_price: 200 }],
    updated_at: updatedAt,
  },
});

describe(`ZeroInvoice webhooks through the route [${databaseKind}]`, () => {
  let route: WebhookRoute;
  beforeAll(async () => {
    route = await startWebhookRoute(zeroinvoiceWebhooks(), { webhookSecret: secret });
  }, 60_000);
  afterAll(() => route.cleanup());

  const invoiceRow = () =>
    route.gt.db
      .selectFrom('zeroinvoice_invoices_cache')
      .select(['status', 'amount_due_cents', 'total_cents'])
      .where('organization_id', '=', route.organizationId)
      .where('external_invoice_id', '=', 'ZI-77')
      .executeTakeFirst();

  it('an invoice, then a payment of it, then an older state of the invoice', async () => {
    const first = delivery(invoiceEvent(200, '2026-06-10T10:00:00Z'));
    expect((await route.post(first.body, first.headers)).status).toBe(200);
    const payment = delivery({
      type: 'payment.created',
      data: {
        id: 9,
        invoice_id: 'ZI-77',
        amount: 150,
        currency: 'USD',
        paid_at: '2026-06-10T11:00:00Z',
      },
    });
    expect((await route.post(payment.body, payment.headers)).status).toBe(200);
    const older = delivery(invoiceEvent(200, '2026-06-10T09:00:00Z'));
    expect((await route.post(older.body, older.headers)).status).toBe(200);
    await route.gt.worker.tick();
    expect(await invoiceRow()).toEqual({
      status: 'sent',
      amount_due_cents: 5_000,
      total_cents: 20_000,
    });
    const payments = await route.gt.db
      .selectFrom('payments')
      .select(['external_payment_id', 'amount_cents'])
      .where('organization_id', '=', route.organizationId)
      .execute();
    expect(payments).toEqual([{ external_payment_id: 'zeroinvoice_9', amount_cents: 15_000 }]);
  });

  it('answers 401 and stores nothing for a tampered body, a wrong key, a stale timestamp, a missing header', async () => {
    const before = await route.inboundCount();
    const good = delivery(invoiceEvent(1, '2026-06-10T11:30:00Z'));
    const wrong = delivery(invoiceEvent(1, '2026-06-10T11:30:00Z'), {
      secret: `whsec_${Buffer.from('another-secret-of-32-bytes-00000').toString('base64')}`,
    });
    const stale = delivery(invoiceEvent(1, '2026-06-10T11:30:00Z'), {
      at: new Date(Date.parse(WEBHOOK_TEST_NOW) - 301_000),
    });
    const { 'webhook-signature': _s, ...unsigned } = good.headers;
    const attempts: Array<[string, Record<string, string>]> = [
      [good.body.replace('"amount_due":1', '"amount_due":0'), good.headers],
      [wrong.body, wrong.headers],
      [stale.body, stale.headers],
      [good.body, unsigned],
    ];
    for (const [body, headers] of attempts) {
      expect((await route.post(body, headers)).status).toBe(401);
    }
    expect(await route.inboundCount()).toBe(before);
  });
});
