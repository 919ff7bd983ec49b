/**
 * An invoice's payment link: the stored one while it still charges the amount due, else a
 * new one made through the organization's own payments account (its active integration
 * account of the connector's provider) and stored on the invoice with an audit row.
 *
 * The provider call runs outside any transaction (no row lock held across the network).
 * Two calls racing for the same invoice and amount send the same idempotency key, so the
 * provider answers both with ONE link; the second store finds it already there.
 */
import { recordAudit } from '../audit/index.js';
import { GreenTrackError, isGreenTrackError } from '../errors.js';
import { readIntegrationCredentials } from '../integrations/index.js';
import { type CachedInvoice, requireInvoice } from '../invoices/index.js';
import { ProviderError } from '../providers/messaging.js';
import type { PaymentLinkConnector, PaymentLinkProvider } from '../providers/payments.js';
import { inTransaction, type Scope } from '../scope.js';
import type { Keyring } from '../secrets/index.js';
import { PaymentLinkErrorCode } from './error-codes.js';
import type { PaymentLinkOut } from './schema.js';

/** The invoice with what its stored link charges (`invoice_payment_links`, migration 0026). */
type InvoiceRow = CachedInvoice & {
  link_id: string | null;
  link_amount_cents: number | null;
  link_currency: string | null;
};

/** What making a link needs from the instance. */
export interface PaymentLinkDeps {
  connector: PaymentLinkConnector | undefined;
  keyring: () => Keyring;
}

/** The seed's column default, for an invoice synced without one. */
const DEFAULT_CURRENCY = 'usd';

/**
 * The organization's invoice (locked with `forUpdate`) and what its stored link charges.
 * @throws `INVOICE_NOT_FOUND`
 */
async function invoiceWithLink(
  scope: Scope,
  invoiceId: string,
  forUpdate = false,
): Promise<InvoiceRow> {
  const invoice = await requireInvoice(scope, invoiceId, { forUpdate });
  const link = await scope.db
    .selectFrom('invoice_payment_links')
    .select(['provider_link_id', 'amount_cents', 'currency'])
    .where('invoice_id', '=', invoice.id)
    .where('organization_id', '=', scope.organizationId)
    .executeTakeFirst();
  return {
    ...invoice,
    link_id: link?.provider_link_id ?? null,
    link_amount_cents: link?.amount_cents ?? null,
    link_currency: link?.currency ?? null,
  };
}

/** What a link for this invoice must charge now; throws when nothing can be paid. */
function amountDue(invoice: InvoiceRow): { amountCents: number; currency: string } {
  if (invoice.status === 'paid' || invoice.status === 'void') {
    throw new GreenTrackError({
      code: PaymentLinkErrorCode.INVOICE_NOT_PAYABLE,
      message: `Invoice ${invoice.external_invoice_id} is ${invoice.status}: there is nothing to pay`,
      details: { status: invoice.status },
    });
  }
  const amountCents = invoice.amount_due_cents ?? invoice.total_cents ?? 0;
  if (amountCents <= 0) {
    throw new GreenTrackError({
      code: PaymentLinkErrorCode.INVOICE_NOT_PAYABLE,
      message: `Invoice ${invoice.external_invoice_id} has no amount due`,
      details: { status: invoice.status, amount_due_cents: amountCents },
    });
  }
  return { amountCents, currency: (invoice.currency ?? DEFAULT_CURRENCY).toLowerCase() };
}

/** The stored link, if it was made for exactly this amount and currency. */
function storedLink(
  invoice: InvoiceRow,
  due: { amountCents: number; currency: string },
): PaymentLinkOut | null {
  if (
    invoice.stripe_payment_link === null ||
    invoice.link_id === null ||
    invoice.link_amount_cents !== due.amountCents ||
    invoice.link_currency !== due.currency
  ) {
    return null;
  }
  return {
    invoice_id: invoice.id,
    url: invoice.stripe_payment_link,
    provider: 'stripe',
    provider_link_id: invoice.link_id,
    amount_cents: due.amountCents,
    currency: due.currency,
    created: false,
  };
}

/**
 * The key the provider deduplicates on: the same invoice and amount always send the same
 * one, so a retried or concurrent call gets the link already made; a new amount due (a
 * partial payment) sends a new key and gets a new link.
 */
function paymentLinkIdempotencyKey(
  invoiceId: string,
  due: { amountCents: number; currency: string },
): string {
  return `greentrack-payment-link:${invoiceId}:${due.amountCents}:${due.currency}`;
}

