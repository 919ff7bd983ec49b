/**
 * Render contexts from the database: a customer's row, the organization and an invoice of
 * the ZeroInvoice cache, turned into the documented variable set (`variables.ts`).
 */
import type { Selectable } from 'kysely';
import { type Customer, getCustomer } from '../customers/index.js';
import type { ZeroinvoiceInvoicesCacheTable } from '../db/types.js';
import { CommonErrorCode, GreenTrackError } from '../errors.js';
import type { Scope } from '../scope.js';
import { getOrganization } from '../tenancy/index.js';
import { isUuid } from '../validation.js';
import {
  CUSTOMER_COLUMNS,
  type TemplateContext,
  type TemplateCustomer,
  type TemplateInvoice,
  type TemplateUrls,
} from './variables.js';

/**
 * The links a preview shows in place of the per-recipient ones the dispatcher signs. The
 * `.invalid` top-level domain never resolves (RFC 2606), so a click from a preview goes
 * nowhere.
 */
export const PREVIEW_URLS: TemplateUrls = {
  unsubscribe: 'https://preview.greentrack.invalid/unsubscribe',
  preferences: 'https://preview.greentrack.invalid/preferences',
};

/**
 * The customer a test send renders for when none is chosen: every field filled, so a
 * template that reads any customer variable shows something in the test. Its id is the nil
 * UUID, which no customer has.
 */
export const SAMPLE_CUSTOMER: TemplateCustomer = {
  id: '00000000-0000-0000-0000-000000000000',
  name: 'Alex Sample',
  first_name: 'Alex',
  type: 'customer',
  email: 'alex.sample@example.com',
  phone: '+14155550100',
  address_line1: '1 Sample Street',
  address_line2: null,
  city: 'Springfield',
  state: 'OR',
  postal_code: '97477',
  country: 'US',
  tags: ['sample'],
};

/**
 * A customer row as a template sees it: the allowlisted columns only. Takes the API's
 * `Customer` or a row as the dispatcher reads it.
 */
export function templateCustomer(
  customer: Pick<Customer, (typeof CUSTOMER_COLUMNS)[number] | 'tags'>,
): TemplateCustomer {
  // Built by assignment, not `Object.fromEntries` + spread: the dispatcher makes one per
  // message, and this way is a fraction of the allocations.
  const columns: Record<string, unknown> = {};
  for (const c of CUSTOMER_COLUMNS) columns[c] = customer[c];
  columns.first_name = /\S+/.exec(customer.name)?.[0] ?? '';
  columns.tags = customer.tags;
  return columns as unknown as TemplateCustomer;
}

/** Digits after the decimal point of `currency` (2 when unknown; 0 for JPY, 3 for KWD). */
function minorDigits(currency: string | null): number {
  if (!currency) return 2;
  try {
    return (
      new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions()
        .maximumFractionDigits ?? 2
    );
  } catch {
    return 2;
  }
}

/** Minor units as decimal text in major units: 123450 → `"1234.50"` (integer arithmetic). */
export function majorUnits(minor: number | null, currency: string | null): string | null {
  if (minor === null) return null;
  const digits = minorDigits(currency);
  const scale = 10 ** digits;
  const sign = minor < 0 ? '-' : '';
  const whole = Math.trunc(Math.abs(minor) / scale);
  const fraction = String(Math.abs(minor) % scale).padStart(digits, '0');
  return digits === 0 ? `${sign}${whole}` : `${sign}${whole}.${fraction}`;
}

type InvoiceRow = Selectable<ZeroinvoiceInvoicesCacheTable>;

/** The customer's invoice `invoiceId`, or (none given) their most recent one, or null. */
async function findInvoice(
  scope: Scope,
  customerId: string,
  invoiceId: string | undefined,
): Promise<InvoiceRow | null> {
  if (invoiceId !== undefined && !isUuid(invoiceId)) throw invoiceNotFound();
  let query = scope.db
    .selectFrom('zeroinvoice_invoices_cache')
    .selectAll()
    .where('organization_id', '=', scope.organizationId)
    .where('customer_id', '=', customerId);
  query =
    invoiceId === undefined
      ? query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(1)
      : query.where('id', '=', invoiceId);
  const row = await query.executeTakeFirst();
  if (!row && invoiceId !== undefined) throw invoiceNotFound();
  return row ?? null;
}

