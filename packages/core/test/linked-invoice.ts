/**
 * An open invoice whose payment link is already stored for its amount due, for the route
 * tests (isolation matrix, fuzzer): `POST /invoices/{id}/payment-link` then answers with the
 * stored link, so they need no payments provider. Making a link through a provider is tested
 * end to end in `@greentrack/adapters` (`stripe/payment-links.e2e.test.ts`) with the real SDK.
 * Written directly: the invoice cache is filled by the sync, which these tests do not run.
 */
import { randomBytes } from 'node:crypto';
import type { GreenTrack } from '../src/greentrack.js';

export async function makeLinkedInvoice(gt: GreenTrack, organizationId: string): Promise<string> {
  const suffix = randomBytes(6).toString('hex');
  const { id } = await gt.db
    .insertInto('zeroinvoice_invoices_cache')
    .values({
      organization_id: organizationId,
      external_invoice_id: `INV-${suffix}`,
      status: 'sent',
      currency: 'usd',
      total_cents: 4250,
      amount_due_cents: 4250,
      stripe_payment_link: `https://buy.stripe.com/test_${suffix}`,
      snapshot: JSON.stringify({ id: `INV-${suffix}` }),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await gt.db
    .insertInto('invoice_payment_links')
    .values({
      invoice_id: id,
      organization_id: organizationId,
      provider: 'stripe',
      provider_link_id: `plink_${suffix}`,
      url: `https://buy.stripe.com/test_${suffix}`,
      amount_cents: 4250,
      currency: 'usd',
    })
    .execute();
  return id;
}