/** The organization's payments account, connected. */
async function connectAccount(scope: Scope, deps: PaymentLinkDeps): Promise<PaymentLinkProvider> {
  const { connector } = deps;
  if (connector === undefined) {
    throw new GreenTrackError({
      code: PaymentLinkErrorCode.PAYMENT_LINKS_NOT_CONFIGURED,
      message:
        'No payments provider is configured: set providers.payments in createGreenTrack (e.g. stripePayments())',
    });
  }
  const account = await scope.db
    .selectFrom('integration_accounts')
    .select('id')
    .where('organization_id', '=', scope.organizationId)
    .where('provider', '=', connector.provider)
    .where('status', '=', 'active')
    .orderBy('created_at')
    .orderBy('id')
    .executeTakeFirst();
  if (!account) {
    throw new GreenTrackError({
      code: PaymentLinkErrorCode.PAYMENT_ACCOUNT_MISSING,
      message: `The organization has no active ${connector.provider} account: connect one under integrations`,
      details: { provider: connector.provider },
    });
  }
  const credentials = await readIntegrationCredentials(scope, deps.keyring(), account.id);
  try {
    return connector.connect(credentials);
  } catch (error) {
    if (isGreenTrackError(error)) throw error;
    throw new GreenTrackError({
      code: PaymentLinkErrorCode.PAYMENT_ACCOUNT_INVALID,
      message: `The organization's ${connector.provider} account cannot be used: ${error instanceof Error ? error.message : String(error)}`,
      details: { provider: connector.provider, integrationAccountId: account.id },
      cause: error,
    });
  }
}

function providerFailed(error: ProviderError, provider: string): GreenTrackError {
  return new GreenTrackError({
    code: PaymentLinkErrorCode.PAYMENT_PROVIDER_FAILED,
    message: `The ${provider} payment link could not be made: ${error.message}`,
    details: {
      provider,
      providerCode: error.code,
      // A transient failure may succeed later, and the same key then returns the same link.
      retryable: error.kind === 'transient',
      ...(error.retryAfterMs !== undefined && { retryAfterMs: error.retryAfterMs }),
    },
    cause: error,
  });
}

/**
 * The invoice's payment link (see the module comment).
 * @throws `INVOICE_NOT_FOUND`, `INVOICE_NOT_PAYABLE` (paid, void, nothing due),
 * `PAYMENT_LINKS_NOT_CONFIGURED`, `PAYMENT_ACCOUNT_MISSING`, `PAYMENT_ACCOUNT_INVALID`,
 * `PAYMENT_PROVIDER_FAILED`
 */
export async function invoicePaymentLink(
  scope: Scope,
  deps: PaymentLinkDeps,
  invoiceId: string,
  options: { signal?: AbortSignal } = {},
): Promise<PaymentLinkOut> {
  const invoice = await invoiceWithLink(scope, invoiceId);
  const due = amountDue(invoice);
  const existing = storedLink(invoice, due);
  if (existing) return existing;

  const provider = await connectAccount(scope, deps);
  const providerName = deps.connector?.provider ?? 'stripe';
  let link: { id: string; url: string };
  try {
    link = await provider.createPaymentLink(
      {
        organizationId: scope.organizationId,
        invoiceId: invoice.id,
        externalInvoiceId: invoice.external_invoice_id,
        amountCents: due.amountCents,
        currency: due.currency,
        description: `Invoice ${invoice.external_invoice_id}`,
        idempotencyKey: paymentLinkIdempotencyKey(invoice.id, due),
      },
      options,
    );
  } catch (error) {
    if (error instanceof ProviderError) throw providerFailed(error, providerName);
    throw error;
  }

  return inTransaction(scope, async (tx) => {
    const current = await invoiceWithLink(tx, invoice.id, true);
    const made: PaymentLinkOut = {
      invoice_id: current.id,
      url: link.url,
      provider: 'stripe',
      provider_link_id: link.id,
      amount_cents: due.amountCents,
      currency: due.currency,
      created: true,
    };
    // A concurrent call stored this very link (same key, same link): nothing to change.
    if (current.link_id === link.id) return made;
    await tx.db
      .updateTable('zeroinvoice_invoices_cache')
      .set({ stripe_payment_link: link.url, updated_at: tx.clock.now() })
      .where('id', '=', current.id)
      .where('organization_id', '=', tx.organizationId)
      .execute();
    // What the link charges, even if the amount due moved meanwhile: the next call then
    // sees the mismatch and makes a link for the new amount.
    const charges = {
      provider: providerName,
      provider_link_id: link.id,
      url: link.url,
      amount_cents: due.amountCents,
      currency: due.currency,
    };
    await tx.db
      .insertInto('invoice_payment_links')
      .values({ invoice_id: current.id, organization_id: tx.organizationId, ...charges })
      .onConflict((oc) => oc.column('invoice_id').doUpdateSet(charges))
      .execute();
    await recordAudit(tx, {
      action: 'invoice.payment_link',
      entity: 'invoice',
      entityId: current.id,
      before: {
        stripe_payment_link: current.stripe_payment_link,
        amount_cents: current.link_amount_cents,
      },
      after: {
        stripe_payment_link: link.url,
        provider_link_id: link.id,
        amount_cents: due.amountCents,
        currency: due.currency,
      },
    });
    return made;
  });
}
