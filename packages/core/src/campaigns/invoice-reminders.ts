/**
 * Overdue reminders are campaigns: a campaign whose segment requires the `overdue_invoice`
 * predicate (the rule itself, or a condition of its top-level `all`) is a reminder. The
 * campaign engine gives it consent, quiet hours and frequency caps; this file gives it the
 * two things a reminder adds, both set-based, one statement per claimed batch:
 *
 * - **the invoice**: each recipient's message carries the invoice it reminds of
 *   (`invoice.*` in the template), their most overdue one still matching the predicate;
 * - **"stop reminding the moment it is paid"**: a recipient with no invoice matching any
 *   more at send time (paid, voided or settled since the audience snapshot) is skipped, as
 *   a recipient who withdrew consent is.
 *
 * ```sql
 * SELECT DISTINCT ON (i.customer_id) i.customer_id, i.id, …, (SELECT jsonb_agg(…) FROM zeroinvoice_invoice_items_cache t WHERE t.invoice_id = i.id) AS items
 *   FROM zeroinvoice_invoices_cache i
 *  WHERE i.organization_id = $1 AND i.customer_id IN (<the batch>) AND <overdueInvoiceSql>
 *  ORDER BY i.customer_id, i.due_date, i.id
 * ```
 */
import { sql } from 'kysely';
import { toJson } from '../db/values.js';
import type { MessageInvoice } from '../providers/message-render.js';
import type { Scope } from '../scope.js';
import {
  type OverdueCriteria,
  overdueInvoiceSql,
  type Predicate,
  type Rule,
  segmentDefinition,
} from '../segments/index.js';
import {
  type InvoiceItemVariablesRow,
  type InvoiceVariablesRow,
  toTemplateInvoice,
} from '../templates/index.js';

/** The reason recorded on a reminder's delivery skipped because its invoice is settled. */
export const INVOICE_SETTLED_REASON = 'no overdue invoice any more (paid after the snapshot)';

type OverduePredicate = Extract<Predicate, { field: 'overdue_invoice' }>;

/** The `overdue_invoice` predicate every member must satisfy, or null (not a reminder). */
function requiredOverduePredicate(rule: Rule | undefined): OverduePredicate | null {
  if (rule === undefined) return null;
  if ('all' in rule) {
    for (const child of rule.all) {
      const found = requiredOverduePredicate(child);
      if (found) return found;
    }
    return null;
  }
  return 'field' in rule && rule.field === 'overdue_invoice' ? rule : null;
}

/**
 * The overdue criteria of the campaign's segment when the campaign is a reminder, else
 * null. One statement per run (the segment's definition), none per message.
 */
export async function reminderCriteria(
  scope: Scope,
  campaignId: string,
): Promise<OverdueCriteria | null> {
  const campaign = await scope.db
    .selectFrom('campaigns')
    .select('segment_id')
    .where('id', '=', campaignId)
    .where('organization_id', '=', scope.organizationId)
    .executeTakeFirst();
  if (!campaign?.segment_id) return null;
  const { rule } = await segmentDefinition(scope, campaign.segment_id);
  const predicate = requiredOverduePredicate(rule);
  return predicate && { days: predicate.days, amountDue: predicate.amount_due };
}

interface OverdueRow extends InvoiceVariablesRow {
  customer_id: string;
  items: InvoiceItemVariablesRow[];
}

/**
 * Customer id → the invoice to remind them of (the most overdue one still matching
 * `criteria` now), for the customers of a batch; customers with none are absent.
 */
export async function overdueInvoicesOf(
  scope: Scope,
  criteria: OverdueCriteria,
  customerIds: readonly string[],
): Promise<Map<string, MessageInvoice>> {
  const byCustomer = new Map<string, MessageInvoice>();
  if (customerIds.length === 0) return byCustomer;
  const { rows } = await sql<OverdueRow>`
    SELECT DISTINCT ON (i.customer_id)
           i.customer_id, i.id, i.external_invoice_id, i.status, i.currency, i.subtotal_cents,
           i.tax_cents, i.total_cents, i.amount_due_cents, i.due_date::text AS due_date,
           i.stripe_payment_link,
           coalesce((SELECT jsonb_agg(jsonb_build_object(
                               'name', t.name, 'description', t.description, 'quantity', t.quantity,
                               'unit_price_cents', t.unit_price_cents, 'total_cents', t.total_cents)
                             ORDER BY t.position, t.id)
                       FROM zeroinvoice_invoice_items_cache t WHERE t.invoice_id = i.id), '[]'::jsonb) AS items
      FROM zeroinvoice_invoices_cache i
     WHERE i.organization_id = ${scope.organizationId}
       AND i.customer_id IN (SELECT value::uuid FROM jsonb_array_elements_text(${toJson([...customerIds])}::jsonb))
       AND ${overdueInvoiceSql('i', criteria, scope.clock.now())}
     ORDER BY i.customer_id, i.due_date, i.id`.execute(scope.db);
  for (const row of rows) byCustomer.set(row.customer_id, toTemplateInvoice(row, row.items));
  return byCustomer;
}
