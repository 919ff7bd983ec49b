/**
 * The payment-links module without a provider call: a stored link that still charges the
 * amount due is returned as is, and every refusal that needs no provider is a typed error.
 * Making a link through a provider is tested end to end in `@greentrack/adapters`
 * (`stripe/payment-links.e2e.test.ts`: the real Stripe SDK against a local Stripe).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestGreenTrack, databaseKind, makeOrganization } from '../../test/harness.js';
import { makeLinkedInvoice } from '../../test/linked-invoice.js';
import { GreenTrackError } from '../errors.js';
import type { GreenTrack } from '../greentrack.js';
import type { TenantFacade } from '../tenant.js';

async function codeOf(work: Promise<unknown>): Promise<string> {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GreenTrackError);
  return (error as GreenTrackError).code;
}

describe(`invoices.paymentLink without a provider call [${databaseKind}]`, () => {
  let gt: GreenTrack;
  let cleanup: () => Promise<void>;
  let staff: TenantFacade;
  let organizationId: string;

  beforeAll(async () => {
    // No `providers.payments`: only what needs no provider can succeed.
    ({ gt, cleanup } = await createTestGreenTrack({
      secret: 'payment-links-secret-0123456789abcdef',
    }));
    const org = await makeOrganization(gt, 'Links');
    organizationId = org.organization.id;
    staff = gt.as({ userId: org.staff.id, organizationId });
  });
  afterAll(() => cleanup());

  it('returns the stored link while it charges the amount due, writing nothing', async () => {
    const id = await makeLinkedInvoice(gt, organizationId);
    const audits = await gt.db.selectFrom('audit_log').select('id').execute();
    const link = await staff.invoices.paymentLink(id);
    expect(link).toMatchObject({
      invoice_id: id,
      provider: 'stripe',
      amount_cents: 4250,
      currency: 'usd',
      created: false,
    });
    expect(link.url).toMatch(/^https:\/\/buy\.stripe\.com\/test_/);
    expect(await gt.db.selectFrom('audit_log').select('id').execute()).toHaveLength(audits.length);
  });

  it('needs a configured provider once the stored link no longer matches the amount due', async () => {
    const id = await makeLinkedInvoice(gt, organizationId);
    await gt.db
      .updateTable('zeroinvoice_invoices_cache')
      .set({ amount_due_cents: 1000 })
      .where('id', '=', id)
      .execute();
    expect(await codeOf(staff.invoices.paymentLink(id))).toBe('PAYMENT_LINKS_NOT_CONFIGURED');
  });

  it('refuses a paid or void invoice even with a stored link', async () => {
    for (const status of ['paid', 'void'] as const) {
      const id = await makeLinkedInvoice(gt, organizationId);
      await gt.db
        .updateTable('zeroinvoice_invoices_cache')
        .set({ status })
        .where('id', '=', id)
        .execute();
      expect(await codeOf(staff.invoices.paymentLink(id))).toBe('INVOICE_NOT_PAYABLE');
    }
  });

  it('answers a malformed, unknown or other organization’s id alike: INVOICE_NOT_FOUND', async () => {
    const other = await makeOrganization(gt, 'Other');
    const theirs = await makeLinkedInvoice(gt, other.organization.id);
    for (const id of ['not-a-uuid', '00000000-0000-4000-8000-000000000000', theirs]) {
      expect(await codeOf(staff.invoices.paymentLink(id))).toBe('INVOICE_NOT_FOUND');
    }
  });

  it('keeps what a link charges beside its invoice, and drops it with the invoice (migration 0026)', async () => {
    const id = await makeLinkedInvoice(gt, organizationId);
    const charges = () =>
      gt.db
        .selectFrom('invoice_payment_links')
        .select('amount_cents')
        .where('invoice_id', '=', id)
        .execute();
    expect(await charges()).toEqual([{ amount_cents: 4250 }]);
    await gt.db.deleteFrom('zeroinvoice_invoices_cache').where('id', '=', id).execute();
    expect(await charges()).toEqual([]);
  });
});
