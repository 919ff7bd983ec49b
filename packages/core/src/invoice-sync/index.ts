/**
 * Invoice sync: fills the ZeroInvoice cache from each organization's invoicing account
 * through the configured `providers.invoices`, on demand and from the worker.
 */
import { defineModule } from '../module.js';
import { invoiceSyncCustomerData } from './customer-data.js';
import type { InvoiceSyncErrorCode as Code } from './error-codes.js';
import { invoiceSyncFacade, invoiceSyncPermissions } from './facade.js';
import { applyInvoiceEffects } from './webhook.js';

export { InvoiceSyncErrorCode } from './error-codes.js';
export type { InvoiceSyncFacade } from './facade.js';
export { type InvoiceSyncWorkerDeps, syncDueInvoiceAccounts } from './schedule.js';
export type { InvoiceSyncOptions, InvoiceSyncProgress, InvoiceSyncResult } from './schema.js';

export const invoiceSyncModule = defineModule({
  name: 'invoice-sync',
  tenantTables: ['invoice_sync_state', 'invoice_source_versions'],
  customerData: invoiceSyncCustomerData,
  permissions: invoiceSyncPermissions,
  errorStatus: {
    INVOICE_SYNC_NOT_CONFIGURED: 409,
    INVOICE_SYNC_IN_PROGRESS: 409,
  } satisfies Record<Code, number>,
  facade: invoiceSyncFacade,
  webhookHandlers: { invoice: applyInvoiceEffects },
});
