/**
 * `zeroInvoice({ baseUrl })`: core's `InvoiceSourceConnector` over the REST client.
 *
 * The feed pages through `GET /api/invoices/?updated_since=T&skip=n` ordered by
 * `(updated_at, id)`. The cursor after a page is the last invoice's `updated_at` and how
 * many invoices at exactly that instant were read, so the next page (or the next sync)
 * starts right after it: invoices changed meanwhile get a later `updated_at` and come after.
 */
import {
  GreenTrackError,
  type InvoiceSource,
  type InvoiceSourceConnector,
  type SourceInvoicePage,
} from '@greentrack/core';
import {
  createZeroInvoiceClient,
  type ZeroInvoiceClient,
  type ZeroInvoiceCredentials,
} from './client.js';
import { ZeroInvoiceErrorCode } from './error-codes.js';
import { toSourceInvoice } from './map.js';

/** Options of {@link zeroInvoice}. */
export interface ZeroInvoiceOptions {
  /** Where the API is served, without the prefix. @example 'https://invoices.shop.example' */
  baseUrl: string;
  /** @default '/api' */
  apiPrefix?: string;
  /** @default '/auth/token' */
  tokenPath?: string;
  /** @default globalThis.fetch */
  fetch?: typeof fetch;
  /** Invoices per request and per page given to core (one transaction each). @default 500 */
  pageSize?: number;
  /** @default 30000 */
  timeoutMs?: number;
}

/** What core decrypts from the `integration_accounts` row. */
type Credentials = Parameters<InvoiceSourceConnector['connect']>[0];

const DEFAULT_PAGE_SIZE = 500;
const CLIENT_PAGE_SIZE = 500;

interface FeedCursor {
  /** `updated_at` of the last invoice read. */
  since: string;
  /** Invoices read whose `updated_at` equals `since` exactly. */
  skip: number;
}

function decodeCursor(cursor: string | null): FeedCursor | null {
  if (cursor === null) return null;
  try {
    const value = JSON.parse(cursor) as Partial<FeedCursor>;
    if (typeof value.since === 'string' && Number.isInteger(value.skip) && Number(value.skip) >= 0)
      return { since: value.since, skip: Number(value.skip) };
  } catch {
    // An unreadable cursor (another version's) means a full sync, which is always correct.
  }
  return null;
}

function credentialsOf(credentials: Credentials): ZeroInvoiceCredentials {
  if (credentials.token) return { token: credentials.token };
  if (credentials.username && credentials.password)
    return { username: credentials.username, password: credentials.password };
  throw new GreenTrackError({
    code: ZeroInvoiceErrorCode.ZEROINVOICE_UNAUTHORIZED,
    message: 'ZeroInvoice credentials need `token`, or `username` and `password`',
    details: { issues: [{ path: 'credentials', message: 'token, or username and password' }] },
  });
}

/** Every client's email, by client id (the second way to link an invoice to a customer). */
async function clientEmails(
  client: ZeroInvoiceClient,
  signal: AbortSignal | undefined,
): Promise<Map<string, string>> {
  const emails = new Map<string, string>();
  for (let skip = 0; ; skip += CLIENT_PAGE_SIZE) {
    const page = await client.listClients({ skip, limit: CLIENT_PAGE_SIZE, signal });
    for (const c of page) if (c.email) emails.set(c.id, c.email);
    if (page.length < CLIENT_PAGE_SIZE) return emails;
  }
}

async function* feed(
  client: ZeroInvoiceClient,
  start: FeedCursor | null,
  pageSize: number,
  signal: AbortSignal | undefined,
): AsyncGenerator<SourceInvoicePage> {
  const emails = await clientEmails(client, signal);
  let since = start?.since;
  let skip = start?.skip ?? 0;
  for (;;) {
    const page = await client.listInvoices({
      ...(since === undefined ? {} : { updatedSince: since }),
      skip,
      limit: pageSize,
      signal,
    });
    const last = page.at(-1)?.updated_at;
    let cursor: string | null = null;
    if (last) {
      const atLast = page.filter((i) => i.updated_at === last).length;
      skip = last === since ? skip + atLast : atLast;
      since = last;
      cursor = JSON.stringify({ since, skip } satisfies FeedCursor);
    } else if (page.length > 0) {
      // Invoices without `updated_at`: page on by offset, with no cursor to resume from.
      skip += page.length;
    }
    if (page.length > 0) yield { invoices: page.map((i) => toSourceInvoice(i, emails)), cursor };
    if (page.length < pageSize) return;
  }
}

/**
 * The ZeroInvoice connector for `createGreenTrack({ providers: { invoices } })`.
 * @example
 * import { zeroInvoice } from '@greentrack/adapters/zeroinvoice';
 * const gt = await createGreenTrack({
 *   providers: { invoices: zeroInvoice({ baseUrl: 'https://invoices.shop.example' }) },
 *   secret,
 * });
 * // each organization connects its account once (credentials are encrypted at rest):
 * await org.integrations.create({ provider: 'zeroinvoice', credentials: { username, password } });
 * await org.invoices.sync();
 */
export function zeroInvoice(options: ZeroInvoiceOptions): InvoiceSourceConnector {
  const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
  return {
    provider: 'zeroinvoice',
    connect(credentials): InvoiceSource {
      const client = createZeroInvoiceClient({
        baseUrl: options.baseUrl,
        credentials: credentialsOf(credentials),
        ...(options.apiPrefix === undefined ? {} : { apiPrefix: options.apiPrefix }),
        ...(options.tokenPath === undefined ? {} : { tokenPath: options.tokenPath }),
        ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
        ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
      });
      return {
        invoices: ({ cursor, signal }) => feed(client, decodeCursor(cursor), pageSize, signal),
      };
    },
  };
}
