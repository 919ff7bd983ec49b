/**
 * Every time comparison at its edge, with the fixed clock (never sleeps): a token at exactly
 * its `exp`, a job at exactly its lease end, a window at exactly its first instant, and the
 * inclusive `from` / exclusive `to` of the list filters. (The invoice, last-paid and
 * engagement windows and the timeline cursor have edge cases in their own test files.) Flipping any `<=` to `<` (or `>=`
 * to `>`) in the code under test fails one of these.
 *
 * Regression (issue 8, defect 6): `exp <= now` → `exp < now` in `http/tokens.ts` passed the
 * whole suite.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestGreenTrack, databaseKind, makeOrganization } from '../test/harness.js';
import { fixedClock } from './clock.js';
import type { GreenTrack } from './greentrack.js';
import type { Rule } from './segments/index.js';
import type { TenantFacade } from './tenant.js';

const T0 = new Date('2026-06-01T09:00:00.000Z');
const DAY_MS = 86_400_000;
const at = (ms: number) => new Date(T0.getTime() + ms);

describe(`time boundaries [${databaseKind}]`, () => {
  let gt: GreenTrack;
  let cleanup: () => Promise<void>;
  let fixture: Awaited<ReturnType<typeof makeOrganization>>;
  let owner: TenantFacade;
  const clock = fixedClock(T0);

  beforeAll(async () => {
    ({ gt, cleanup } = await createTestGreenTrack({
      clock,
      secret: 'time-boundaries-secret-0123456789abcdef',
    }));
    fixture = await makeOrganization(gt, 'Edges');
    owner = gt.as({ userId: fixture.owner.id, organizationId: fixture.organization.id });
  });
  afterAll(() => cleanup());

  /** A customer whose `created_at` is exactly `createdAt`. */
  async function customerCreatedAt(name: string, createdAt: Date): Promise<string> {
    const { id } = await owner.customers.create({ name, type: 'customer' });
    await gt.db
      .updateTable('customers')
      .set({ created_at: createdAt, updated_at: createdAt })
      .where('id', '=', id)
      .execute();
    return id;
  }

  it('rejects a token at exactly its exp, accepts it one millisecond before', async () => {
    clock.set(T0);
    const token = gt.tokens.issue({
      userId: fixture.owner.id,
      organizationId: fixture.organization.id,
      ttlSeconds: 60,
    });
    const expiresAt = gt.tokens.verify(token).expiresAt;
    expect(expiresAt).toBe(T0.getTime() / 1000 + 60);
    const call = () =>
      gt.handler(
        new Request('http://host.test/api/greentrack/organization', {
          headers: { authorization: `Bearer ${token}` },
        }),
      );
    clock.set(new Date(expiresAt * 1000 - 1));
    expect((await call()).status).toBe(200);
    clock.set(new Date(expiresAt * 1000));
    const expired = await call();
    expect(expired.status).toBe(401);
    expect(await expired.json()).toMatchObject({ error: { details: { reason: 'expired' } } });
    clock.set(T0);
  });

  it('claims an embedding job at exactly its lease end, not one millisecond before', async () => {
    clock.set(T0);
    const id = await customerCreatedAt('Leased', T0);
    const leaseEnd = at(5_000);
    await gt.db
      .updateTable('embedding_jobs')
      .set({ locked_until: leaseEnd })
      .where('customer_id', '=', id)
      .execute();
    clock.set(at(4_999));
    expect(await gt.worker.tick()).toMatchObject({ embedded: 0 });
    clock.set(leaseEnd);
    expect(await gt.worker.tick()).toMatchObject({ embedded: 1 });
    clock.set(T0);
  });

  describe('segment windows', () => {
    let edge: string;
    let before: string;
    const count = async (rule: Rule) =>
      (await owner.segments.previewDraft({ rule, sampleSize: 0 })).count;

    beforeAll(async () => {
      clock.set(T0);
      // Everyone else in the organization was created at T0 (inside every window below).
      await gt.db
        .deleteFrom('customers')
        .where('organization_id', '=', fixture.organization.id)
        .execute();
      edge = await customerCreatedAt('Edge', at(-30 * DAY_MS));
      before = await customerCreatedAt('Before', at(-30 * DAY_MS - 1));
    });

    it('within_days includes the first instant of the window and nothing earlier', async () => {
      expect(await count({ field: 'created_at', op: 'within_days', days: 30 })).toBe(1);
      expect(
        (
          await owner.segments.previewDraft({
            rule: { field: 'created_at', op: 'within_days', days: 30 },
          })
        ).sample.map((m) => m.customer.id),
      ).toEqual([edge]);
    });

    it('between: from is inclusive, to is exclusive', async () => {
      const boundary = at(-30 * DAY_MS).toISOString();
      const sampleOf = async (rule: Rule) =>
        (await owner.segments.previewDraft({ rule })).sample.map((m) => m.customer.id);
      expect(await sampleOf({ field: 'created_at', op: 'between', from: boundary })).toEqual([
        edge,
      ]);
      expect(await sampleOf({ field: 'created_at', op: 'between', to: boundary })).toEqual([
        before,
      ]);
    });

    it('an event counts from exactly `days` ago', async () => {
      for (const [customerId, occurredAt] of [
        [edge, at(-7 * DAY_MS)],
        [before, at(-7 * DAY_MS - 1)],
      ] as const) {
        await gt.db
          .insertInto('events')
          .values({
            organization_id: fixture.organization.id,
            customer_id: customerId,
            name: 'booked',
            occurred_at: occurredAt,
          })
          .execute();
      }
      expect(
        await count({ field: 'event', name: 'booked', op: 'at_least', value: 1, days: 7 }),
      ).toBe(1);
    });
  });

  it('paid_total counts a payment processed exactly `days` ago', async () => {
    const org = await makeOrganization(gt, 'Payments edge');
    const f = gt.as({ userId: org.owner.id, organizationId: org.organization.id });
    const customer = async (name: string, invoiceId: string, processedAt: Date) => {
      const { id } = await f.customers.create({ name, type: 'customer' });
      await gt.db
        .insertInto('zeroinvoice_invoices_cache')
        .values({
          organization_id: org.organization.id,
          customer_id: id,
          external_invoice_id: invoiceId,
          status: 'paid',
          amount_due_cents: 0,
          total_cents: 1000,
          created_at: at(-100 * DAY_MS),
          snapshot: JSON.stringify({}),
        })
        .execute();
      await gt.db
        .insertInto('payments')
        .values({
          organization_id: org.organization.id,
          external_payment_id: `pay-${invoiceId}`,
          external_invoice_id: invoiceId,
          amount_cents: 1000,
          status: 'succeeded',
          processed_at: processedAt,
          raw_payload: JSON.stringify({}),
        })
        .execute();
      return id;
    };
    clock.set(T0);
    const edge = await customer('Paid at edge', 'inv-edge', at(-30 * DAY_MS));
    await customer('Paid before', 'inv-before', at(-30 * DAY_MS - 1));
    const preview = await f.segments.previewDraft({
      rule: { field: 'paid_total', op: 'gt', value: 0, days: 30 },
    });
    expect(preview.sample.map((m) => m.customer.id)).toEqual([edge]);
  });

  it('audit log and customer list: from / created_from inclusive, to / created_to exclusive', async () => {
    const stamp = at(123_456);
    clock.set(stamp);
    const { id } = await owner.customers.create({ name: 'Stamped', type: 'lead' });
    clock.set(T0);
    const plus1 = new Date(stamp.getTime() + 1);
    const audited = async (query: { from?: Date; to?: Date }) =>
      (await owner.auditLog.list({ entity: 'customer', entityId: id, ...query })).items.length;
    expect(await audited({ from: stamp })).toBe(1);
    expect(await audited({ from: plus1 })).toBe(0);
    expect(await audited({ to: stamp })).toBe(0);
    expect(await audited({ to: plus1 })).toBe(1);

    const listed = async (query: { created_from?: string; created_to?: string }) =>
      (await owner.customers.list({ type: 'lead', ...query })).items.map((c) => c.id);
    expect(await listed({ created_from: stamp.toISOString() })).toContain(id);
    expect(await listed({ created_from: plus1.toISOString() })).not.toContain(id);
    expect(await listed({ created_to: stamp.toISOString() })).not.toContain(id);
    expect(await listed({ created_to: plus1.toISOString() })).toContain(id);
  });
});
