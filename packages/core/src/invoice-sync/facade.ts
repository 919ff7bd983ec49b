/**
 * The invoice-sync module's part of `gt.as(actor)`: `invoices.sync`. (`invoices.list` / `get`
 * come from the invoices module; the facade merges both under `invoices`.)
 */
import type { FacadeContext } from '../module.js';
import type { InvoiceSyncOptions, InvoiceSyncResult } from './schema.js';
import { syncInvoices } from './service.js';

/** A sync rewrites the organization's invoice cache from its provider account: admin and up. */
export const invoiceSyncPermissions = { 'invoice.sync': 'admin' } as const;
type InvoiceSyncAction = keyof typeof invoiceSyncPermissions;

export interface InvoiceSyncFacade {
  invoices: {
    /**
     * Syncs the invoice cache from each active `zeroinvoice` integration account (admin+):
     * the invoices changed since the account's cursor (`full`: all of them), page by page,
     * each page and its cursor in one transaction. Invoices already cached as they are are
     * not rewritten, so a sync with nothing new reports `{ inserted: 0, updated: 0, unchanged: N }`
     * (N: what the source re-sent) and writes nothing. Progress comes to `onProgress` and
     * as `invoice.sync.progress` events; `invoice.synced` after each account.
     * @example
     * const { inserted, updated, unchanged } = await org.invoices.sync();
     * @throws `INVOICE_SYNC_NOT_CONFIGURED`; the source's errors (`ZEROINVOICE_UNAUTHORIZED`, …):
     * pages stored before them stay, and the next sync resumes after the last one.
     */
    sync(options?: InvoiceSyncOptions): Promise<InvoiceSyncResult>;
  };
}

export function invoiceSyncFacade({
  on,
  deps,
}: FacadeContext<InvoiceSyncAction>): InvoiceSyncFacade {
  return {
    invoices: {
      sync: on('invoice.sync', (scope, options?: InvoiceSyncOptions) =>
        syncInvoices(scope, { source: deps.invoiceSource, keyring: deps.keyring }, options),
      ),
    },
  };
}
