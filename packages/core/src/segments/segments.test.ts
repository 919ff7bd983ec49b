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
      amount_due_cents: number,
    ) => ({
      organization_id,
      customer_id,
      external_invoice_id,
      status,
      amount_due_cents,
      snapshot: json,
    });
    await db
      .insertInto('zeroinvoice_invoices_cache')
      .values([
        invoice(orgA, ids.c1, 'inv-1', 'overdue', 5000),
        invoice(orgA, ids.c1, 'inv-2', 'paid', 0),
        invoice(orgA, ids.c2, 'inv-3', 'overdue', 20000),
        invoice(orgA, ids.c3, 'inv-4', 'sent', 1000),
        invoice(orgA, ids.c4, 'inv-5', 'overdue', 3000),
        invoice(orgA, ids.c4, 'inv-6', 'overdue', 4000),
        invoice(orgB, ids.other, 'inv-3', 'overdue', 99999),
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
    ['has void invoice', { field: 'invoice_status', op: 'has', value: 'void' }, []],
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
    expect(await paths({ all: [] })).toEqual(['rule.all']);
    let deep: unknown = { field: 'never_paid' };
    for (let i = 0; i < 8; i++) deep = { not: deep };
    expect(await paths(deep)).toEqual(['rule']);
    const wide = { any: Array.from({ length: 101 }, () => ({ field: 'never_paid' })) };
    expect(await paths(wide)).toEqual(['rule.any']);
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
    const values = fc.record({
      t: fc.array(text, { minLength: 12, maxLength: 12 }),
      c: fc.array(cents, { minLength: 3, maxLength: 3 }),
      d: fc.array(days, { minLength: 3, maxLength: 3 }),
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
