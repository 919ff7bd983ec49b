/**
 * The organization's invoice by id: the one lookup the invoices, payment-links,
 * invoice-delivery and payments modules share, so "not the caller's invoice" means the
 * same thing (and answers the same error) everywhere.
 */
import type { Selectable } from 'kysely';
import type { ZeroinvoiceInvoicesCacheTable } from '../db/types.js';
import { GreenTrackError } from '../errors.js';
import type { Scope } from '../scope.js';
import { isUuid } from '../validation.js';
import { InvoiceErrorCode } from './error-codes.js';

/** A cached invoice without its source payload (`snapshot`), which is for export only. */
export type CachedInvoice = Omit<Selectable<ZeroinvoiceInvoicesCacheTable>, 'snapshot'>;

/** Every column but `snapshot`. */
export const invoiceColumns = [
  'id',
  'organization_id',
  'external_invoice_id',
  'external_customer_id',
  'customer_id',
  'status',
  'currency',
  'subtotal_cents',
  'tax_cents',
  'total_cents',
  'amount_due_cents',
  'due_date',
  'sent_via',
  'stripe_payment_link',
  'created_at',
  'updated_at',
] as const;

/** How to read the invoice. */
export interface InvoiceLookupOptions {
  /**
   * Lock the row (`FOR UPDATE`) until the transaction ends, so writers of one invoice
   * queue up. Only meaningful on a scope inside `inTransaction`.
   * @default false
   */
  forUpdate?: boolean;
}

/** The error for an invoice that is not the caller's, does not exist, or has a malformed id. */
function invoiceNotFound(): GreenTrackError {
  return new GreenTrackError({
    code: InvoiceErrorCode.INVOICE_NOT_FOUND,
    message: 'Invoice not found',
  });
}

/**
 * The organization's invoice `invoiceId`, or `undefined` — also for a malformed id, which
 * cannot exist (so ids stay opaque and Postgres never sees a bad uuid).
 * @example const invoice = await findInvoice(tx, invoiceId, { forUpdate: true })
 */
export async function findInvoice(
  scope: Scope,
  invoiceId: string,
  options: InvoiceLookupOptions = {},
): Promise<CachedInvoice | undefined> {
  if (!isUuid(invoiceId)) return undefined;
  let query = scope.db
    .selectFrom('zeroinvoice_invoices_cache')
    .select(invoiceColumns)
    .where('id', '=', invoiceId)
    .where('organization_id', '=', scope.organizationId);
  if (options.forUpdate) query = query.forUpdate();
  return query.executeTakeFirst();
}

/**
 * The organization's invoice `invoiceId` (see `findInvoice`).
 * @throws `INVOICE_NOT_FOUND` (404): not the caller's, no such invoice, or a malformed id
 */
export async function requireInvoice(
  scope: Scope,
  invoiceId: string,
  options: InvoiceLookupOptions = {},
): Promise<CachedInvoice> {
  const invoice = await findInvoice(scope, invoiceId, options);
  if (!invoice) throw invoiceNotFound();
  return invoice;
}
