/**
 * Conversions to Google Analytics end to end: core's worker pass → the organization's
 * `google_analytics` integration account → `googleAnalytics()` → `fetch` → a local server
 * speaking the Measurement Protocol (`test/ga-mp-server.ts`: 204 on `/mp/collect`, GA's
 * validation rules on `/debug/mp/collect`), on PGlite or on Postgres (`DATABASE_URL`).
 */
import { fixedClock, type GreenTrack } from '@greentrack/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type MeasurementProtocolServer,
  startMeasurementProtocolServer,
  validatePayload,
} from '../../test/ga-mp-server.js';
import { createTestGreenTrack, databaseKind } from '../../test/greentrack.js';
import { createShop } from '../../test/shop.js';
import { googleAnalytics } from './index.js';

const SECRET = 'ga-e2e-secret-0123456789abcdef0123456789';
const START = '2026-06-01T09:00:00.000Z';

describe(`conversions forwarded to Google Analytics [${databaseKind}]`, () => {
  let mp: MeasurementProtocolServer;
  let gt: GreenTrack;
  let cleanup: () => Promise<void>;
  const clock = fixedClock(START);
  let n = 0;

  beforeAll(async () => {
    mp = await startMeasurementProtocolServer(() => clock.now());
    ({ gt, cleanup } = await createTestGreenTrack({
      clock,
      secret: SECRET,
      providers: { analytics: googleAnalytics({ baseUrl: mp.server.url }) },
    }));
  }, 60_000);
  afterAll(async () => {
    await cleanup?.();
    await mp?.close();
  });

  /**
   * A shop connected to GA at START, a customer seen on the site as `clientId`
   * (`ga_sessions`), and a campaign run whose last_click credits come from `june_sale`.
   */
  async function connectedShop(options: { connect?: boolean } = {}) {
    clock.set(START);
    const measurementId = `G-E2E${++n}`;
    const apiSecret = `secret-${n}`;
    const clientId = `${1000 + n}.1717232400`;
    const shop = await createShop(gt);
    if (options.connect !== false)
      await shop.org.integrations.create({
        provider: 'google_analytics',
        credentials: { measurementId, apiSecret },
      });
    const customer = await shop.org.customers.create({ name: 'Ada', type: 'customer' });
    await gt.db
      .insertInto('ga_sessions')
      .values({
        organization_id: shop.organizationId,
        customer_id: customer.id,
        ga_client_id: clientId,
        first_seen_at: '2026-05-30T10:00:00Z',
        last_seen_at: '2026-05-31T10:00:00Z',
      })
      .execute();
    const campaign = await gt.db
      .insertInto('campaigns')
      .values({
        organization_id: shop.organizationId,
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

    /** A paid invoice's conversion event, as the conversions part writes it. */
    const invoicePaid = async (at: string, cents: number, attributed = true) => {
      const { id } = await gt.db
        .insertInto('events')
        .values({
          organization_id: shop.organizationId,
          customer_id: customer.id,
          name: 'invoice_paid',
          source: 'webhook',
          occurred_at: at,
          properties: JSON.stringify({
            revenue_cents: cents,
            currency: 'eur',
            invoice_id: crypto.randomUUID(),
            external_invoice_id: `INV-${n}`,
            total_cents: cents,
          }),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      if (attributed)
        await gt.db
          .insertInto('attributions')
          .values({
            organization_id: shop.organizationId,
            customer_id: customer.id,
            campaign_run_id: run.id,
            event_id: id,
            conversion_name: 'invoice_paid',
            revenue_cents: cents,
            attributed_model: 'last_click',
          })
          .execute();
      return id;
    };
    /** The collect requests of this shop (every tick runs every organization). */
    const collected = () =>
      mp
        .collected()
        .filter(
          (r) =>
            new URL(r.url, 'http://ga.test').searchParams.get('measurement_id') === measurementId,
        );
    const states = async () =>
      (
        await gt.db
          .selectFrom('ga_conversion_forwards')
          .select(['event_id', 'status', 'attempts', 'last_error', 'client_id'])
          .where('organization_id', '=', shop.organizationId)
          .orderBy('occurred_at')
          .execute()
      ).map((row) => ({ ...row }));
    return { ...shop, measurementId, apiSecret, clientId, invoicePaid, collected, states };
  }

  it('sends a paid invoice as one purchase with the client id, UTM values and money in major units; once', async () => {
    const shop = await connectedShop();
    const eventId = await shop.invoicePaid('2026-06-01T10:15:00Z', 123_456);
    clock.set('2026-06-01T10:20:00Z');

    await gt.worker.tick();

    const [request, ...more] = shop.collected();
    expect(more).toEqual([]);
    expect(request?.method).toBe('POST');
    const url = new URL(request?.url ?? '', 'http://ga.test');
    expect(url.pathname).toBe('/mp/collect');
    expect(url.searchParams.get('measurement_id')).toBe(shop.measurementId);
    expect(url.searchParams.get('api_secret')).toBe(shop.apiSecret);
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.json).toEqual({
      client_id: shop.clientId,
      events: [
        {
          name: 'purchase',
          params: {
            transaction_id: eventId,
            value: 1234.56,
            currency: 'EUR',
            source: 'greentrack',
            medium: 'email',
            campaign: 'june_sale',
          },
          timestamp_micros: Date.parse('2026-06-01T10:15:00Z') * 1000,
        },
      ],
    });
    // What GA's validation server would say of the very bytes sent: nothing.
    expect(validatePayload(request?.json, clock.now())).toEqual([]);
    expect(await shop.states()).toEqual([
      {
        event_id: eventId,
        status: 'sent',
        attempts: 1,
        last_error: null,
        client_id: shop.clientId,
      },
    ]);

    clock.advance(60 * 60 * 1000);
    await gt.worker.tick();
    expect(shop.collected()).toHaveLength(1);
    expect((await shop.org.googleAnalytics.status()).counts).toEqual({
      pending: 0,
      sent: 1,
      failed: 0,
      skipped: 0,
    });
  });

  it('retries a 500 and sends the conversion once the server takes it (204)', async () => {
    const shop = await connectedShop();
    const eventId = await shop.invoicePaid('2026-06-01T10:00:00Z', 5_000);
    clock.set('2026-06-01T10:05:00Z');
    mp.failNext({ status: 500, body: 'backend error' });

    await gt.worker.tick();
    expect(await shop.states()).toEqual([
      expect.objectContaining({
        event_id: eventId,
        status: 'pending',
        last_error: 'GA_HTTP_500: Google Analytics answered HTTP 500: backend error',
      }),
    ]);
    clock.advance(31_000);
    await gt.worker.tick();
    clock.advance(60 * 60 * 1000);
    await gt.worker.tick();

    const sent = shop.collected();
    expect(sent).toHaveLength(2);
    expect(sent[1]?.body.equals(sent[0]?.body ?? Buffer.alloc(0))).toBe(true);
    expect(await shop.states()).toEqual([
      expect.objectContaining({ event_id: eventId, status: 'sent', attempts: 2, last_error: null }),
    ]);
  });

  it('waits as long as a 429’s Retry-After says before trying again', async () => {
    const shop = await connectedShop();
    await shop.invoicePaid('2026-06-01T10:00:00Z', 5_000);
    clock.set('2026-06-01T10:05:00Z');
    mp.failNext({ status: 429, headers: { 'retry-after': '120' } });

    await gt.worker.tick();
    // Past the 30 s backoff, before the server's 120 s: not yet.
    clock.advance(60_000);
    await gt.worker.tick();
    expect(shop.collected()).toHaveLength(1);
    clock.advance(61_000);
    await gt.worker.tick();

    expect(shop.collected()).toHaveLength(2);
    expect((await shop.states()).map((s) => s.status)).toEqual(['sent']);
  });

  it('fails the conversions of a request GA refuses with a 400, with the reason, and does not resend them', async () => {
    const shop = await connectedShop();
    const eventId = await shop.invoicePaid('2026-06-01T10:00:00Z', 5_000);
    clock.set('2026-06-01T10:05:00Z');
    mp.failNext({ status: 400, body: 'invalid api_secret' });

    await gt.worker.tick();
    clock.advance(2 * 60 * 60 * 1000);
    await gt.worker.tick();

    expect(shop.collected()).toHaveLength(1);
    expect(await shop.states()).toEqual([
      expect.objectContaining({
        event_id: eventId,
        status: 'failed',
        last_error: 'GA_HTTP_400: Google Analytics answered HTTP 400: invalid api_secret',
      }),
    ]);
    expect((await shop.org.googleAnalytics.status()).last_error).toMatchObject({
      event_id: eventId,
      status: 'failed',
    });
  });

  it('splits more than 25 conversions of one client into requests of at most 25 events', async () => {
    const shop = await connectedShop();
    const ids: string[] = [];
    for (let i = 0; i < 30; i++)
      ids.push(await shop.invoicePaid(`2026-06-01T10:${String(i).padStart(2, '0')}:00Z`, 100 + i));
    clock.set('2026-06-01T11:00:00Z');

    await gt.worker.tick();

    const requests = shop.collected();
    expect(requests.map((r) => (r.json as { events: unknown[] }).events.length)).toEqual([25, 5]);
    for (const request of requests) {
      expect((request.json as { client_id: string }).client_id).toBe(shop.clientId);
      expect(validatePayload(request.json, clock.now())).toEqual([]);
    }
    const sentIds = requests.flatMap((r) =>
      (r.json as { events: { params: { transaction_id: string } }[] }).events.map(
        (e) => e.params.transaction_id,
      ),
    );
    expect(sentIds).toEqual(ids);
    expect((await shop.states()).every((s) => s.status === 'sent')).toBe(true);
  });

  it('sends nothing for an organization without an active google_analytics account', async () => {
    const shop = await connectedShop({ connect: false });
    const disabled = await shop.org.integrations.create({
      provider: 'google_analytics',
      credentials: { measurementId: shop.measurementId, apiSecret: shop.apiSecret },
    });
    await shop.org.integrations.update(disabled.id, { status: 'disabled' });
    await shop.invoicePaid('2026-06-01T10:00:00Z', 5_000);
    clock.set('2026-06-01T10:05:00Z');

    await gt.worker.tick();

    expect(shop.collected()).toEqual([]);
    expect(await shop.states()).toEqual([]);
  });

  it('checks an account against the validation server; bad payloads get GA’s validation messages', async () => {
    const shop = await connectedShop();
    const check = await shop.org.googleAnalytics.validate();
    expect(check).toMatchObject({ valid: true, validation_messages: [] });
    const debug = mp.server.requests.at(-1);
    expect(new URL(debug?.url ?? '', 'http://ga.test').pathname).toBe('/debug/mp/collect');
    expect(shop.collected()).toEqual([]);

    const forwarder = googleAnalytics({ baseUrl: mp.server.url });
    const credentials = { measurementId: shop.measurementId, apiSecret: shop.apiSecret };
    const messages = await forwarder.validate(credentials, {
      client_id: '',
      events: [
        { name: '_badEventName', params: {} },
        { name: 'session_start', params: {} },
        { name: 'purchase', params: { ga_secret: 'x', value: 1, source: 'y'.repeat(101) } },
        ...Array.from({ length: 23 }, () => ({ name: 'refund', params: {} })),
      ],
    });
    expect(messages.map((m) => [m.fieldPath, m.validationCode])).toEqual([
      ['client_id', 'VALUE_REQUIRED'],
      ['events', 'EXCEEDED_MAX_ENTITIES'],
      ['events', 'NAME_INVALID'],
      ['events', 'NAME_RESERVED'],
      ['events[2].params', 'NAME_RESERVED'],
      ['events[2].params.source', 'VALUE_OUT_OF_BOUNDS'],
      ['events[2].params.currency', 'VALUE_REQUIRED'],
    ]);
    expect(messages[2]?.description).toBe(
      'Event at index: [0] has invalid name [_badEventName]. Names must start with an alphabetic character.',
    );
  });

  it('reports an unreachable server as transient, without the API secret in the message', async () => {
    const forwarder = googleAnalytics({ baseUrl: 'http://127.0.0.1:9', timeoutMs: 2_000 });
    const error = await forwarder
      .send(
        { measurementId: 'G-X', apiSecret: 'do-not-log' },
        { client_id: '1.2', events: [{ name: 'purchase', params: {} }] },
      )
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toMatchObject({ name: 'ProviderError', kind: 'transient' });
    expect(String((error as Error).message)).not.toContain('do-not-log');
  });
});
