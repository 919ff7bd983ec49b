/**
 * Invoices: the ZeroInvoice cache as the organization sees it — list, items, aging — and
 * the rules the sync and payments share: the overdue status (kept by a worker pass) and
 * linking invoices to customers.
 */
import { defineModule } from '../module.js';
import { invoicesCustomerData } from './customer-data.js';
import type { InvoiceErrorCode as Code } from './error-codes.js';
import { invoicePermissions, invoicesFacade } from './facade.js';
import { registerInvoiceRoutes } from './routes.js';

export type { AgingBuckets, InvoiceAging } from './aging.js';
export { InvoiceErrorCode } from './error-codes.js';
export type { InvoicesFacade } from './facade.js';
/** @public For the invoice sync, inside its transaction. */
export {
  type InvoiceCustomerRef,
  linkInvoiceCustomers,
  relinkUnlinkedInvoices,
} from './linking.js';
/** @public For the modules that act on one invoice (payment links, delivery, payments). */
export { type CachedInvoice, findInvoice, requireInvoice } from './lookup.js';
export { type InvoicePassDeps, runInvoiceStatusPass } from './pass.js';
export type { AgingQuery, InvoiceListQuery } from './schema.js';
export type { Invoice, InvoiceItem, InvoicePage } from './service.js';
/** @public For the invoice sync's merge statement. */
export { derivedStatusSql, linkedCustomerSql } from './staged-rules.js';
export { isOverdue, statusAfterPayment } from './status.js';
/** @public For the invoice sync, for the rows it wrote. */
export {
  applyInvoiceStatusRules,
  type InvoiceStatusChanges,
  type InvoiceStatusTargets,
} from './status-rules.js';
export { organizationToday } from './today.js';

export const invoicesModule = defineModule({
  name: 'invoices',
  tenantTables: ['zeroinvoice_invoices_cache', 'zeroinvoice_invoice_items_cache'],
  customerData: invoicesCustomerData,
  permissions: invoicePermissions,
  errorStatus: { INVOICE_NOT_FOUND: 404 } satisfies Record<Code, number>,
  routes: registerInvoiceRoutes,
  facade: invoicesFacade,
});
