/**
 * The invoice-sync module's webhook handler: `invoice` effects (Stripe `invoice.*`,
 * ZeroInvoice `invoice.*`) written into the cache by the sync's own staged merge (same link,
 * status and "unchanged writes nothing" rules), but only when they are newer than the state
 * the cache last took from a webhook.
 *
 * Order: a state is newer when its source time (`SourceInvoice.updatedAt`) is later; at the
 * same time (Stripe's events carry whole seconds, and `invoice.finalized` and `invoice.paid`
 * often share one), the state further along its life wins (draft < sent/overdue <
 * paid/void), then the smaller amount due, then (two different payloads of one instant and
 * stage, say `invoice.finalized` and `invoice.sent`) the larger SHA-256 of the payload: an
 * arbitrary but fixed pick, so both orders keep the same one. Duplicates and older states then write nothing,
 * so any delivery order ends in the same row. A state without a time is taken as it comes
 * (and forgets the stored time), as the sync's are.
 */
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { recordAudit } from '../audit/index.js';
import type { InvoiceStatus } from '../db/types.js';
import { organizationToday } from '../invoices/index.js';
import type { WebhookHandler } from '../module.js';
import { lockInvoiceKeys, settleInvoices } from '../payments/index.js';
import type { SourceInvoice } from '../providers/invoices.js';
import type { Scope } from '../scope.js';
import { mergeStagedPage } from './merge.js';
import { dropStagedPage, stagePage } from './stage.js';

/** One state of an invoice as the order compares it. */
export interface SourceState {
  updatedAt: Date;
  status: InvoiceStatus;
  amountDueCents: number;
  /** SHA-256 of the source's payload (`raw`): orders two different states of one instant. */
  hash: string;
}

const LIFE: Readonly<Record<InvoiceStatus, number>> = {
  draft: 0,
  sent: 1,
  overdue: 1,
  paid: 2,
  void: 2,
};

/**
 * Positive when `a` is a later state than `b`, negative when earlier, 0 when the order
 * cannot tell them apart (the stored one is kept).
 * @example compareSourceStates(paidAt10s, openAt10s) > 0 // same second: paid is further along
 */
export function compareSourceStates(a: SourceState, b: SourceState): number {
  return (
    a.updatedAt.getTime() - b.updatedAt.getTime() ||
    LIFE[a.status] - LIFE[b.status] ||
    b.amountDueCents - a.amountDueCents ||
    (a.hash === b.hash ? 0 : a.hash > b.hash ? 1 : -1)
  );
}

const stateOf = (invoice: SourceInvoice): SourceState | null =>
  invoice.updatedAt
    ? {
        updatedAt: invoice.updatedAt,
        status: invoice.status,
        amountDueCents: invoice.amountDueCents,
        hash: createHash('sha256')
          .update(JSON.stringify(invoice.raw ?? null))
          .digest('hex'),
      }
    : null;

/** The newest state of each invoice among the effects. */
function newestOfEach(invoices: readonly SourceInvoice[]): SourceInvoice[] {
  const newest = new Map<string, SourceInvoice>();
  for (const invoice of invoices) {
    const seen = newest.get(invoice.externalInvoiceId);
    const a = stateOf(invoice);
    const b = seen && stateOf(seen);
    if (!seen || !a || !b || compareSourceStates(a, b) > 0)
      newest.set(invoice.externalInvoiceId, invoice);
  }
  return [...newest.values()];
}

/** The states the cache last took from a webhook, by external id. */
async function storedStates(tx: Scope, ids: readonly string[]): Promise<Map<string, SourceState>> {
  const rows = await tx.db
    .selectFrom('invoice_source_versions as v')
    .innerJoin('zeroinvoice_invoices_cache as i', 'i.id', 'v.invoice_id')
    .select([
      'i.external_invoice_id',
      'v.source_updated_at',
      'v.status',
      'v.amount_due_cents',
      'v.state_hash',
    ])
    .where('i.organization_id', '=', tx.organizationId)
    .where('i.external_invoice_id', 'in', ids)
    .execute();
  return new Map(
    rows.map((r) => [
      r.external_invoice_id,
      {
        updatedAt: new Date(r.source_updated_at),
        status: r.status,
        amountDueCents: r.amount_due_cents,
        hash: r.state_hash,
      },
    ]),
  );
}

