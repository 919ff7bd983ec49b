/**
 * The invoice-source provider interface: where the ZeroInvoice cache
 * (`zeroinvoice_invoices_cache`, `zeroinvoice_invoice_items_cache`) is filled from.
 *
 * An organization connects its own invoicing account (an `integration_accounts` row with
 * encrypted credentials), so the host configures a *connector* once
 * (`providers.invoices: zeroInvoice({ baseUrl })` from `@greentrack/adapters/zeroinvoice`)
 * and core connects it per account with that account's decrypted credentials, on the
 * server, when it syncs. The source has already converted amounts to integer cents and
 * mapped statuses onto the seed's enum; core stores `raw` as the row's `snapshot`.
 */
import type { Credentials } from '../secrets/index.js';

/** The seed's invoice statuses (`zeroinvoice_invoices_cache.status`). */
export type InvoiceStatus = 'draft' | 'sent' | 'paid' | 'overdue' | 'void';

/** One line of a source invoice. */
export interface SourceInvoiceItem {
  name: string;
  description: string | null;
  /** A decimal string (`numeric(12,2)`), e.g. `'1'`, `'2.5'`: never a float. */
  quantity: string;
  unitPriceCents: number;
  totalCents: number;
  /** 0-based order on the invoice. */
  position: number;
}

/** One invoice as the source has it, in the cache's terms. */
export interface SourceInvoice {
  externalInvoiceId: string;
  /** The source's customer (client) id: linked to `customers.external_zeroinvoice_customer_id`. */
  externalCustomerId: string | null;
  /** The source customer's email, the second way to link the invoice to a customer. */
  customerEmail: string | null;
  /** Mapped onto the seed's enum; the source's own value stays in `raw`. */
  status: InvoiceStatus;
  /** ISO 4217, lower case (`usd`). */
  currency: string;
  subtotalCents: number;
  taxCents: number;
  totalCents: number;
  amountDueCents: number;
  /** `YYYY-MM-DD`, or null when the invoice has none. */
  dueDate: string | null;
  items: readonly SourceInvoiceItem[];
  /** The source's payload, stored verbatim as the cache row's `snapshot`. */
  raw: unknown;
  /**
   * When the source last changed the invoice (a webhook's event time). Given, an invoice
   * webhook does not overwrite a newer state already cached, and the source's amount due is
   * taken to count every payment processed up to then. The sync does not need it: its feed
   * is in order.
   */
  updatedAt?: Date;
}

/** One page of a sync. */
export interface SourceInvoicePage {
  invoices: readonly SourceInvoice[];
  /**
   * Where the next incremental sync resumes after this page (opaque to core, stored per
   * integration account once the page is in the cache); null when the source has no
   * cursor to give, in which case the next sync is a full one.
   */
  cursor: string | null;
}

/** One connected invoicing account. */
export interface InvoiceSource {
  /**
   * The invoices created or changed since `cursor` (`null`: all of them), page by page in a
   * stable order. Throwing fails the sync; the pages already stored stay, and the cursor
   * of the last stored page is where the next sync resumes.
   */
  invoices(options: {
    cursor: string | null;
    signal?: AbortSignal;
  }): AsyncIterable<SourceInvoicePage>;
}

/** Connects an organization's invoicing account; configured once by the host. */
export interface InvoiceSourceConnector {
  /** The `integration_accounts.provider` whose accounts it connects. */
  readonly provider: 'zeroinvoice';
  /** A source for one account, from its decrypted credentials (server side only). */
  connect(credentials: Credentials): InvoiceSource;
}
