/**
 * `zeroinvoiceWebhooks`: deliveries signed by the reference `standardwebhooks` package (not
 * our own signer) — valid, tampered, wrong key, stale, missing header, rotated keys on either
 * side — and the effects of the invoice and payment events we accept.
 */
import {
  type InboundWebhookRequest,
  type WebhookEffect,
  WebhookSignatureError,
} from '@greentrack/core';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { zeroinvoiceWebhooks } from './webhooks.js';

const secret = `whsec_${Buffer.from('zeroinvoice-endpoint-secret-0001').toString('base64')}`;
const newSecret = `whsec_${Buffer.from('zeroinvoice-endpoint-secret-0002').toString('base64')}`;
const receivedAt = new Date('2026-06-10T12:00:00.000Z');
const source = zeroinvoiceWebhooks();

const invoiceEvent = {
  type: 'invoice.updated',
  timestamp: '2026-06-10T11:59:00Z',
  data: {
    id: 'INV-0042',
    client_id: 17,
    client_email: 'ada@example.com',
    status: 'partial',
    amount: 120.5,
    tax: 20.5,
    amount_due: 20.5,
    currency: 'USD',
    due_date: '2026-06-30',
    line_items: '[{"name":"Consulting","quantity":2,"unit_price":50}]',
    updated_at: '2026-06-10T11:58:30Z',
  },
};

/** A delivery signed as a Standard Webhooks producer signs it, with each of `secrets`. */
function delivery(
  payload: unknown,
  options: { secrets?: string[]; sentAt?: Date; id?: string } = {},
): { body: string; headers: Record<string, string> } {
  const body = JSON.stringify(payload);
  const id = options.id ?? 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W';
  const sentAt = options.sentAt ?? new Date(receivedAt.getTime() - 2_000);
  const signatures = (options.secrets ?? [secret]).map((s) =>
    new Webhook(s).sign(id, sentAt, body),
  );
  return {
    body,
    headers: {
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(sentAt.getTime() / 1000)),
      'webhook-signature': signatures.join(' '),
    },
  };
}

function request(body: string, headers: Record<string, string>): InboundWebhookRequest {
  return {
    url: 'https://app.example.com/api/greentrack/webhooks/zeroinvoice/acct',
    method: 'POST',
    headers,
    rawBody: new TextEncoder().encode(body),
    receivedAt,
  };
}

async function refusal(run: () => unknown): Promise<string> {
  try {
    await run();
  } catch (error) {
    expect(error).toBeInstanceOf(WebhookSignatureError);
    return (error as WebhookSignatureError).reason;
  }
  throw new Error('verify accepted the request');
}

const effectsOf = (payload: unknown): WebhookEffect[] =>
  source.interpret({ id: 'w1', organizationId: 'o1', eventType: null, payload, receivedAt });

describe('zeroinvoiceWebhooks: verify', () => {
  it('accepts a delivery signed with the account secret', () => {
    const { body, headers } = delivery(invoiceEvent);
    expect(source.verify(request(body, headers), { webhookSecret: secret })).toEqual({
      eventType: 'invoice.updated',
      payload: invoiceEvent,
      eventCount: 1,
    });
  });

  it('refuses a tampered body, a wrong key and a missing header', async () => {
    const { body, headers } = delivery(invoiceEvent);
    const credentials = { webhookSecret: secret };
    expect(
      await refusal(() =>
        source.verify(request(body.replace('120.5', '1.5'), headers), credentials),
      ),
    ).toBe('bad_signature');
    expect(
      await refusal(() => source.verify(request(body, headers), { webhookSecret: newSecret })),
    ).toBe('bad_signature');
    for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) {
      const { [name]: _dropped, ...rest } = headers;
      expect(await refusal(() => source.verify(request(body, rest), credentials))).toBe(
        'missing_header',
      );
    }
    expect(await refusal(() => source.verify(request(body, headers), {}))).toBe('missing_secret');
    expect(
      await refusal(() => source.verify(request(body, headers), { webhookSecret: 'whsec_%%%' })),
    ).toBe('bad_credentials');
  });

  it("refuses a timestamp more than 300 s from core's clock, either way", async () => {
    const credentials = { webhookSecret: secret };
    for (const offset of [-301_000, 301_000]) {
      const { body, headers } = delivery(invoiceEvent, {
        sentAt: new Date(receivedAt.getTime() + offset),
      });
      expect(await refusal(() => source.verify(request(body, headers), credentials))).toBe(
        'stale_timestamp',
      );
    }
    const edge = delivery(invoiceEvent, { sentAt: new Date(receivedAt.getTime() - 300_000) });
    expect((await source.verify(request(edge.body, edge.headers), credentials)).eventCount).toBe(1);
  });

  it('key rotation: a header signed with old and new keys passes either; an account listing both passes either signer', async () => {
    const typeOf = async (signers: string[], webhookSecret: string) => {
      const { body, headers } = delivery(invoiceEvent, { secrets: signers });
      return (await source.verify(request(body, headers), { webhookSecret })).eventType;
    };
    expect(await typeOf([secret, newSecret], newSecret)).toBe('invoice.updated');
    expect(await typeOf([secret, newSecret], secret)).toBe('invoice.updated');
    expect(await typeOf([newSecret], `${secret} ${newSecret}`)).toBe('invoice.updated');
    expect(await typeOf([secret], `${secret} ${newSecret}`)).toBe('invoice.updated');
  });
});

