/**
 * What counts as a conversion, and its revenue: the built-in events by `revenue_cents`, the
 * organization's configured events by their property, only events about a customer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestGreenTrack, databaseKind } from '../../test/harness.js';
import type { GreenTrack } from '../greentrack.js';
import { systemScope } from '../scope.js';
import { type ConversionRow, conversionsSql } from './conversions.js';
import {
  attributionSettingsSchema,
  DEFAULT_ATTRIBUTION_SETTINGS,
  getAttributionSettings,
} from './settings.js';

describe(`conversions [${databaseKind}]`, () => {
  let gt: GreenTrack;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ gt, cleanup } = await createTestGreenTrack());
  });
  afterAll(() => cleanup());

  it('defaults: clicks 7 days, opens 1 day (off), half-life 7 days, no configured events', () => {
    expect(DEFAULT_ATTRIBUTION_SETTINGS).toEqual({
      touches: { click: true, open: false, delivered: false, utm: true },
      lookbackDays: { click: 7, open: 1, delivered: 1, utm: 7 },
      halfLifeDays: 7,
      conversions: [],
    });
    expect(
      attributionSettingsSchema.safeParse({ conversions: [{ name: 'invoice_paid' }] }).success,
    ).toBe(false);
    expect(
      attributionSettingsSchema.safeParse({ conversions: [{ name: 'a' }, { name: 'a' }] }).success,
    ).toBe(false);
  });

  it('reads built-in and configured conversions with their revenue in cents', async () => {
    const org = await gt.db
      .insertInto('organizations')
      .values({ name: 'Conv' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const scope = systemScope({ database: gt.database, clock: gt.clock, emit: () => {} }, org.id);
    const customer = await gt.db
      .insertInto('customers')
      .values({ organization_id: org.id, type: 'customer', name: 'Ada' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const at = new Date('2026-05-01T12:00:00Z');
    const event = (name: string, properties: object, customerId: string | null = customer.id) => ({
      organization_id: org.id,
      customer_id: customerId,
      name,
      source: 'system',
      properties: JSON.stringify(properties),
      occurred_at: at,
    });
    const [payment] = await gt.db
      .insertInto('events')
      .values([event('payment_received', { revenue_cents: 12_000 })])
      .returning('id')
      .execute();
    await gt.db
      .insertInto('events')
      .values([
        event('payment_refunded', { revenue_cents: -2_000, reverses_event_id: payment?.id }),
        event('invoice_paid', { revenue_cents: 0 }),
        event('booking_request', { value: 4_999.6 }),
        event('booking_request', { value: 'a lot' }),
        event('newsletter_signup', { value: 10 }),
        event('page_view', { revenue_cents: 99 }),
        event('payment_received', { revenue_cents: 500 }, null),
      ])
      .execute();
    await gt.db
      .insertInto('organization_settings')
      .values({
        organization_id: org.id,
        attribution: JSON.stringify({
          conversions: [
            { name: 'booking_request', revenueProperty: 'value' },
            { name: 'newsletter_signup' },
          ],
        }),
      })
      .execute();
    const settings = await getAttributionSettings(scope);
    expect(settings.conversions.map((c) => c.name)).toEqual([
      'booking_request',
      'newsletter_signup',
    ]);
    const read = async (window = {}) => {
      const { rows } = await conversionsSql(scope, settings, window).execute(scope.db);
      return (rows as ConversionRow[])
        .map((r) => [r.name, r.revenue_cents, r.reverses_event_id])
        .sort((a, b) => String(a[0]).localeCompare(String(b[0])) || Number(a[1]) - Number(b[1]));
    };
    expect(await read()).toEqual([
      ['booking_request', 0, null],
      ['booking_request', 5_000, null],
      ['invoice_paid', 0, null],
      ['newsletter_signup', 0, null],
      ['payment_received', 12_000, null],
      ['payment_refunded', -2_000, payment?.id],
    ]);
    expect(await read({ names: ['invoice_paid', 'page_view'] })).toEqual([
      ['invoice_paid', 0, null],
    ]);
    expect(await read({ since: new Date(at.getTime() + 1) })).toEqual([]);
    expect(await read({ until: at })).toEqual([]);
  });
});
