/** Inputs and outputs of the invoice sync. */
import { z } from 'zod';
import type { InvoiceSyncCounts } from '../events.js';

export const invoiceSyncOptionsSchema = z
  .object({
    /** Read every invoice, not just those changed since the stored cursor. */
    full: z.boolean().optional(),
    /** Sync only this integration account (default: every active `zeroinvoice` account). */
    accountId: z.uuid().optional(),
  })
  .strict();

/** Options of `org.invoices.sync`. */
export interface InvoiceSyncOptions {
  /**
   * Read every invoice from the source instead of those changed since the account's
   * cursor. Unchanged invoices are still not rewritten.
   * @default false
   */
  full?: boolean;
  /** Sync only this integration account. @default every active `zeroinvoice` account */
  accountId?: string;
  /**
   * Called after each committed page (also emitted as `invoice.sync.progress`); awaited
   * before the next page is read.
   */
  onProgress?: (progress: InvoiceSyncProgress) => void | Promise<void>;
  /** Stops between pages (and aborts the source's request in flight). */
  signal?: AbortSignal;
}

/** Cumulative counts of one account's sync after a committed page. */
export interface InvoiceSyncProgress extends InvoiceSyncCounts {
  integrationAccountId: string;
  /** 1-based number of the page just committed. */
  page: number;
}

/** What `org.invoices.sync` did, summed over the accounts it synced. */
export interface InvoiceSyncResult extends InvoiceSyncCounts {
  /** Integration accounts synced. */
  accounts: number;
  /** Pages committed (one transaction each). */
  pages: number;
}

export const emptyCounts = (): InvoiceSyncCounts => ({
  inserted: 0,
  updated: 0,
  unchanged: 0,
  items: 0,
});
