/**
 * Golden tests of the segment rule compiler: a fixture organization where each predicate's
 * member set is known by construction, on both databases; SQL asserted for small trees;
 * validation paths; and a fuzz of every value slot (values never change the SQL text and
 * never fail as SQL).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failure, issuePaths } from '../../test/errors.js';
import { createTestGreenTrack, databaseKind } from '../../test/harness.js';
import { fixedClock } from '../clock.js';
import type { GreenTrack } from '../greentrack.js';
import type { Scope } from '../scope.js';
import { compileRule, parseRule, previewRule, type Rule, renderRule } from './index.js';

const NOW = new Date('2026-03-01T00:00:00.000Z');
/** Fixture campaigns, with fixed ids so rules can name them: A and B in org A, X in org B. */
const CAMPAIGN = {
  A: '0a0a0a0a-0000-4000-8000-00000000000a',
  B: '0b0b0b0b-0000-4000-8000-00000000000b',
  X: '0c0c0c0c-0000-4000-8000-00000000000c',
} as const;
const json = '{}';

describe(`segments [${databaseKind}]`, () => {
  let gt: GreenTrack;
  let cleanup: () => Promise<void>;
  let orgA: string;
  let orgB: string;
  /** Fixture customers of org A by short name. */
  const ids: Record<'c1' | 'c2' | 'c3' | 'c4' | 'other', string> = {
    c1: '',
    c2: '',
    c3: '',
    c4: '',
    other: '',
  };

  /** Ids (as fixture names, sorted) of org A's customers matching `rule`. */
  async function members(rule: unknown, organizationId = orgA): Promise<string[]> {
    const where = compileRule(parseRule(rule), { organizationId, now: NOW });
    const rows = await gt.db.selectFrom('customers').select('id').where(where).execute();
    const names = Object.fromEntries(Object.entries(ids).map(([k, v]) => [v, k]));
    return rows.map((r) => names[r.id] ?? r.id).sort();
  }

  beforeAll(async () => {
    ({ gt, cleanup } = await createTestGreenTrack({
      clock: fixedClock(NOW),
      secret: 'segments-test-secret-0123456789abcdef',
    }));
    const db = gt.db;
    const org = async (name: string) =>
      (
        await db
          .insertInto('organizations')
          .values({ name })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
    orgA = await org('Golden');
    orgB = await org('Neighbour');
    const customer = async (organization_id: string, values: Record<string, unknown>) => {
      const created = (values.created_at as string) ?? '2026-01-01T00:00:00Z';
      return (
        await db
          .insertInto('customers')
          .values({
            organization_id,
            type: 'customer',
            name: 'x',
            created_at: created,
            updated_at: created,
            ...values,
          } as never)
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
    };
    ids.c1 = await customer(orgA, {
      name: 'Ana Baker',
      email: 'ana@acme.com',
      city: 'Berlin',
      state: 'BE',
      postal_code: '10115',
      country: 'DE',
      notes: 'likes 100% organic_stuff',
      created_at: '2026-02-25T00:00:00Z',
    });
    ids.c2 = await customer(orgA, {
      type: 'lead',
      name: 'Bob Stone',
      email: 'bob@Example.org',
      city: 'Paris',
      country: 'FR',
      created_at: '2025-12-01T00:00:00Z',
      updated_at: '2026-02-27T00:00:00Z',
    });
    ids.c3 = await customer(orgA, {
      name: 'Cara_Lee',
      phone: '+14155552671',
      state: 'CA',
      postal_code: '94105',
      country: 'US',
      notes: 'call later',
      created_at: '2026-01-15T00:00:00Z',
    });
    ids.c4 = await customer(orgA, {
      type: 'lead',
      name: 'Dan',
      email: 'dan@acme.com',
      city: 'berlin',
      country: 'US',
      created_at: '2026-02-28T00:00:00Z',
    });
    // The neighbour looks like c1 in every way; it must never appear in org A's segments.
    ids.other = await customer(orgB, {
      name: 'Ana Other',
      email: 'ana@acme.com',
      city: 'Berlin',
      notes: '100%',
      created_at: '2026-02-26T00:00:00Z',
    });

    const tag = async (organization_id: string, name: string) =>
      (
        await db
          .insertInto('tags')
          .values({ organization_id, name })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
    const vip = await tag(orgA, 'VIP');
    const wholesale = await tag(orgA, 'wholesale');
    const vipB = await tag(orgB, 'vip');
    await db
      .insertInto('customer_tags')
      .values([
        { customer_id: ids.c1, tag_id: vip },
        { customer_id: ids.c1, tag_id: wholesale },
        { customer_id: ids.c2, tag_id: vip },
        { customer_id: ids.c4, tag_id: wholesale },
        { customer_id: ids.other, tag_id: vipB },
      ])
      .execute();

    await db
      .insertInto('subscriptions')
      .values([
        { organization_id: orgA, customer_id: ids.c1, channel: 'email', status: 'subscribed' },
        { organization_id: orgA, customer_id: ids.c2, channel: 'email', status: 'unsubscribed' },
        { organization_id: orgA, customer_id: ids.c3, channel: 'sms', status: 'subscribed' },
        { organization_id: orgB, customer_id: ids.other, channel: 'email', status: 'subscribed' },
      ])
      .execute();

    const invoice = (
      organization_id: string,
      customer_id: string,
      external_invoice_id: string,
      status: 'draft' | 'sent' | 'paid' | 'overdue' | 'void',
      amount_due_cents: number | null,
      total_cents: number | null,
      created_at: string,
    ) => ({
      organization_id,
      customer_id,
      external_invoice_id,
      status,
      amount_due_cents,
      total_cents,
      created_at,
      snapshot: json,
    });
    // Issued (sent/paid/overdue) in the last 30 days, i.e. since 2026-01-30T00:00Z:
    // c1 2 invoices / 8000 cents, c2 0 / 0, c3 2 / 1000, c4 1 / 4000.
    await db
      .insertInto('zeroinvoice_invoices_cache')
      .values([
        invoice(orgA, ids.c1, 'inv-1', 'overdue', 5000, 5000, '2026-02-01T00:00:00Z'),
        // Exactly 30 days before NOW: inside a 30-day window.
        invoice(orgA, ids.c1, 'inv-2', 'paid', 0, 3000, '2026-01-30T00:00:00Z'),
        invoice(orgA, ids.c2, 'inv-3', 'overdue', 20000, 20000, '2025-11-01T00:00:00Z'),
        invoice(orgA, ids.c3, 'inv-4', 'sent', 1000, 1000, '2026-02-20T00:00:00Z'),
        // One millisecond before the 30-day window; inside a 31-day one.
        invoice(orgA, ids.c4, 'inv-5', 'overdue', 3000, 3000, '2026-01-29T23:59:59.999Z'),
        invoice(orgA, ids.c4, 'inv-6', 'overdue', 4000, 4000, '2026-02-10T00:00:00Z'),
        // Not issued: a draft and a void invoice never count.
        invoice(orgA, ids.c2, 'inv-7', 'draft', 500, 500, '2026-02-26T00:00:00Z'),
        invoice(orgA, ids.c3, 'inv-8', 'void', 70000, 70000, '2026-02-25T00:00:00Z'),
        // Unknown total: counts as an invoice, adds nothing to the total.
        invoice(orgA, ids.c3, 'inv-9', 'sent', null, null, '2026-02-21T00:00:00Z'),
        invoice(orgB, ids.other, 'inv-3', 'overdue', 99999, 99999, '2026-02-28T00:00:00Z'),
        // A corrupt cross-tenant row (org B's invoice naming org A's c1): only the
        // subquery's organization filter keeps it out of c1's counts.
        invoice(orgB, ids.c1, 'inv-x', 'sent', 88888, 88888, '2026-02-28T00:00:00Z'),
      ])
      .execute();

    let n = 0;
    const payment = (
      organization_id: string,
      external_invoice_id: string,
      amount_cents: number,
      status: 'succeeded' | 'failed' | 'pending',
      processed_at: string,
    ) => ({
      organization_id,
      external_payment_id: `pay-${++n}`,
      external_invoice_id,
      amount_cents,
      status,
      processed_at,
      raw_payload: json,
    });
    await db
      .insertInto('payments')
      .values([
        payment(orgA, 'inv-2', 3000, 'succeeded', '2026-02-20T00:00:00Z'),
        payment(orgA, 'inv-3', 9000, 'failed', '2026-02-21T00:00:00Z'),
        payment(orgA, 'inv-4', 50000, 'succeeded', '2025-06-01T00:00:00Z'),
        payment(orgA, 'inv-6', 1000, 'succeeded', '2026-02-27T00:00:00Z'),
        // Same external invoice id as org A's inv-3, in org B: must not count as c2 paying.
        payment(orgB, 'inv-3', 99999, 'succeeded', '2026-02-28T00:00:00Z'),
        // c1's older payment: `last_paid` looks at the latest one (2026-02-20).
        payment(orgA, 'inv-1', 500, 'succeeded', '2026-01-10T00:00:00Z'),
        // Pending is not paid: c3's last payment stays 2025-06-01.
        payment(orgA, 'inv-9', 100, 'pending', '2026-02-28T00:00:00Z'),
        // Org B paying an invoice numbered like c1's inv-1: not c1's payment.
        payment(orgB, 'inv-1', 100, 'succeeded', '2026-02-28T00:00:00Z'),
      ])
      .execute();

    await db
      .insertInto('campaigns')
      .values([
        { id: CAMPAIGN.A, organization_id: orgA, name: 'Spring sale', channel: 'email' },
        { id: CAMPAIGN.B, organization_id: orgA, name: 'Winback', channel: 'email' },
        { id: CAMPAIGN.X, organization_id: orgB, name: 'Neighbour promo', channel: 'email' },
      ])
      .execute();
    const run = async (campaign_id: string) =>
      (
        await db
          .insertInto('campaign_runs')
          .values({ campaign_id })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
    const runA1 = await run(CAMPAIGN.A);
    const runA2 = await run(CAMPAIGN.A);
    const runB1 = await run(CAMPAIGN.B);
    const runX = await run(CAMPAIGN.X);

    const message = async (
      organization_id: string,
      customer_id: string,
      campaign_run_id: string | null,
      status: 'queued' | 'sent' | 'delivered' | 'bounced' | 'failed',
      sent_at: string | null,
      created_at: string,
    ) =>
      (
        await db
          .insertInto('messages')
          .values({
            organization_id,
            customer_id,
            campaign_run_id,
            channel: 'email',
            to_address: 'someone@example.com',
            body: 'hello',
            status,
            sent_at,
            created_at,
          })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
    // Received (sent/delivered, sent_at) in the last 30 days: c1 (campaign A), c2 (B, at
    // the edge), c3 (a run of org B's campaign). In the last 15 days (since 02-14): nobody.
    const m1 = await message(
      orgA,
      ids.c1,
      runA1,
      'delivered',
      '2026-02-10T00:00:00Z',
      '2026-02-10T00:00:00Z',
    );
    const m2 = await message(
      orgA,
      ids.c2,
      runB1,
      'sent',
      '2026-01-30T00:00:00Z',
      '2026-01-30T00:00:00Z',
    );
    // Failed: never received, and not "messaged" either (c3 is not_messaged in 15 days).
    const m3 = await message(orgA, ids.c3, runA2, 'failed', null, '2026-02-15T00:00:00Z');
    // Bounced: not received, but it was contact (c3 is messaged in 30 days).
    const m4 = await message(
      orgA,
      ids.c3,
      null,
      'bounced',
      '2026-02-12T00:00:00Z',
      '2026-02-12T00:00:00Z',
    );
    // One millisecond before the 30-day window: c4 is not_messaged in 30 days.
    const m5 = await message(
      orgA,
      ids.c4,
      runA1,
      'delivered',
      '2026-01-29T23:59:59.999Z',
      '2026-01-29T23:59:00Z',
    );
    // Queued: not received, but about to be contact (c2 is messaged in 15 days).
    await message(orgA, ids.c2, null, 'queued', null, '2026-02-28T00:00:00Z');
    // A corrupt link to org B's campaign: counts as "any campaign", never as campaign X.
    const m7 = await message(
      orgA,
      ids.c3,
      runX,
      'delivered',
      '2026-02-05T00:00:00Z',
      '2026-02-05T00:00:00Z',
    );
    const mX = await message(
      orgB,
      ids.other,
      runX,
      'delivered',
      '2026-02-20T00:00:00Z',
      '2026-02-20T00:00:00Z',
    );
    // Corrupt cross-tenant: org B's message to org A's c4, with opens and clicks.
    const mY = await message(
      orgB,
      ids.c4,
      runX,
      'delivered',
      '2026-02-25T00:00:00Z',
      '2026-02-25T00:00:00Z',
    );

    const messageEvent = (
      organization_id: string,
      message_id: string,
      type: 'delivered' | 'open' | 'click' | 'bounce',
      occurred_at: string,
    ) => ({ organization_id, message_id, type, occurred_at });
    // Opened in the last 30 days: c1, c2 (at the edge), c3 (on m7); clicked: c1, c4 (on a
    // message sent before the window).
    await db
      .insertInto('message_events')
      .values([
        messageEvent(orgA, m1, 'open', '2026-02-11T00:00:00Z'),
        messageEvent(orgA, m1, 'click', '2026-02-11T00:05:00Z'),
        messageEvent(orgA, m2, 'open', '2026-01-30T00:00:00Z'),
        messageEvent(orgA, m5, 'open', '2026-01-29T23:59:59.999Z'),
        messageEvent(orgA, m5, 'click', '2026-02-05T00:00:00Z'),
        messageEvent(orgA, m4, 'bounce', '2026-02-12T00:00:00Z'),
        messageEvent(orgA, m7, 'delivered', '2026-02-05T00:01:00Z'),
        messageEvent(orgA, m7, 'open', '2026-02-06T00:00:00Z'),
        // A click filed under org B on org A's message: not c3's click.
        messageEvent(orgB, m3, 'click', '2026-02-20T00:00:00Z'),
        messageEvent(orgB, mX, 'open', '2026-02-21T00:00:00Z'),
        messageEvent(orgB, mY, 'open', '2026-02-26T00:00:00Z'),
        messageEvent(orgB, mY, 'click', '2026-02-26T00:00:00Z'),
      ])
      .execute();

    const event = (
      organization_id: string,
      customer_id: string | null,
      name: string,
      occurred_at: string,
      properties: Record<string, unknown> = {},
    ) => ({
      organization_id,
      customer_id,
      name,
      occurred_at,
      properties: JSON.stringify(properties),
    });
    // booking_request in the last 30 days: c1 3 times (one at the edge; 2 with plan 'pro'),
    // c2 once (plus one 1 ms before the window), c3 once with plan 'Pro'; c4 only in org B.
    await db
      .insertInto('events')
      .values([
        event(orgA, ids.c1, 'booking_request', '2026-01-30T00:00:00Z', { plan: 'basic' }),
        event(orgA, ids.c1, 'booking_request', '2026-02-01T00:00:00Z', { plan: 'pro' }),
        event(orgA, ids.c1, 'booking_request', '2026-02-02T00:00:00Z', { plan: 'pro' }),
        event(orgA, ids.c2, 'booking_request', '2026-01-29T23:59:59.999Z', { plan: 'pro' }),
        event(orgA, ids.c2, 'booking_request', '2026-02-15T00:00:00Z', {
          plan: 'pro',
          seats: 3,
          trial: true,
        }),
        event(orgA, ids.c3, 'booking_request', '2026-02-20T00:00:00Z', { plan: 'Pro' }),
        ...[10, 11, 12, 13, 14].map((d) =>
          event(orgA, ids.c3, 'page_view', `2026-02-${d}T00:00:00Z`),
        ),
        // Anonymous events belong to no customer.
        ...[1, 2, 3].map(() => event(orgA, null, 'booking_request', '2026-02-20T00:00:00Z')),
        ...[1, 2, 3].map(() =>
          event(orgB, ids.other, 'booking_request', '2026-02-20T00:00:00Z', { plan: 'pro' }),
        ),
        ...[1, 2, 3].map(() =>
          event(orgB, ids.c4, 'booking_request', '2026-02-20T00:00:00Z', { plan: 'pro' }),
        ),
      ])
      .execute();
  });
  afterAll(() => cleanup());

  const cases: Array<[string, Rule, string[]]> = [
    ['type customer', { field: 'type', op: 'eq', value: 'customer' }, ['c1', 'c3']],
    ['type lead', { field: 'type', op: 'eq', value: 'lead' }, ['c2', 'c4']],
    [
      'name contains (case-insensitive)',
      { field: 'name', op: 'contains', value: 'AN' },
      ['c1', 'c4'],
    ],
    ['name contains a literal _', { field: 'name', op: 'contains', value: '_' }, ['c3']],
    ['notes contains a literal %', { field: 'notes', op: 'contains', value: '100%' }, ['c1']],
    ['email domain', { field: 'email_domain', op: 'eq', value: 'acme.com' }, ['c1', 'c4']],
    ['email domain case', { field: 'email_domain', op: 'eq', value: 'EXAMPLE.ORG' }, ['c2']],
    ['city eq', { field: 'city', op: 'eq', value: 'Berlin' }, ['c1', 'c4']],
    ['city in', { field: 'city', op: 'in', values: ['paris', 'nowhere'] }, ['c2']],
    ['state eq', { field: 'state', op: 'eq', value: 'ca' }, ['c3']],
    [
      'postal_code in',
      { field: 'postal_code', op: 'in', values: ['10115', '94105'] },
      ['c1', 'c3'],
    ],
    ['country eq', { field: 'country', op: 'eq', value: 'us' }, ['c3', 'c4']],
    ['created within 7 days', { field: 'created_at', op: 'within_days', days: 7 }, ['c1', 'c4']],
    [
      'created between',
      {
        field: 'created_at',
        op: 'between',
        from: '2026-01-01T00:00:00Z',
        to: '2026-02-01T00:00:00Z',
      },
      ['c3'],
    ],
    [
      'created from',
      { field: 'created_at', op: 'between', from: '2026-02-25T00:00:00Z' },
      ['c1', 'c4'],
    ],
    [
      'updated within 7 days',
      { field: 'updated_at', op: 'within_days', days: 7 },
      ['c1', 'c2', 'c4'],
    ],
    ['tags has_any', { field: 'tags', op: 'has_any', values: ['vip'] }, ['c1', 'c2']],
    ['tags has_all', { field: 'tags', op: 'has_all', values: ['vip', 'Wholesale'] }, ['c1']],
    [
      'tags has_all duplicates',
      { field: 'tags', op: 'has_all', values: ['vip', 'VIP'] },
      ['c1', 'c2'],
    ],
    ['tags has_none', { field: 'tags', op: 'has_none', values: ['vip'] }, ['c3', 'c4']],
    [
      'email subscribed (opt-out policy)',
      { field: 'consent', op: 'subscribed', channel: 'email' },
      ['c1', 'c4'],
    ],
    [
      'email unsubscribed',
      { field: 'consent', op: 'unsubscribed', channel: 'email' },
      ['c2', 'c3'],
    ],
    [
      'sms subscribed (opt-in policy)',
      { field: 'consent', op: 'subscribed', channel: 'sms' },
      ['c3'],
    ],
    [
      'has overdue invoice',
      { field: 'invoice_status', op: 'has', value: 'overdue' },
      ['c1', 'c2', 'c4'],
    ],
    ['has paid invoice', { field: 'invoice_status', op: 'has', value: 'paid' }, ['c1']],
    ['has void invoice', { field: 'invoice_status', op: 'has', value: 'void' }, ['c3']],
    ['has draft invoice', { field: 'invoice_status', op: 'has', value: 'draft' }, ['c2']],
    ['overdue > 4999', { field: 'overdue_amount', op: 'gt', value: 4999 }, ['c1', 'c2', 'c4']],
    [
      'overdue > 6000 (sums invoices)',
      { field: 'overdue_amount', op: 'gt', value: 6000 },
      ['c2', 'c4'],
    ],
    ['overdue > 7000', { field: 'overdue_amount', op: 'gt', value: 7000 }, ['c2']],
    ['paid last 30 days > 0', { field: 'paid_total', op: 'gt', value: 0, days: 30 }, ['c1', 'c4']],
    ['paid last 30 days > 1000', { field: 'paid_total', op: 'gt', value: 1000, days: 30 }, ['c1']],
    [
      'paid last 30 days < 1000',
      { field: 'paid_total', op: 'lt', value: 1000, days: 30 },
      ['c2', 'c3'],
    ],
    [
      'paid last 365 days > 10000',
      { field: 'paid_total', op: 'gt', value: 10000, days: 365 },
      ['c3'],
    ],
    ['never paid', { field: 'never_paid' }, ['c2']],
    // Invoices issued in the last 30 days: c1 2 / 8000, c2 0 / 0, c3 2 / 1000 (+ a NULL
    // total; its void invoice ignored), c4 1 / 4000 (another 1 ms before the window).
    [
      'invoice count 30 days > 1',
      { field: 'invoice_count', op: 'gt', value: 1, days: 30 },
      ['c1', 'c3'],
    ],
    [
      'invoice count 30 days > 0',
      { field: 'invoice_count', op: 'gt', value: 0, days: 30 },
      ['c1', 'c3', 'c4'],
    ],
    ['invoice count 30 days < 1', { field: 'invoice_count', op: 'lt', value: 1, days: 30 }, ['c2']],
    [
      'invoice count 365 days > 0',
      { field: 'invoice_count', op: 'gt', value: 0, days: 365 },
      ['c1', 'c2', 'c3', 'c4'],
    ],
    [
      'invoice total 30 days > 3999',
      { field: 'invoice_total', op: 'gt', value: 3999, days: 30 },
      ['c1', 'c4'],
    ],
    [
      'invoice total 30 days > 4000 (strict)',
      { field: 'invoice_total', op: 'gt', value: 4000, days: 30 },
      ['c1'],
    ],
    [
      'invoice total 31 days > 5000 (the invoice 1 ms before 30 days)',
      { field: 'invoice_total', op: 'gt', value: 5000, days: 31 },
      ['c1', 'c4'],
    ],
    [
      'invoice total 30 days < 1000 (NULL totals add nothing)',
      { field: 'invoice_total', op: 'lt', value: 1000, days: 30 },
      ['c2'],
    ],
    [
      'invoice total 30 days < 1001',
      { field: 'invoice_total', op: 'lt', value: 1001, days: 30 },
      ['c2', 'c3'],
    ],
    // Latest succeeded payment: c1 2026-02-20, c2 never, c3 2025-06-01, c4 2026-02-27.
    ['last paid > 30 days ago', { field: 'last_paid', op: 'older_than', days: 30 }, ['c3']],
    [
      'last paid > 9 days ago (c1 exactly 9 days ago is not older)',
      { field: 'last_paid', op: 'older_than', days: 9 },
      ['c3'],
    ],
    ['last paid > 8 days ago', { field: 'last_paid', op: 'older_than', days: 8 }, ['c1', 'c3']],
    [
      'last paid > 1 day ago (never paid is not lapsed)',
      { field: 'last_paid', op: 'older_than', days: 1 },
      ['c1', 'c3', 'c4'],
    ],
    ['last paid > a century ago', { field: 'last_paid', op: 'older_than', days: 36_500 }, []],
    ['received 30 days', { field: 'engagement', op: 'received', days: 30 }, ['c1', 'c2', 'c3']],
    [
      'received 15 days (queued and bounced are not received)',
      { field: 'engagement', op: 'received', days: 15 },
      [],
    ],
    [
      "received 20 days (c3's bounce on 02-12 is not received)",
      { field: 'engagement', op: 'received', days: 20 },
      ['c1'],
    ],
    [
      'received 30 days, campaign A (failed excluded)',
      { field: 'engagement', op: 'received', days: 30, campaign_id: CAMPAIGN.A },
      ['c1'],
    ],
    [
      'received 31 days, campaign A',
      { field: 'engagement', op: 'received', days: 31, campaign_id: CAMPAIGN.A },
      ['c1', 'c4'],
    ],
    [
      'received 30 days, campaign B (at the edge)',
      { field: 'engagement', op: 'received', days: 30, campaign_id: CAMPAIGN.B },
      ['c2'],
    ],
    [
      "received 30 days, org B's campaign",
      { field: 'engagement', op: 'received', days: 30, campaign_id: CAMPAIGN.X },
      [],
    ],
    ['opened 30 days', { field: 'engagement', op: 'opened', days: 30 }, ['c1', 'c2', 'c3']],
    ['clicked 30 days', { field: 'engagement', op: 'clicked', days: 30 }, ['c1', 'c4']],
    [
      'opened 30 days, campaign A',
      { field: 'engagement', op: 'opened', days: 30, campaign_id: CAMPAIGN.A },
      ['c1'],
    ],
    [
      'opened 31 days, campaign A',
      { field: 'engagement', op: 'opened', days: 31, campaign_id: CAMPAIGN.A },
      ['c1', 'c4'],
    ],
    [
      'clicked 30 days, campaign A (sent before the window)',
      { field: 'engagement', op: 'clicked', days: 30, campaign_id: CAMPAIGN.A },
      ['c1', 'c4'],
    ],
    [
      'opened 30 days, campaign B',
      { field: 'engagement', op: 'opened', days: 30, campaign_id: CAMPAIGN.B },
      ['c2'],
    ],
    [
      'clicked 30 days, campaign B',
      { field: 'engagement', op: 'clicked', days: 30, campaign_id: CAMPAIGN.B },
      [],
    ],
    [
      "opened 30 days, org B's campaign",
      { field: 'engagement', op: 'opened', days: 30, campaign_id: CAMPAIGN.X },
      [],
    ],
    ['not messaged 30 days', { field: 'engagement', op: 'not_messaged', days: 30 }, ['c4']],
    [
      'not messaged 15 days (failed is not contact, queued is)',
      { field: 'engagement', op: 'not_messaged', days: 15 },
      ['c1', 'c3', 'c4'],
    ],
    [
      'event at least once',
      { field: 'event', name: 'booking_request', op: 'at_least', value: 1, days: 30 },
      ['c1', 'c2', 'c3'],
    ],
    [
      'event at least twice',
      { field: 'event', name: 'booking_request', op: 'at_least', value: 2, days: 30 },
      ['c1'],
    ],
    [
      'event exactly 3 times (one at the edge) is at least 3',
      { field: 'event', name: 'booking_request', op: 'at_least', value: 3, days: 30 },
      ['c1'],
    ],
    [
      'event at least 4 times',
      { field: 'event', name: 'booking_request', op: 'at_least', value: 4, days: 30 },
      [],
    ],
    [
      'event at least twice in 31 days',
      { field: 'event', name: 'booking_request', op: 'at_least', value: 2, days: 31 },
      ['c1', 'c2'],
    ],
    [
      'event with property (case-sensitive)',
      {
        field: 'event',
        name: 'booking_request',
        op: 'at_least',
        value: 1,
        days: 30,
        property: { key: 'plan', value: 'pro' },
      },
      ['c1', 'c2'],
    ],
    [
      'event with property at least twice',
      {
        field: 'event',
        name: 'booking_request',
        op: 'at_least',
        value: 2,
        days: 30,
        property: { key: 'plan', value: 'pro' },
      },
      ['c1'],
    ],
    [
      'event with property: other values do not count',
      {
        field: 'event',
        name: 'booking_request',
        op: 'at_least',
        value: 3,
        days: 30,
        property: { key: 'plan', value: 'pro' },
      },
      [],
    ],
    [
      'event with a number property',
      {
        field: 'event',
        name: 'booking_request',
        op: 'at_least',
        value: 1,
        days: 30,
        property: { key: 'seats', value: 3 },
      },
      ['c2'],
    ],
    [
      'event with a number property given as a string (jsonb is typed)',
      {
        field: 'event',
        name: 'booking_request',
        op: 'at_least',
        value: 1,
        days: 30,
        property: { key: 'seats', value: '3' },
      },
      [],
    ],
    [
      'event with a boolean property',
      {
        field: 'event',
        name: 'booking_request',
        op: 'at_least',
        value: 1,
        days: 30,
        property: { key: 'trial', value: true },
      },
      ['c2'],
    ],
    [
      'event with a missing property',
      {
        field: 'event',
        name: 'booking_request',
        op: 'at_least',
        value: 1,
        days: 30,
        property: { key: 'nope', value: false },
      },
      [],
    ],
    [
      'event: other names do not count',
      { field: 'event', name: 'page_view', op: 'at_least', value: 5, days: 30 },
      ['c3'],
    ],
    [
      'event: 6 page views',
      { field: 'event', name: 'page_view', op: 'at_least', value: 6, days: 30 },
      [],
    ],
    [
      'all',
      {
        all: [
          { field: 'type', op: 'eq', value: 'customer' },
          { field: 'tags', op: 'has_any', values: ['vip'] },
        ],
      },
      ['c1'],
    ],
    [
      'any',
      { any: [{ field: 'never_paid' }, { field: 'state', op: 'eq', value: 'CA' }] },
      ['c2', 'c3'],
    ],
    [
      'not over a NULL column',
      { not: { field: 'email_domain', op: 'eq', value: 'acme.com' } },
      ['c2', 'c3'],
    ],
    ['not notes', { not: { field: 'notes', op: 'contains', value: 'later' } }, ['c1', 'c2', 'c4']],
    [
      'nested',
      {
        all: [
          { any: [{ field: 'city', op: 'eq', value: 'berlin' }, { field: 'never_paid' }] },
          { not: { field: 'tags', op: 'has_all', values: ['vip', 'wholesale'] } },
        ],
      },
      ['c2', 'c4'],
    ],
  ];

  it.each(cases)('%s', async (_label, rule, expected) => {
    expect(await members(rule)).toEqual(expected);
  });

  // Every predicate is TRUE or FALSE, never NULL, so `not` is the exact complement.
  it.each(cases)('not: %s', async (_label, rule, expected) => {
    const all = ['c1', 'c2', 'c3', 'c4'];
    expect(await members({ not: rule })).toEqual(all.filter((c) => !expected.includes(c)));
  });

  it("never leaks another organization's customers", async () => {
    expect(await members({ field: 'email_domain', op: 'eq', value: 'acme.com' }, orgB)).toEqual([
      'other',
    ]);
    expect(await members({ field: 'tags', op: 'has_any', values: ['vip'] }, orgB)).toEqual([
      'other',
    ]);
    // org B's overdue invoice and payment on `inv-3` do not change org A's answers (above),
    // and org A's rows do not appear in org B's.
    expect(await members({ field: 'never_paid' }, orgB)).toEqual([]);
    expect(await members({ field: 'overdue_amount', op: 'gt', value: 0 }, orgB)).toEqual(['other']);
    // Org B sees its own invoices, payments, messages and events — and nothing of org A's.
    expect(
      await members({ field: 'invoice_total', op: 'gt', value: 99998, days: 30 }, orgB),
    ).toEqual(['other']);
    expect(await members({ field: 'last_paid', op: 'older_than', days: 1 }, orgB)).toEqual([]);
    expect(
      await members({ field: 'engagement', op: 'opened', days: 30, campaign_id: CAMPAIGN.X }, orgB),
    ).toEqual(['other']);
    expect(
      await members(
        { field: 'engagement', op: 'received', days: 30, campaign_id: CAMPAIGN.A },
        orgB,
      ),
    ).toEqual([]);
    expect(await members({ field: 'engagement', op: 'not_messaged', days: 30 }, orgB)).toEqual([]);
    expect(
      await members(
        { field: 'event', name: 'booking_request', op: 'at_least', value: 3, days: 30 },
        orgB,
      ),
    ).toEqual(['other']);
  });

  it('generates the expected SQL for small trees', () => {
    const sqlOf = (rule: Rule) =>
      gt.db
        .selectFrom('customers')
        .select('id')
        .where(compileRule(rule, { organizationId: orgA, now: NOW }))
        .compile();
    const a = sqlOf({
      all: [
        { field: 'type', op: 'eq', value: 'lead' },
        { not: { field: 'city', op: 'in', values: ['A', 'b'] } },
      ],
    });
    expect(a.sql).toBe(
      'select "id" from "customers" where ("customers"."organization_id" = $1 AND (' +
        '"customers"."type" = $2 AND NOT ("customers"."city" IS NOT NULL AND lower("customers"."city") IN ($3, $4))))',
    );
    expect(a.parameters).toEqual([orgA, 'lead', 'a', 'b']);
    const b = sqlOf({
      any: [
        { field: 'overdue_amount', op: 'gt', value: 100 },
        { field: 'created_at', op: 'within_days', days: 2 },
      ],
    });
    expect(b.sql).toBe(
      'select "id" from "customers" where ("customers"."organization_id" = $1 AND (' +
        'coalesce((SELECT sum(i.amount_due_cents) FROM zeroinvoice_invoices_cache i WHERE i.organization_id = $2 AND i.customer_id = "customers"."id" AND i.status = \'overdue\'), 0) > $3' +
        ' OR "customers"."created_at" >= $4))',
    );
    expect(b.parameters).toEqual([orgA, orgA, 100, new Date('2026-02-27T00:00:00.000Z')]);
    // The property value travels JSON-encoded; the campaign and k are parameters too.
    const c = sqlOf({
      all: [
        {
          field: 'event',
          name: 'booking_request',
          op: 'at_least',
          value: 2,
          days: 30,
          property: { key: 'plan', value: 'pro' },
        },
        { not: { field: 'engagement', op: 'opened', days: 7, campaign_id: CAMPAIGN.A } },
      ],
    });
    expect(c.sql).toBe(
      'select "id" from "customers" where ("customers"."organization_id" = $1 AND (' +
        '(SELECT count(*) FROM (SELECT 1 FROM events e WHERE e.organization_id = $2 AND e.customer_id = "customers"."id" AND e.name = $3 AND e.occurred_at >= $4 AND e.properties -> $5::text = $6::jsonb LIMIT $7) k) >= $8' +
        ' AND NOT EXISTS (SELECT 1 FROM messages m JOIN message_events e ON e.message_id = m.id WHERE m.organization_id = $9 AND m.customer_id = "customers"."id" AND e.organization_id = $10 AND e.type = \'open\' AND e.occurred_at >= $11' +
        ' AND EXISTS (SELECT 1 FROM campaign_runs r JOIN campaigns c ON c.id = r.campaign_id WHERE r.id = m.campaign_run_id AND r.campaign_id = $12 AND c.organization_id = $13))))',
    );
    expect(c.parameters).toEqual([
      orgA,
      orgA,
      'booking_request',
      new Date('2026-01-30T00:00:00.000Z'),
      'plan',
      '"pro"',
      2,
      2,
      orgA,
      orgA,
      new Date('2026-02-22T00:00:00.000Z'),
      CAMPAIGN.A,
      orgA,
    ]);
    const d = sqlOf({
      any: [
        { field: 'last_paid', op: 'older_than', days: 90 },
        { field: 'invoice_count', op: 'lt', value: 3, days: 365 },
        { field: 'engagement', op: 'not_messaged', days: 14 },
      ],
    });
    expect(d.sql).toBe(
      'select "id" from "customers" where ("customers"."organization_id" = $1 AND (' +
        'coalesce((SELECT max(coalesce(p.processed_at, p.created_at)) FROM payments p JOIN zeroinvoice_invoices_cache i ON i.organization_id = p.organization_id AND i.external_invoice_id = p.external_invoice_id WHERE p.organization_id = $2 AND i.customer_id = "customers"."id" AND p.status = \'succeeded\') < $3, FALSE)' +
        " OR (SELECT count(*) FROM zeroinvoice_invoices_cache i WHERE i.organization_id = $4 AND i.customer_id = \"customers\".\"id\" AND i.status IN ('sent', 'paid', 'overdue') AND i.created_at >= $5) < $6" +
        ' OR NOT EXISTS (SELECT 1 FROM messages m WHERE m.organization_id = $7 AND m.customer_id = "customers"."id" AND m.status <> \'failed\' AND COALESCE(m.sent_at, m.created_at) >= $8)))',
    );
    expect(d.parameters).toEqual([
      orgA,
      orgA,
      new Date('2025-12-01T00:00:00.000Z'),
      orgA,
      new Date('2025-03-01T00:00:00.000Z'),
      3,
      orgA,
      new Date('2026-02-15T00:00:00.000Z'),
    ]);
  });

  it('renders a readable rule_sql', () => {
    expect(
      renderRule({
        all: [
          { field: 'type', op: 'eq', value: 'lead' },
          { any: [{ field: 'tags', op: 'has_any', values: ["o'hara"] }, { field: 'never_paid' }] },
          { not: { field: 'consent', op: 'unsubscribed', channel: 'email' } },
        ],
      }),
    ).toBe(
      "(type = 'lead' AND (tags HAS ANY ('o''hara') OR NEVER PAID) AND NOT consent.email = UNSUBSCRIBED)",
    );
    expect(
      renderRule({
        any: [
          { field: 'invoice_count', op: 'gt', value: 2, days: 90 },
          { field: 'invoice_total', op: 'lt', value: 5000, days: 365 },
          { field: 'last_paid', op: 'older_than', days: 180 },
          { field: 'engagement', op: 'received', days: 30 },
          { field: 'engagement', op: 'clicked', days: 7, campaign_id: CAMPAIGN.A },
          { not: { field: 'engagement', op: 'not_messaged', days: 60 } },
          { field: 'event', name: 'booking_request', op: 'at_least', value: 2, days: 30 },
          {
            field: 'event',
            name: "o'clock",
            op: 'at_least',
            value: 1,
            days: 14,
            property: { key: 'trial', value: true },
          },
          {
            field: 'event',
            name: 'plan_changed',
            op: 'at_least',
            value: 1,
            days: 14,
            property: { key: 'plan', value: 'pro' },
          },
        ],
      }),
    ).toBe(
      '(invoice_count(last 90 days) > 2' +
        ' OR invoice_total(last 365 days) < 5000 cents' +
        ' OR LAST PAID MORE THAN 180 DAYS AGO' +
        ' OR RECEIVED A MESSAGE WITHIN LAST 30 DAYS' +
        ` OR CLICKED A MESSAGE OF CAMPAIGN '${CAMPAIGN.A}' WITHIN LAST 7 DAYS` +
        ' OR NOT NOT MESSAGED WITHIN LAST 60 DAYS' +
        " OR EVENT 'booking_request' AT LEAST 2 TIMES WITHIN LAST 30 DAYS" +
        " OR EVENT 'o''clock' WITH properties['trial'] = true AT LEAST 1 TIMES WITHIN LAST 14 DAYS" +
        " OR EVENT 'plan_changed' WITH properties['plan'] = 'pro' AT LEAST 1 TIMES WITHIN LAST 14 DAYS)",
    );
  });

  it('previews count and per-member reasons from the top-level predicates', async () => {
    const scope: Scope = {
      db: gt.db,
      organizationId: orgA,
      actor: { type: 'system', id: null },
      role: 'owner',
      clock: fixedClock(NOW),
      emit: () => {},
    };
    const preview = await previewRule(
      scope,
      {
        any: [
          { field: 'tags', op: 'has_any', values: ['vip'] },
          { field: 'overdue_amount', op: 'gt', value: 6000 },
        ],
      },
      { sampleSize: 2 },
    );
    expect(preview.count).toBe(3);
    // Oldest first: c2 (2025-12-01), then c1 (2026-02-25).
    expect(preview.sample).toEqual([
      {
        customer: { id: ids.c2, name: 'Bob Stone', email: 'bob@Example.org' },
        matched: ["tags HAS ANY ('vip')", 'overdue_amount > 6000 cents'],
        similarity: null,
      },
      {
        customer: { id: ids.c1, name: 'Ana Baker', email: 'ana@acme.com' },
        matched: ["tags HAS ANY ('vip')"],
        similarity: null,
      },
    ]);
    const bad = await failure(previewRule(scope, { all: [{ field: 'nope' }] }));
    expect(bad.code).toBe('VALIDATION_FAILED');
  });

  it('rejects bad trees naming the path', async () => {
    const paths = async (rule: unknown) => {
      const error = await failure(Promise.resolve().then(() => parseRule(rule)));
      expect(error.code).toBe('VALIDATION_FAILED');
      return issuePaths(error);
    };
    expect(
      await paths({
        all: [
          { field: 'type', op: 'eq', value: 'lead' },
          { field: 'never_paid' },
          { field: 'shoe_size', op: 'eq' },
        ],
      }),
    ).toEqual(['rule.all.2.field']);
    expect(await paths({ any: [{ not: { field: 'city', op: 'like', value: 'x' } }] })).toEqual([
      'rule.any.0.not.op',
    ]);
    expect(await paths({ all: [{ field: 'paid_total', op: 'gt', value: -1, days: 0 }] })).toEqual([
      'rule.all.0.days',
      'rule.all.0.value',
    ]);
    expect(await paths({ all: [{ field: 'name', op: 'contains', value: 'a\u0000b' }] })).toEqual([
      'rule.all.0.value',
    ]);
    expect(
      await paths({
        all: [{ field: 'never_paid' }, { field: 'invoice_count', op: 'gt', value: 1, days: 0 }],
      }),
    ).toEqual(['rule.all.1.days']);
    expect(
      await paths({ all: [{ field: 'invoice_total', op: 'between', value: 1, days: 3 }] }),
    ).toEqual(['rule.all.0.op']);
    expect(await paths({ any: [{ field: 'engagement', op: 'bounced', days: 3 }] })).toEqual([
      'rule.any.0.op',
    ]);
    expect(
      await paths({
        all: [
          { field: 'type', op: 'eq', value: 'lead' },
          { field: 'engagement', op: 'opened', days: 3, campaign_id: 'spring-sale' },
        ],
      }),
    ).toEqual(['rule.all.1.campaign_id']);
    // "not messaged" is per customer: a campaign is refused rather than silently ignored.
    expect(
      await paths({
        all: [{ field: 'engagement', op: 'not_messaged', days: 3, campaign_id: CAMPAIGN.A }],
      }),
    ).toEqual(['rule.all.0']);
    expect(await paths({ not: { field: 'last_paid', op: 'newer_than', days: 3 } })).toEqual([
      'rule.not.op',
    ]);
    expect(
      await paths({
        all: [
          {
            field: 'event',
            name: 'signup',
            op: 'at_least',
            value: 0,
            days: 1.5,
            property: { key: 'plan', value: { nested: true } },
          },
        ],
      }),
    ).toEqual(['rule.all.0.days', 'rule.all.0.property.value', 'rule.all.0.value']);
    // jsonb cannot hold a lone surrogate: refused here, not as a SQL error.
    expect(
      await paths({
        any: [
          { field: 'never_paid' },
          {
            field: 'event',
            name: 'signup',
            op: 'at_least',
            value: 1,
            days: 1,
            property: { key: 'k', value: '\ud800' },
          },
        ],
      }),
    ).toEqual(['rule.any.1.property.value']);
    expect(await paths({ all: [] })).toEqual(['rule.all']);
    let deep: unknown = { field: 'never_paid' };
    for (let i = 0; i < 8; i++) deep = { not: deep };
    expect(await paths(deep)).toEqual(['rule']);
    const wide = { any: Array.from({ length: 101 }, () => ({ field: 'never_paid' })) };
    // Size limits are checked on the raw tree before any node is parsed (issue 8, defect 2).
    expect(await paths(wide)).toEqual(['rule']);
  });

  describe('fuzz: values never reach the SQL text', () => {
    const text = fc
      .string({ unit: 'binary', minLength: 1, maxLength: 40 })
      .filter((s) => !s.includes('\u0000'));
    const cents = fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER });
    const days = fc.integer({ min: 1, max: 36_500 });
    const date = fc
      .date({
        min: new Date('1900-01-01T00:00:00Z'),
        max: new Date('2200-01-01T00:00:00Z'),
        noInvalidDate: true,
      })
      .map((d) => d.toISOString());
    const count = fc.integer({ min: 0, max: 1_000_000_000 });
    const atLeast = fc.integer({ min: 1, max: 1_000_000_000 });
    // Random uuids and the fixture's own campaigns (in both organizations).
    const campaignId = fc.oneof(fc.uuid(), fc.constantFrom(...Object.values(CAMPAIGN)));
    // Every JSON type a property value may have: the SQL must not depend on which.
    const propertyValue = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 40 }).filter((s) => !s.includes('\u0000')),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.integer(),
      fc.boolean(),
    );
    const values = fc.record({
      t: fc.array(text, { minLength: 17, maxLength: 17 }),
      c: fc.array(cents, { minLength: 5, maxLength: 5 }),
      d: fc.array(days, { minLength: 18, maxLength: 18 }),
      n: fc.array(count, { minLength: 2, maxLength: 2 }),
      k: fc.array(atLeast, { minLength: 3, maxLength: 3 }),
      u: fc.array(campaignId, { minLength: 3, maxLength: 3 }),
      p: fc.array(propertyValue, { minLength: 2, maxLength: 2 }),
      from: date,
      to: date,
      type: fc.constantFrom('customer' as const, 'lead' as const),
      status: fc.constantFrom(
        'draft' as const,
        'sent' as const,
        'paid' as const,
        'overdue' as const,
        'void' as const,
      ),
    });
    type Values = typeof values extends fc.Arbitrary<infer V> ? V : never;
    /** One tree with every predicate, its value slots filled from `v`. */
    const tree = (v: Values): Rule => {
      const t = (i: number) => v.t[i] ?? 'x';
      const c = (i: number) => v.c[i] ?? 0;
      const d = (i: number) => v.d[i] ?? 1;
      const n = (i: number) => v.n[i] ?? 0;
      const k = (i: number) => v.k[i] ?? 1;
      const u = (i: number) => v.u[i] ?? CAMPAIGN.A;
      const pv = (i: number) => v.p[i] ?? '';
      return {
        any: [
          { field: 'type', op: 'eq', value: v.type },
          { field: 'name', op: 'contains', value: t(0) },
          { field: 'notes', op: 'contains', value: t(1) },
          { field: 'email_domain', op: 'eq', value: t(2) },
          { field: 'city', op: 'eq', value: t(3) },
          { field: 'country', op: 'in', values: [t(4), t(5)] },
          { field: 'created_at', op: 'between', from: v.from, to: v.to },
          { field: 'updated_at', op: 'within_days', days: d(0) },
          { not: { field: 'tags', op: 'has_all', values: [t(6), t(7)] } },
          { field: 'tags', op: 'has_any', values: [t(8)] },
          { field: 'tags', op: 'has_none', values: [t(9), t(10)] },
          {
            all: [
              { field: 'consent', op: 'subscribed', channel: 'email' },
              { field: 'state', op: 'eq', value: t(11) },
            ],
          },
          { field: 'invoice_status', op: 'has', value: v.status },
          { field: 'overdue_amount', op: 'gt', value: c(0) },
          { field: 'paid_total', op: 'gt', value: c(1), days: d(1) },
          { not: { field: 'paid_total', op: 'lt', value: c(2), days: d(2) } },
          { field: 'never_paid' },
          { field: 'invoice_count', op: 'gt', value: n(0), days: d(3) },
          { not: { field: 'invoice_count', op: 'lt', value: n(1), days: d(4) } },
          { field: 'invoice_total', op: 'gt', value: c(3), days: d(5) },
          { field: 'invoice_total', op: 'lt', value: c(4), days: d(6) },
          { field: 'last_paid', op: 'older_than', days: d(7) },
          // Each engagement op with and without a campaign: different shapes, all fuzzed.
          { field: 'engagement', op: 'received', days: d(8) },
          { field: 'engagement', op: 'received', days: d(9), campaign_id: u(0) },
          { field: 'engagement', op: 'opened', days: d(10) },
          { field: 'engagement', op: 'opened', days: d(11), campaign_id: u(1) },
          { field: 'engagement', op: 'clicked', days: d(12) },
          { not: { field: 'engagement', op: 'clicked', days: d(13), campaign_id: u(2) } },
          { field: 'engagement', op: 'not_messaged', days: d(14) },
          // Events with and without a property.
          { field: 'event', name: t(12), op: 'at_least', value: k(0), days: d(15) },
          {
            field: 'event',
            name: t(13),
            op: 'at_least',
            value: k(1),
            days: d(16),
            property: { key: t(14), value: pv(0) },
          },
          {
            not: {
              field: 'event',
              name: t(15),
              op: 'at_least',
              value: k(2),
              days: d(17),
              property: { key: t(16), value: pv(1) },
            },
          },
        ],
      };
    };
    const compiled = (v: Values) =>
      gt.db
        .selectFrom('customers')
        .select('id')
        .where(compileRule(parseRule(tree(v)), { organizationId: orgA, now: NOW }))
        .compile();

    it('keeps the SQL text identical and executes without error', async () => {
      const [sample] = fc.sample(values, { numRuns: 1, seed: 1 });
      const baseline = compiled(sample as Values).sql;
      await fc.assert(
        fc.asyncProperty(values, async (v) => {
          const query = compiled(v);
          expect(query.sql).toBe(baseline);
          await gt.db.executeQuery(query);
        }),
        { numRuns: 50, seed: 42 },
      );
    });
  });
});
