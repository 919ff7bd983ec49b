/**
 * The invoices module's part of `gt.as(actor)`: the cached invoices, read-only here (the
 * sync writes them; payments change their amount due). Other modules add methods under
 * `invoices` (sync, send).
 */
import type { FacadeContext } from '../module.js';
import { type InvoiceAging, invoiceAging } from './aging.js';
import type { AgingQuery, InvoiceListQuery } from './schema.js';
import {
  getInvoice,
  type Invoice,
  type InvoiceItem,
  type InvoicePage,
  listInvoices,
} from './service.js';

export const invoicePermissions = {
  /** Invoices, their items and the aging report. */
  'invoice.read': 'staff',
} as const;
type InvoiceAction = keyof typeof invoicePermissions;

export interface InvoicesFacade {
  invoices: {
    /**
     * One page of invoices, newest first (staff+): by stored status, customer, derived
     * `overdue` and due-date range; keyset cursor in `nextCursor`.
     * @example await org.invoices.list({ overdue: true, due_from: '2026-01-01', limit: 100 })
     */
    list(query?: InvoiceListQuery): Promise<InvoicePage>;
    /** One invoice with its items (staff+). @throws `INVOICE_NOT_FOUND` */
    get(invoiceId: string): Promise<Invoice & { items: InvoiceItem[] }>;
    /**
     * Amounts due by age — current, 1–30, 31–60, 61–90, over 90 days past due — at the
     * organization's today, per currency for the organization and per customer (staff+).
     * @example const { organization, customers } = await org.invoices.aging({ limit: 20 })
     */
    aging(query?: AgingQuery): Promise<InvoiceAging>;
  };
}

export function invoicesFacade({ on }: FacadeContext<InvoiceAction>): InvoicesFacade {
  return {
    invoices: {
      list: on('invoice.read', (scope, query?: InvoiceListQuery) => listInvoices(scope, query)),
      get: on('invoice.read', getInvoice),
      aging: on('invoice.read', (scope, query?: AgingQuery) => invoiceAging(scope, query)),
    },
  };
}
