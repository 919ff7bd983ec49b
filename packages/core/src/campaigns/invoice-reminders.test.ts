/**
 * Overdue reminders, on both databases: the `overdue_invoice` predicate's boundaries, a
 * reminder campaign's messages carrying their invoice, and the guarantee that a reminder
 * whose invoice was paid after the audience snapshot is not sent (issue 12: "a paid
 * invoice stops its pending reminder").
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestGreenTrack, databaseKind, makeOrganization } from '../../test/harness.js';
import { fixedClock } from '../clock.js';
import type { GreenTrack } from '../greentrack.js';
import { dispatchDue } from './dispatch.js';
import { INVOICE_SETTLED_REASON } from './invoice-reminders.js';
import { renderWithTemplates } from './render.js';
import { startDueCampaigns } from './runs.js';

describe(`overdue invoice reminders [${databaseKind}]`, () => {
  let gt: GreenTrack;
  let cleanup: () => Promise<void>;
  // Today is 2026-06-01 (UTC): an invoice due 2026-05-02 is 30 days past due.
  const clock = fixedClock('2026-06-01T09:00:00.000Z');

  beforeAll(async () => {
    ({ gt, cleanup } = await createTestGreenTrack({ clock }));
  });
  afterAll(() => cleanup());

  /** An organization whose customers each have one invoice (`number`, due date, cents due, status). */
  async function organizationWith(
    invoices: Array<{
      number: string;
      due: string;
      cents: number;
      status?: 'draft' | 'sent' | 'overdue' | 'paid';
    }>,
  ) {
    const { organization, owner } = await makeOrganization(gt, 'Reminders');
    const organizationId = organization.id;
    const org = gt.as({ userId: owner.id, organizationId });
    const db = gt.database.tenant(organizationId);
    const customers: Record<string, string> = {};
    for (const invoice of invoices) {
      const customer = await org.customers.create({
        type: 'customer',
        name: `Owes ${invoice.number}`,
        email: `${invoice.number.toLowerCase()}-${randomUUID().slice(0, 8)}@example.com`,
      });
      customers[invoice.number] = customer.id;
      const { id } = await db
        .insertInto('zeroinvoice_invoices_cache')
        .values({
          organization_id: organizationId,
          external_invoice_id: invoice.number,
          customer_id: customer.id,
          status: invoice.status ?? 'overdue',
          currency: 'USD',
          total_cents: invoice.cents,
          amount_due_cents: invoice.cents,
          due_date: invoice.due,
          snapshot: '{}',
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await db
        .insertInto('zeroinvoice_invoice_items_cache')
        .values({
          invoice_id: id,
          name: `Work on ${invoice.number}`,
          quantity: '1',
          unit_price_cents: invoice.cents,
          total_cents: invoice.cents,
        })
        .execute();
    }
    return { organizationId, org, db, customers };
  }

  it('`overdue_invoice` matches unpaid invoices due N or more days ago with at least the amount due', async () => {
    const { org, customers } = await organizationWith([
      { number: 'A', due: '2026-05-02', cents: 5000 }, // 30 days past due
      { number: 'B', due: '2026-05-03', cents: 5000 }, // 29 days
      { number: 'C', due: '2026-04-01', cents: 999, status: 'sent' }, // 61 days, small
      { number: 'D', due: '2026-04-01', cents: 5000, status: 'draft' }, // never sent
      { number: 'E', due: '2026-04-01', cents: 5000, status: 'paid' },
    ]);
    const members = async (rule: object) =>
      (await org.segments.previewDraft({ rule: rule as never, sampleSize: 10 } as never)).sample
        .map((m) => Object.keys(customers).find((k) => customers[k] === m.customer.id))
        .sort();
    expect(await members({ field: 'overdue_invoice', op: 'at_least', days: 30 })).toEqual([
      'A',
      'C',
    ]);
    expect(await members({ field: 'overdue_invoice', op: 'at_least', days: 29 })).toEqual([
      'A',
      'B',
      'C',
    ]);
    expect(
      await members({ field: 'overdue_invoice', op: 'at_least', days: 1, amount_due: 1000 }),
    ).toEqual(['A', 'B']);
    expect(await members({ not: { field: 'overdue_invoice', op: 'at_least', days: 30 } })).toEqual([
      'B',
      'D',
      'E',
    ]);
    const segment = await org.segments.create({
      name: 'Overdue',
      rule: { field: 'overdue_invoice', op: 'at_least', days: 30, amount_due: 1000 },
    });
    expect(segment.rule_sql).toBe('HAS INVOICE 30+ DAYS PAST DUE AND amount_due >= 1000 cents');
  });

  it('a reminder carries its invoice, and one whose invoice was paid after the snapshot is not sent', async () => {
    const { organizationId, org, db, customers } = await organizationWith([
      { number: 'INV-1', due: '2026-04-15', cents: 5000 },
      { number: 'INV-2', due: '2026-04-20', cents: 7500 },
      { number: 'INV-3', due: '2026-05-30', cents: 9900 }, // 2 days: not in the audience
    ]);
    const template = await org.templates.create({
      channel: 'email',
      name: 'Reminder',
      subject: 'Invoice {{ invoice.number }} is overdue',
      content:
        '<p>{{ invoice.amount_due }} {{ invoice.currency }} was due {{ invoice.due_date }}. {% for item in invoice.items %}{{ item.name }}{% endfor %}</p>',
    });
    const segment = await org.segments.create({
      name: '14+ days overdue',
      rule: { all: [{ field: 'overdue_invoice', op: 'at_least', days: 14 }] },
    });
    const campaign = await org.campaigns.create({
      name: 'Overdue reminder',
      channel: 'email',
      template_id: template.id,
      segment_id: segment.id,
    });
    await org.campaigns.schedule(campaign.id);
    await startDueCampaigns({ database: gt.database, clock, emit: () => {} });
    const [run] = await org.campaigns.runs(campaign.id);
    expect(run?.stats).toMatchObject({ audience: 2 });

    // Paid between the snapshot and the dispatch: the cache row as the payments module leaves it.
    await db
      .updateTable('zeroinvoice_invoices_cache')
      .set({ status: 'paid', amount_due_cents: 0 })
      .where('external_invoice_id', '=', 'INV-2')
      .execute();

    const result = await dispatchDue({
      database: gt.database,
      clock,
      emit: () => {},
      providers: gt.providers,
      render: renderWithTemplates,
    });
    expect(result).toMatchObject({ sent: 1, skipped: 1, failed: 0, completed: 1 });

    const outbox = await db.selectFrom('outbox_messages').select(['subject', 'body']).execute();
    expect(outbox).toHaveLength(1);
    expect(outbox[0]?.subject).toBe('Invoice INV-1 is overdue');
    expect(outbox[0]?.body).toContain('50.00 USD was due 2026-04-15. Work on INV-1');
    const deliveries = await db
      .selectFrom('campaign_deliveries')
      .select(['customer_id', 'state', 'reason'])
      .orderBy('state')
      .execute();
    expect(deliveries).toEqual([
      { customer_id: customers['INV-1'], state: 'sent', reason: null },
      { customer_id: customers['INV-2'], state: 'skipped', reason: INVOICE_SETTLED_REASON },
    ]);
    const messages = await db.selectFrom('messages').select('customer_id').execute();
    expect(messages).toEqual([{ customer_id: customers['INV-1'] }]);
    expect(organizationId).toBeTruthy();
  });
});