/** Stores the written states' times (and forgets the time of those that came without one). */
async function rememberStates(tx: Scope, invoices: readonly SourceInvoice[]): Promise<void> {
  const timed = invoices.flatMap((invoice) => {
    const state = stateOf(invoice);
    return state ? [{ id: invoice.externalInvoiceId, ...state }] : [];
  });
  const untimed = invoices.filter((i) => !i.updatedAt).map((i) => i.externalInvoiceId);
  if (timed.length > 0) {
    await sql`
      INSERT INTO invoice_source_versions AS v
        (invoice_id, organization_id, source_updated_at, status, amount_due_cents, state_hash,
         updated_at)
      SELECT i.id, i.organization_id, s.at, s.status, s.due, s.hash, ${tx.clock.now()}
      FROM unnest(${timed.map((s) => s.id)}::text[],
                  ${timed.map((s) => s.updatedAt.toISOString())}::timestamptz[],
                  ${timed.map((s) => s.status)}::text[],
                  ${timed.map((s) => s.amountDueCents)}::int[],
                  ${timed.map((s) => s.hash)}::text[]) AS s(external_invoice_id, at, status, due, hash)
      JOIN zeroinvoice_invoices_cache i
        ON i.organization_id = ${tx.organizationId} AND i.external_invoice_id = s.external_invoice_id
      ON CONFLICT (invoice_id) DO UPDATE SET
        source_updated_at = EXCLUDED.source_updated_at, status = EXCLUDED.status,
        amount_due_cents = EXCLUDED.amount_due_cents, state_hash = EXCLUDED.state_hash,
        updated_at = EXCLUDED.updated_at`.execute(tx.db);
  }
  if (untimed.length > 0) {
    await sql`
      DELETE FROM invoice_source_versions v USING zeroinvoice_invoices_cache i
      WHERE v.invoice_id = i.id AND i.organization_id = ${tx.organizationId}
        AND i.external_invoice_id = ANY(${untimed}::text[])`.execute(tx.db);
  }
}

/**
 * Writes the invoices of one stored webhook that are newer than the cache's, in its
 * processing transaction: staged and merged as a sync page is, their source states
 * remembered, then settled against the payments recorded after them.
 */
export const applyInvoiceEffects: WebhookHandler<'invoice'> = async (tx, effects, context) => {
  const candidates = newestOfEach(effects.map((effect) => effect.invoice));
  if (candidates.length === 0) return undefined;
  const ids = candidates.map((i) => i.externalInvoiceId);
  await lockInvoiceKeys(tx, ids);
  const stored = await storedStates(tx, ids);
  const fresh = candidates.filter((invoice) => {
    const incoming = stateOf(invoice);
    const current = stored.get(invoice.externalInvoiceId);
    return !incoming || !current || compareSourceStates(incoming, current) > 0;
  });
  if (fresh.length === 0) return undefined;
  const today = await organizationToday(tx);
  const staged = await stagePage(tx.db, fresh);
  const merged = await mergeStagedPage(tx.db, tx.organizationId, today, staged);
  await dropStagedPage(tx.db);
  await rememberStates(tx, fresh);
  await settleInvoices(
    tx,
    fresh.map((i) => i.externalInvoiceId),
  );
  if (merged.inserted + merged.updated > 0)
    await recordAudit(tx, {
      action: 'invoice.webhook',
      entity: 'webhook',
      entityId: context.webhook.id,
      after: { ...merged, provider: context.webhook.provider },
    });
  return undefined;
};