const invoiceNotFound = () =>
  new GreenTrackError({
    code: CommonErrorCode.NOT_FOUND,
    message: "Invoice not found among the customer's invoices",
  });

/** The invoice columns a template's `invoice` is made of. */
export type InvoiceVariablesRow = Pick<
  InvoiceRow,
  | 'id'
  | 'external_invoice_id'
  | 'status'
  | 'currency'
  | 'subtotal_cents'
  | 'tax_cents'
  | 'total_cents'
  | 'amount_due_cents'
  | 'due_date'
  | 'stripe_payment_link'
>;

/** An invoice line's columns, in `position` order. */
export interface InvoiceItemVariablesRow {
  name: string;
  description: string | null;
  /** `numeric(12,2)`: a decimal string (a number when read through JSON). */
  quantity: string | number;
  unit_price_cents: number;
  total_cents: number;
}

/**
 * An invoice row and its lines as a template's `invoice` (pure: the caller reads the rows,
 * one invoice at a time for a preview, a batch's invoices in one statement for a reminder).
 */
export function toTemplateInvoice(
  row: InvoiceVariablesRow,
  items: readonly InvoiceItemVariablesRow[],
): TemplateInvoice {
  const money = (minor: number | null) => majorUnits(minor, row.currency);
  return {
    id: row.id,
    number: row.external_invoice_id,
    status: row.status,
    currency: row.currency,
    subtotal: money(row.subtotal_cents),
    tax: money(row.tax_cents),
    total: money(row.total_cents),
    amount_due: money(row.amount_due_cents),
    due_date: row.due_date,
    payment_url: row.stripe_payment_link,
    items: items.map((item) => ({
      name: item.name,
      description: item.description,
      // numeric(12,2) reads as "2.00": shown as written, "2" or "1.5".
      quantity: String(item.quantity).replace(/\.0+$|(\.\d*?)0+$/, '$1'),
      unit_price: money(item.unit_price_cents) ?? '',
      total: money(item.total_cents) ?? '',
    })),
  };
}

/** The invoice `row` (of the scope's organization) with its lines, as a template's `invoice`. */
export async function templateInvoice(
  scope: Scope,
  row: InvoiceVariablesRow,
): Promise<TemplateInvoice> {
  const items = await scope.db
    .selectFrom('zeroinvoice_invoice_items_cache as i')
    .innerJoin('zeroinvoice_invoices_cache as v', 'v.id', 'i.invoice_id')
    .select(['i.name', 'i.description', 'i.quantity', 'i.unit_price_cents', 'i.total_cents'])
    .where('v.organization_id', '=', scope.organizationId)
    .where('i.invoice_id', '=', row.id)
    .orderBy('i.position')
    .orderBy('i.id')
    .execute();
  return toTemplateInvoice(row, items);
}

/**
 * The context of a preview for one customer of the scope's organization, with placeholder
 * links. An invoice is read only when the template reads `invoice` (`withInvoice`).
 * @throws `CUSTOMER_NOT_FOUND`; `NOT_FOUND` for an `invoiceId` that is not the customer's
 */
export async function previewContext(
  scope: Scope,
  target: { customerId: string; invoiceId?: string | undefined },
  withInvoice: boolean,
): Promise<TemplateContext> {
  const customer = await getCustomer(scope, target.customerId);
  const organization = await getOrganization(scope);
  const invoiceRow =
    withInvoice || target.invoiceId !== undefined
      ? await findInvoice(scope, customer.id, target.invoiceId)
      : null;
  return {
    customer: templateCustomer(customer),
    organization: { id: organization.id, name: organization.name },
    urls: PREVIEW_URLS,
    invoice: invoiceRow ? await templateInvoice(scope, invoiceRow) : null,
  };
}

/** The context of a test send for `SAMPLE_CUSTOMER`: no invoice, placeholder links. */
export async function sampleContext(scope: Scope): Promise<TemplateContext> {
  const organization = await getOrganization(scope);
  return {
    customer: SAMPLE_CUSTOMER,
    organization: { id: organization.id, name: organization.name },
    urls: PREVIEW_URLS,
    invoice: null,
  };
}