describe('zeroinvoiceWebhooks: interpret', () => {
  it('an invoice event → the invoice in the cache terms the sync uses, dated by updated_at', () => {
    expect(effectsOf(invoiceEvent)).toEqual([
      {
        kind: 'invoice',
        invoice: {
          externalInvoiceId: 'INV-0042',
          externalCustomerId: '17',
          customerEmail: 'ada@example.com',
          status: 'sent',
          currency: 'usd',
          subtotalCents: 10_000,
          taxCents: 2_050,
          totalCents: 12_050,
          amountDueCents: 2_050,
          dueDate: '2026-06-30',
          items: [
            {
              name: 'Consulting',
              description: null,
              quantity: '2.00',
              unitPriceCents: 5_000,
              totalCents: 10_000,
              position: 0,
            },
          ],
          raw: expect.objectContaining({ id: 'INV-0042' }),
          updatedAt: new Date('2026-06-10T11:58:30Z'),
        },
      },
    ]);
    const { updated_at: _u, ...withoutUpdatedAt } = invoiceEvent.data;
    const [effect] = effectsOf({ ...invoiceEvent, type: 'invoice.voided', data: withoutUpdatedAt });
    expect(effect).toMatchObject({
      kind: 'invoice',
      invoice: { status: 'void', updatedAt: new Date('2026-06-10T11:59:00Z') },
    });
  });

  it('payment events → payments and refunds in cents', () => {
    const data = {
      id: 901,
      invoice_id: 'INV-0042',
      amount: 100,
      currency: 'USD',
      method: 'ach',
      paid_at: '2026-06-10T11:00:00Z',
    };
    expect(effectsOf({ type: 'payment.created', data })).toEqual([
      {
        kind: 'payment',
        payment: {
          externalPaymentId: 'zeroinvoice_901',
          externalInvoiceId: 'INV-0042',
          kind: 'payment',
          amountCents: 10_000,
          currency: 'usd',
          status: 'succeeded',
          method: 'ach',
          processedAt: new Date('2026-06-10T11:00:00Z'),
          rawPayload: { ...data, id: '901' },
        },
      },
    ]);
    expect(
      effectsOf({ type: 'payment.created', data: { ...data, id: 902, amount: -25.5 } }),
    ).toMatchObject([{ payment: { kind: 'refund', amountCents: 2_550 } }]);
    expect(effectsOf({ type: 'payment.refunded', data: { ...data, id: 903 } })).toMatchObject([
      { payment: { kind: 'refund', amountCents: 10_000 } },
    ]);
  });

  it('unknown types give nothing; a payload of the wrong shape throws', () => {
    expect(effectsOf({ type: 'client.created', data: { id: 1 } })).toEqual([]);
    expect(() => effectsOf({ type: 'invoice.updated', data: { id: 'x' } })).toThrow();
    expect(() => effectsOf({ data: {} })).toThrow();
  });
});
