/**
 * Migration 0026: what an invoice's payment link was made for.
 *
 * The seed keeps the link's URL (`zeroinvoice_invoices_cache.stripe_payment_link`). To hand
 * it out again only while it still asks for the right amount, the payment-links module also
 * records the provider's id of the link and the amount and currency it charges: when the
 * invoice's amount due changes (a partial payment, a sync), the stored link no longer
 * matches and a new one is made. All three are NULL together, as is the URL, until a link
 * is made; the CHECK keeps them that way. Row-level security is the table's (0010).
 */
import { type Kysely, sql } from 'kysely';

const up = `
ALTER TABLE zeroinvoice_invoices_cache
  ADD COLUMN stripe_payment_link_id text,
  ADD COLUMN stripe_payment_link_amount_cents int,
  ADD COLUMN stripe_payment_link_currency text,
  ADD CONSTRAINT zeroinvoice_invoices_cache_payment_link_check CHECK (
    (stripe_payment_link_id IS NULL) = (stripe_payment_link_amount_cents IS NULL)
    AND (stripe_payment_link_id IS NULL) = (stripe_payment_link_currency IS NULL)
  );
`;

const down = `
ALTER TABLE zeroinvoice_invoices_cache
  DROP CONSTRAINT IF EXISTS zeroinvoice_invoices_cache_payment_link_check,
  DROP COLUMN IF EXISTS stripe_payment_link_id,
  DROP COLUMN IF EXISTS stripe_payment_link_amount_cents,
  DROP COLUMN IF EXISTS stripe_payment_link_currency;
`;

export const invoicePaymentLinkMigration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await sql.raw(up).execute(db);
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await sql.raw(down).execute(db);
  },
};
