/**
 * Google Analytics forwarding, core's side (both databases), with a tiny in-test forwarder
 * (`test-forwarder.ts`): which conversions the worker's pass picks (after the account was
 * connected, within 72 hours), what each becomes (purchase / refund, major units, client id
 * from `ga_sessions`, UTM from the last_click campaign), why some are skipped, backoff and
 * giving up, and the status and account check people read. The wire format is tested
 * against a local Measurement Protocol server in `@greentrack/adapters`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestGreenTrack, databaseKind, makeOrganization } from '../../test/harness.js';
import { fixedClock } from '../clock.js';
import { GreenTrackError } from '../errors.js';
import type { GreenTrack } from '../greentrack.js';
import { MAX_ATTEMPTS } from './pass.js';
import { type TestForwarder, testAnalyticsForwarder } from './test-forwarder.js';

const SECRET = 'ga-forwarding-test-secret-0123456789abcdef';
const CONNECTED = '2026-06-01T09:00:00.000Z';
const HOUR = 60 * 60 * 1000;

async function codeOf(work: Promise<unknown>): Promise<string> {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GreenTrackError);
  return (error as GreenTrackError).code;
}

describe(`Google Analytics forwarding [${databaseKind}]`, () => {
  let gt: GreenTrack;
  let cleanup: () => Promise<void>;
  let forwarder: TestForwarder;
  const clock = fixedClock(CONNECTED);
  let n = 0;

  beforeAll(async () => {
    forwarder = testAnalyticsForwarder((request) =>
      request.client_id === ''
        ? [{ fieldPath: 'client_id', description: 'required', validationCode: 'VALUE_REQUIRED' }]
        : [],
    );
    ({ gt, cleanup } = await createTestGreenTrack({
      clock,
      secret: SECRET,
      providers: { analytics: forwarder },
    }));
  });
  afterAll(() => cleanup());

  /** An organization (connected to GA at `CONNECTED` unless `connect` is false) and a customer. */
  async function shop(connect = true) {
    clock.set(CONNECTED);
    forwarder.sent.length = 0;
    forwarder.script.length = 0;
    const { organization, admin, staff } = await makeOrganization(gt, `GA shop ${++n}`);
    const measurementId = `G-SHOP${n}`;
    const org = gt.as({ userId: admin.id, organizationId: organization.id });
    if (connect)
      await org.integrations.create({
        provider: 'google_analytics',
        credentials: { measurementId, apiSecret: 'secret-1' },
      });
    const customer = await org.customers.create({ name: `Buyer ${n}`, type: 'customer' });
    return {
      /** What was sent for this shop (ticks run every organization's pass). */
      sent: () => forwarder.sent.filter((s) => s.credentials.measurementId === measurementId),
      measurementId,
      organizationId: organization.id,
      org,
      staff: gt.as({ userId: staff.id, organizationId: organization.id }),
      customerId: customer.id,
    };
  }

  /** A conversion event as the conversions part writes them. */
  async function conversion(
    organizationId: string,
    customerId: string,
    values: {
      name?: string;
      at: string;
      cents: number;
      currency?: string | null;
      reverses?: string;
      ga?: string;
      utm?: { source: string; medium: string; campaign: string };
    },
  ): Promise<string> {
    const properties: Record<string, unknown> = { revenue_cents: values.cents };
    if (values.currency !== null) properties.currency = values.currency ?? 'usd';
    if (values.reverses) properties.reverses_event_id = values.reverses;
    const { id } = await gt.db
      .insertInto('events')
      .values({
        organization_id: organizationId,
        customer_id: customerId,
        name: values.name ?? 'payment_received',
        source: 'system',
        occurred_at: values.at,
        ga_client_id: values.ga ?? null,
        utm_source: values.utm?.source ?? null,
        utm_medium: values.utm?.medium ?? null,
        utm_campaign: values.utm?.campaign ?? null,
        properties: JSON.stringify(properties),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return id;
  }

  const forwards = (organizationId: string) =>
    gt.db
      .selectFrom('ga_conversion_forwards')
      .select(['event_id', 'status', 'reason', 'attempts', 'client_id', 'last_error'])
      .where('organization_id', '=', organizationId)
      .orderBy('occurred_at')
      .execute();

  it('sends purchases and refunds after the account was connected, once, with the client id and the campaign’s UTM', async () => {
    const { organizationId, org, staff, customerId, sent, measurementId } = await shop();
    await gt.db
      .insertInto('ga_sessions')
      .values([
        {
          organization_id: organizationId,
          customer_id: customerId,
          ga_client_id: '111.old',
          last_seen_at: '2026-05-20T00:00:00Z',
        },
        {
          organization_id: organizationId,
          customer_id: customerId,
          ga_client_id: '222.newest',
          last_seen_at: '2026-05-30T00:00:00Z',
        },
      ])
      .execute();
    const campaign = await gt.db
      .insertInto('campaigns')
      .values({
        organization_id: organizationId,
        name: 'June sale',
        channel: 'email',
        utm_source: 'greentrack',
        utm_medium: 'email',
        utm_campaign: 'june_sale',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const run = await gt.db
      .insertInto('campaign_runs')
      .values({ campaign_id: campaign.id })
      .returning('id')
      .executeTakeFirstOrThrow();
    const before = await conversion(organizationId, customerId, {
      at: '2026-06-01T08:00:00Z',
      cents: 500,
    });
    const paid = await conversion(organizationId, customerId, {
      at: '2026-06-01T10:00:00Z',
      cents: 4250,
      utm: { source: 'newsletter', medium: 'web', campaign: 'own' },
    });
    await gt.db
      .insertInto('attributions')
      .values({
        organization_id: organizationId,
        customer_id: customerId,
        campaign_run_id: run.id,
        event_id: paid,
        conversion_name: 'payment_received',
        revenue_cents: 4250,
        attributed_model: 'last_click',
      })
      .execute();
    const refund = await conversion(organizationId, customerId, {
      name: 'payment_refunded',
      at: '2026-06-01T11:00:00Z',
      cents: -1999,
      reverses: paid,
    });
    clock.set('2026-06-01T12:00:00Z');

    await gt.worker.tick();

    expect(sent()).toHaveLength(1);
    const [{ credentials, request }] = sent() as [(typeof forwarder.sent)[number]];
    expect(credentials).toEqual({ measurementId, apiSecret: 'secret-1' });
    expect(request).toEqual({
      client_id: '222.newest',
      events: [
        {
          name: 'purchase',
          params: {
            transaction_id: paid,
            value: 42.5,
            currency: 'USD',
            source: 'greentrack',
            medium: 'email',
            campaign: 'june_sale',
          },
          timestamp_micros: Date.parse('2026-06-01T10:00:00Z') * 1000,
        },
        {
          name: 'refund',
          // The refund takes back the payment's transaction; its touches are the payment's.
          params: {
            transaction_id: paid,
            value: 19.99,
            currency: 'USD',
            source: 'greentrack',
            medium: 'email',
            campaign: 'june_sale',
          },
          timestamp_micros: Date.parse('2026-06-01T11:00:00Z') * 1000,
        },
      ],
    });
    expect((await forwards(organizationId)).map((f) => [f.event_id, f.status])).toEqual([
      [paid, 'sent'],
      [refund, 'sent'],
    ]);
    expect((await forwards(organizationId)).some((f) => f.event_id === before)).toBe(false);

    clock.advance(HOUR);
    await gt.worker.tick();
    expect(sent()).toHaveLength(1);

    const status = await staff.googleAnalytics.status();
    expect(status).toMatchObject({
      configured: true,
      counts: { pending: 0, sent: 2, failed: 0, skipped: 0 },
      last_error: null,
      last_sent_at: '2026-06-01T12:00:00.000Z',
    });
    expect(await codeOf(staff.googleAnalytics.validate())).toBe('FORBIDDEN');
    expect(await org.googleAnalytics.validate()).toMatchObject({ valid: true });

    // The rows name the customer's conversions and GA client id: an erase deletes them.
    const erased = await org.customers.erase(customerId);
    expect(erased.deleted).toMatchObject({ ga_conversion_forwards: 2 });
    expect(await forwards(organizationId)).toEqual([]);
  });

  it('skips what GA cannot take, with the reason', async () => {
    const { organizationId, org, customerId, sent } = await shop();
    const noClient = await conversion(organizationId, customerId, {
      at: '2026-06-01T10:00:00Z',
      cents: 100,
    });
    const noCurrency = await conversion(organizationId, customerId, {
      at: '2026-06-01T10:01:00Z',
      cents: 100,
      currency: null,
      ga: '333.event',
    });
    const noRevenue = await conversion(organizationId, customerId, {
      name: 'invoice_paid',
      at: '2026-06-01T10:02:00Z',
      cents: 0,
      ga: '333.event',
    });
    const ownClientId = await conversion(organizationId, customerId, {
      at: '2026-06-01T10:03:00Z',
      cents: 100,
      ga: '333.event',
    });
    clock.set('2026-06-01T11:00:00Z');
    await gt.worker.tick();

    expect(sent().map((s) => s.request.client_id)).toEqual(['333.event']);
    expect((await forwards(organizationId)).map((f) => [f.event_id, f.status, f.reason])).toEqual([
      [noClient, 'skipped', 'NO_CLIENT_ID'],
      [noCurrency, 'skipped', 'NO_CURRENCY'],
      [noRevenue, 'skipped', 'NO_REVENUE'],
      [ownClientId, 'sent', null],
    ]);
    expect((await org.googleAnalytics.status()).skipped_reasons).toEqual({
      NO_CLIENT_ID: 1,
      NO_CURRENCY: 1,
      NO_REVENUE: 1,
    });
  });

  it('never picks up conversions older than 72 hours, and skips pending ones that aged past it', async () => {
    const { organizationId, customerId } = await shop();
    clock.set('2026-06-10T00:00:00Z');
    await conversion(organizationId, customerId, { at: '2026-06-06T00:00:00Z', cents: 100 });
    const recent = await conversion(organizationId, customerId, {
      at: '2026-06-09T00:00:00Z',
      cents: 100,
      ga: '444.x',
    });
    forwarder.script.push('transient');
    await gt.worker.tick();
    expect(await forwards(organizationId)).toEqual([
      expect.objectContaining({ event_id: recent, status: 'pending', attempts: 1 }),
    ]);
    clock.advance(50 * HOUR);
    await gt.worker.tick();
    expect(await forwards(organizationId)).toEqual([
      expect.objectContaining({ event_id: recent, status: 'skipped', reason: 'TOO_OLD' }),
    ]);
  });

  it('retries a transient failure with backoff, fails a permanent one, gives up after MAX_ATTEMPTS', async () => {
    const { organizationId, org, customerId, sent } = await shop();
    const retried = await conversion(organizationId, customerId, {
      at: '2026-06-01T10:00:00Z',
      cents: 100,
      ga: '555.a',
    });
    clock.set('2026-06-01T10:30:00Z');
    forwarder.script.push('transient');
    await gt.worker.tick();
    // Not due again before the 30 s backoff.
    clock.advance(10_000);
    await gt.worker.tick();
    expect(sent()).toHaveLength(1);
    expect((await org.googleAnalytics.status()).last_error).toMatchObject({
      event_id: retried,
      status: 'pending',
      error: 'GA_HTTP_503: HTTP 503',
    });
    clock.advance(30_000);
    await gt.worker.tick();
    expect(sent()).toHaveLength(2);
    expect((await forwards(organizationId))[0]).toMatchObject({ status: 'sent', attempts: 2 });

    const refused = await conversion(organizationId, customerId, {
      at: '2026-06-01T10:30:20Z',
      cents: 100,
      ga: '555.b',
    });
    forwarder.script.push('permanent');
    await gt.worker.tick();
    expect((await forwards(organizationId))[1]).toMatchObject({
      event_id: refused,
      status: 'failed',
      last_error: 'GA_HTTP_400: HTTP 400: bad request',
    });

    const doomed = await conversion(organizationId, customerId, {
      at: '2026-06-01T10:30:30Z',
      cents: 100,
      ga: '555.c',
    });
    for (let i = 0; i < MAX_ATTEMPTS; i++) {
      forwarder.script.push('transient');
      await gt.worker.tick();
      clock.advance(HOUR);
    }
    expect((await forwards(organizationId))[2]).toMatchObject({
      event_id: doomed,
      status: 'failed',
      attempts: MAX_ATTEMPTS,
    });
    expect((await org.googleAnalytics.status()).counts).toEqual({
      pending: 0,
      sent: 1,
      failed: 2,
      skipped: 0,
    });
  });

  it('forwards nothing without an active account; the account check explains what is missing', async () => {
    const { organizationId, org, customerId } = await shop(false);
    await conversion(organizationId, customerId, {
      at: '2026-06-01T10:00:00Z',
      cents: 100,
      ga: '666.a',
    });
    clock.set('2026-06-01T11:00:00Z');
    await gt.worker.tick();
    expect(forwarder.sent.filter((s) => s.request.client_id === '666.a')).toEqual([]);
    expect(await forwards(organizationId)).toEqual([]);
    expect(await org.googleAnalytics.status()).toMatchObject({
      integration_account_id: null,
      counts: { pending: 0, sent: 0, failed: 0, skipped: 0 },
    });
    expect(await codeOf(org.googleAnalytics.validate())).toBe('GA_ACCOUNT_NOT_FOUND');

    const account = await org.integrations.create({
      provider: 'google_analytics',
      credentials: { measurementId: 'G-ONLY' },
    });
    expect(await codeOf(org.googleAnalytics.validate())).toBe('GA_ACCOUNT_INVALID');
    await org.integrations.update(account.id, { status: 'disabled' });
    expect(await codeOf(org.googleAnalytics.validate())).toBe('GA_ACCOUNT_NOT_FOUND');
  });

  it('answers the account check through the validation server’s messages', async () => {
    const { org } = await shop();
    const result = await org.googleAnalytics.validate();
    expect(result.valid).toBe(true);
    expect(result.validation_messages).toEqual([]);
    expect(result.request).toMatchObject({ events: [{ name: 'purchase' }] });
  });
});
