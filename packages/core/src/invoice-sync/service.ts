/**
 * Invoice sync: for each active `zeroinvoice` integration account of the organization,
 * decrypt its credentials, connect the configured source, and store the pages it yields
 * since the account's cursor — each page staged and merged set-based, with the cursor after
 * it, in one transaction. A failure keeps every committed page; the next sync resumes after
 * the last one. Re-reading what the cache already holds writes nothing.
 */
import { sql } from 'kysely';
import { recordAudit } from '../audit/index.js';
import { writeConversionEvents } from '../conversion-events/index.js';
import { CommonErrorCode, GreenTrackError } from '../errors.js';
import type { InvoiceSyncCounts } from '../events.js';
import { readIntegrationCredentials } from '../integrations/index.js';
import { organizationToday } from '../invoices/index.js';
import type { InvoiceSourceConnector } from '../providers/invoices.js';
import { inTransaction, type Scope } from '../scope.js';
import type { Keyring } from '../secrets/index.js';
import { parseInput } from '../validation.js';
import { InvoiceSyncErrorCode } from './error-codes.js';
import { mergeStagedPage } from './merge.js';
import {
  emptyCounts,
  type InvoiceSyncOptions,
  type InvoiceSyncResult,
  invoiceSyncOptionsSchema,
} from './schema.js';
import { STAGE_CHANGED, stagePage } from './stage.js';

/** What a sync needs besides the scope. */
export interface InvoiceSyncDeps {
  /** `providers.invoices`; absent: `INVOICE_SYNC_NOT_CONFIGURED`. */
  source: InvoiceSourceConnector | undefined;
  keyring: () => Keyring;
}

const add = (a: InvoiceSyncCounts, b: InvoiceSyncCounts): InvoiceSyncCounts => ({
  inserted: a.inserted + b.inserted,
  updated: a.updated + b.updated,
  unchanged: a.unchanged + b.unchanged,
  items: a.items + b.items,
});

function requireSource(source: InvoiceSourceConnector | undefined): InvoiceSourceConnector {
  if (source) return source;
  throw new GreenTrackError({
    code: InvoiceSyncErrorCode.INVOICE_SYNC_NOT_CONFIGURED,
    message: 'No invoice source is configured: set providers.invoices in createGreenTrack',
  });
}

/** The account's stored cursor; creates its state row the first time (no cursor yet). */
async function storedCursor(scope: Scope, accountId: string): Promise<string | null> {
  await scope.db
    .insertInto('invoice_sync_state')
    .values({ integration_account_id: accountId, organization_id: scope.organizationId })
    .onConflict((oc) => oc.column('integration_account_id').doNothing())
    .execute();
  const row = await scope.db
    .selectFrom('invoice_sync_state')
    .select('cursor')
    .where('integration_account_id', '=', accountId)
    .executeTakeFirstOrThrow();
  return row.cursor;
}

/**
 * Syncs one integration account (its row must be the scope organization's).
 * @throws `INVOICE_SYNC_IN_PROGRESS` when another sync of it stored a page meanwhile; the
 * source's typed errors (e.g. `ZEROINVOICE_UNAUTHORIZED`) as they come.
 */
export async function syncAccount(
  scope: Scope,
  deps: InvoiceSyncDeps,
  accountId: string,
  options: Omit<InvoiceSyncOptions, 'accountId'> = {},
): Promise<InvoiceSyncCounts & { pages: number }> {
  const connector = requireSource(deps.source);
  const credentials = await readIntegrationCredentials(scope, deps.keyring(), accountId);
  let expected = await storedCursor(scope, accountId);
  const full = options.full === true || expected === null;
  const source = connector.connect(credentials);
  let totals = emptyCounts();
  let pages = 0;
  // Past due is measured at the organization's date, as the invoices module's reads do.
  const today = await organizationToday(scope);
  const feed = source.invoices({
    cursor: options.full ? null : expected,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  for await (const page of feed) {
    options.signal?.throwIfAborted();
    await inTransaction(scope, async (tx) => {
      // The state row's lock serializes two syncs of one account; the cursor tells whether
      // the other one stored a page since this one last looked.
      const state = await tx.db
        .selectFrom('invoice_sync_state')
        .select('cursor')
        .where('integration_account_id', '=', accountId)
        .forUpdate()
        .executeTakeFirst();
      if (!state || state.cursor !== expected)
        throw new GreenTrackError({
          code: InvoiceSyncErrorCode.INVOICE_SYNC_IN_PROGRESS,
          message: 'Another sync of this integration account is storing pages; this one stopped',
          details: { integrationAccountId: accountId },
        });
      const staged = await stagePage(tx.db, page.invoices);
      const merged = await mergeStagedPage(tx.db, scope.organizationId, today, staged);
      // The page's invoices that were written (new, changed, newly paid or linked): their
      // conversion events, all at once, before the staging tables go with the transaction.
      await writeConversionEvents(
        tx,
        sql`SELECT external_invoice_id FROM ${sql.table(STAGE_CHANGED)}`,
      );
      if (page.cursor !== expected)
        await tx.db
          .updateTable('invoice_sync_state')
          .set({ cursor: page.cursor, updated_at: tx.clock.now() })
          .where('integration_account_id', '=', accountId)
          .execute();
      if (merged.inserted + merged.updated > 0)
        await recordAudit(tx, {
          action: 'invoice.sync',
          entity: 'integration_account',
          entityId: accountId,
          after: { ...merged, page: pages + 1 },
        });
      totals = add(totals, merged);
      pages += 1;
      tx.emit('invoice.sync.progress', {
        organizationId: scope.organizationId,
        integrationAccountId: accountId,
        page: pages,
        ...totals,
      });
    });
    expected = page.cursor;
    await options.onProgress?.({ integrationAccountId: accountId, page: pages, ...totals });
  }
  scope.emit('invoice.synced', {
    organizationId: scope.organizationId,
    integrationAccountId: accountId,
    full,
    actor: scope.actor,
    ...totals,
  });
  return { ...totals, pages };
}

/**
 * `org.invoices.sync`: every active `zeroinvoice` account of the organization (or the one
 * named), one after the other.
 * @example const { inserted, updated, unchanged } = await syncInvoices(scope, deps);
 */
export async function syncInvoices(
  scope: Scope,
  deps: InvoiceSyncDeps,
  input: InvoiceSyncOptions = {},
): Promise<InvoiceSyncResult> {
  const { onProgress, signal, ...rest } = input;
  const options = parseInput(invoiceSyncOptionsSchema, rest);
  let query = scope.db
    .selectFrom('integration_accounts')
    .select('id')
    .where('organization_id', '=', scope.organizationId)
    .where('provider', '=', 'zeroinvoice')
    .where('status', '=', 'active');
  if (options.accountId !== undefined) query = query.where('id', '=', options.accountId);
  const accounts = await query.orderBy('created_at').orderBy('id').execute();
  if (options.accountId !== undefined && accounts.length === 0)
    throw new GreenTrackError({
      code: CommonErrorCode.NOT_FOUND,
      message: 'No active zeroinvoice integration account with this id',
    });
  requireSource(deps.source);
  let result: InvoiceSyncResult = { accounts: 0, pages: 0, ...emptyCounts() };
  for (const account of accounts) {
    const synced = await syncAccount(scope, deps, account.id, {
      ...(options.full === undefined ? {} : { full: options.full }),
      ...(onProgress ? { onProgress } : {}),
      ...(signal ? { signal } : {}),
    });
    result = {
      ...add(result, synced),
      accounts: result.accounts + 1,
      pages: result.pages + synced.pages,
    };
  }
  return result;
}
