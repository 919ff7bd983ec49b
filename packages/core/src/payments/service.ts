/**
 * Payments: the organization's `payments` rows, read with filters and keyset pagination.
 * A refund is stored as a row with a negative `amount_cents` (decision 134), so sums over
 * succeeded rows are net of refunds; `kind` is derived from the sign.
 */
import type { Selectable } from 'kysely';
import type { PaymentsTable } from '../db/types.js';
import { GreenTrackError } from '../errors.js';
import { newestFirstPage } from '../pagination/newest-first.js';
import type { Scope } from '../scope.js';
import { isUuid, parseInput } from '../validation.js';
import { PaymentErrorCode } from './error-codes.js';
import { type PaymentListQuery, paymentListQuerySchema } from './schema.js';

/** A payment as services return it (without the source's raw payload). */
export type Payment = Omit<Selectable<PaymentsTable>, 'raw_payload'> & {
  kind: 'payment' | 'refund';
};

/** One page of payments. */
export interface PaymentPage {
  items: Payment[];
  /** Pass back as `cursor` for the next page; `null` on the last page. */
  nextCursor: string | null;
}

/** Every column but `raw_payload`. */
export const paymentColumns = [
  'id',
  'organization_id',
  'external_payment_id',
  'external_invoice_id',
  'amount_cents',
  'currency',
  'status',
  'method',
  'processed_at',
  'created_at',
] as const;

/** Adds the `kind` the sign of the amount stands for. */
export function toPayment(row: Omit<Payment, 'kind'>): Payment {
  return { ...row, kind: row.amount_cents < 0 ? 'refund' : 'payment' };
}

const notFound = () =>
  new GreenTrackError({ code: PaymentErrorCode.PAYMENT_NOT_FOUND, message: 'Payment not found' });

const LIST = 'this payment list';

/**
 * Lists payments newest first (`created_at`, then id) over migration 0021's index; by our
 * invoice id (its payments name it by `external_invoice_id`), status and kind.
 */
export async function listPayments(
  scope: Scope,
  query: PaymentListQuery = {},
): Promise<PaymentPage> {
  const q = parseInput(paymentListQuerySchema, query, { what: 'payment query' });
  let select = scope.db
    .selectFrom('payments')
    .select(paymentColumns)
    .where('organization_id', '=', scope.organizationId);
  if (q.invoice_id) {
    const invoiceId = q.invoice_id;
    select = select.where('external_invoice_id', '=', (eb) =>
      eb
        .selectFrom('zeroinvoice_invoices_cache')
        .select('external_invoice_id')
        .where('organization_id', '=', scope.organizationId)
        .where('id', '=', invoiceId),
    );
  }
  if (q.status) select = select.where('status', '=', q.status);
  if (q.kind) select = select.where('amount_cents', q.kind === 'refund' ? '<' : '>', 0);
  const page = await newestFirstPage(select, { cursor: q.cursor, limit: q.limit, list: LIST });
  return { items: page.items.map(toPayment), nextCursor: page.nextCursor };
}

/** One payment of the organization. @throws `PAYMENT_NOT_FOUND` */
export async function getPayment(scope: Scope, paymentId: string): Promise<Payment> {
  if (!isUuid(paymentId)) throw notFound();
  const row = await scope.db
    .selectFrom('payments')
    .select(paymentColumns)
    .where('id', '=', paymentId)
    .where('organization_id', '=', scope.organizationId)
    .executeTakeFirst();
  if (!row) throw notFound();
  return toPayment(row);
}
