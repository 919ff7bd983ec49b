/**
 * The worker's invoice status pass: for every organization with open or unlinked invoices,
 * link the invoices whose customer now exists, then apply the overdue rule at that
 * organization's today. Each organization in its own transaction (as the system actor), so
 * one organization's failure does not hold back the others' commits.
 */
import { sql } from 'kysely';
import { recordAudit } from '../audit/index.js';
import type { Clock } from '../clock.js';
import type { DatabaseAccess } from '../db/access.js';
import type { Emit } from '../events.js';
import { inTransaction, systemScope } from '../scope.js';
import { relinkUnlinkedInvoices } from './linking.js';
import { applyInvoiceStatusRules } from './status-rules.js';
import { localDate } from './today.js';

/** What the pass needs from the instance. */
export interface InvoicePassDeps {
  database: DatabaseAccess;
  clock: Clock;
  emit: Emit;
}

/** What one pass changed, over all organizations. */
export interface InvoicePassResult {
  organizations: number;
  overdue: number;
  reopened: number;
  linked: number;
}

/**
 * Runs the pass once. Idempotent: a second run at the same date changes nothing and emits
 * nothing. Due dates are calendar dates, so the pass must run at least daily; the worker
 * runs it hourly (`invoicePassIntervalMs`), which catches each organization's local
 * midnight within the hour whatever its time zone.
 */
export async function runInvoiceStatusPass(deps: InvoicePassDeps): Promise<InvoicePassResult> {
  const { rows: organizations } = await sql<{ id: string; time_zone: string }>`
    SELECT o.id, coalesce(s.time_zone, 'UTC') AS time_zone
    FROM organizations o LEFT JOIN organization_settings s ON s.organization_id = o.id
    WHERE EXISTS (SELECT 1 FROM zeroinvoice_invoices_cache i WHERE i.organization_id = o.id
      AND (i.status IN ('sent', 'overdue') OR i.customer_id IS NULL))
    ORDER BY o.id`.execute(
    deps.database.system('the invoice status pass finds organizations with open invoices'),
  );
  const total: InvoicePassResult = { organizations: 0, overdue: 0, reopened: 0, linked: 0 };
  for (const organization of organizations) {
    const today = localDate(deps.clock.now(), organization.time_zone);
    await inTransaction(systemScope(deps, organization.id), async (tx) => {
      const linked = await relinkUnlinkedInvoices(tx);
      if (linked > 0)
        await recordAudit(tx, { action: 'invoice.relink', entity: 'invoice', after: { linked } });
      const changes = await applyInvoiceStatusRules(tx, { today });
      total.organizations++;
      total.overdue += changes.overdue;
      total.reopened += changes.reopened;
      total.linked += linked;
    });
  }
  return total;
}
