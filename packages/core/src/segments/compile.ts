/**
 * Compiles a rule tree into ONE parameterized Kysely boolean expression over the
 * `customers` table. Every value of the tree travels as a bind parameter: the SQL text
 * depends only on the tree's shape (the fuzz test in `segments.test.ts` checks this).
 *
 * NULL-safety: each predicate yields TRUE or FALSE, never NULL (nullable columns are
 * guarded with `IS NOT NULL`, sums are `coalesce`d, a comparison with a `max()` that may
 * have no rows is `coalesce`d to FALSE), so `not` is an exact complement.
 *
 * @example
 * const expr = compileRule({ field: 'tags', op: 'has_any', values: ['vip'] }, { organizationId, now });
 * await db.selectFrom('customers').select('id').where(expr).execute();
 * // WHERE ("customers"."organization_id" = $1 AND EXISTS (SELECT 1 FROM customer_tags ct
 * //   JOIN tags t ON t.id = ct.tag_id WHERE ct.customer_id = "customers"."id"
 * //   AND t.organization_id = $2 AND lower(t.name) IN ($3)))
 */
import { type Expression, type RawBuilder, type SqlBool, sql } from 'kysely';
import { consentAllowsSql } from '../consent/index.js';
import { overdueInvoiceSql } from './overdue-invoice.js';
import type { Predicate, Rule } from './rule-schema.js';

/** What a compiled rule depends on besides the tree. */
export interface CompileOptions {
  /** Every subquery (and the customers themselves) is confined to this organization. */
  organizationId: string;
  /** The clock relative windows (`within_days`, `days`) count back from. */
  now: Date;
}

const DAY_MS = 86_400_000;
const col = (name: string) => sql.ref(`customers.${name}`);

/** `%text%` for ILIKE with `\`, `%` and `_` escaped, so the text is matched literally. */
function containsPattern(value: string): string {
  return `%${value.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

function daysBefore(now: Date, days: number): Date {
  return new Date(now.getTime() - days * DAY_MS);
}

/** A lower-cased IN list: `lower(col) IN ($1, $2)`. */
function inLowered(expr: RawBuilder<unknown>, values: readonly string[]): RawBuilder<SqlBool> {
  const list = sql.join(values.map((v) => sql`${v.toLowerCase()}`));
  return sql<SqlBool>`lower(${expr}) IN (${list})`;
}

function distinctLowered(values: readonly string[]): string[] {
  return [...new Set(values.map((v) => v.toLowerCase()))];
}

/** `measure > value` or `measure < value`; `measure` must never be NULL. */
function compare(
  measure: RawBuilder<unknown>,
  op: 'gt' | 'lt',
  value: number,
): RawBuilder<SqlBool> {
  return op === 'gt' ? sql<SqlBool>`${measure} > ${value}` : sql<SqlBool>`${measure} < ${value}`;
}

/**
 * FROM/WHERE of a customer's succeeded payments. A payment names its invoice only by the
 * external id, which is unique per organization alone, so the join carries the organization
 * too (another tenant may use the same invoice number).
 */
function succeededPayments(org: string, id: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`FROM payments p JOIN zeroinvoice_invoices_cache i ON i.organization_id = p.organization_id AND i.external_invoice_id = p.external_invoice_id WHERE p.organization_id = ${org} AND i.customer_id = ${id} AND p.status = 'succeeded'`;
}

/** Compiles one predicate (a leaf) into a TRUE/FALSE expression. */
function compilePredicate(p: Predicate, options: CompileOptions): RawBuilder<SqlBool> {
  const org = options.organizationId;
  const id = col('id');
  switch (p.field) {
    case 'type':
      return sql<SqlBool>`${col('type')} = ${p.value}`;
    case 'name':
    case 'notes':
      return sql<SqlBool>`(${col(p.field)} IS NOT NULL AND ${col(p.field)} ILIKE ${containsPattern(p.value)})`;
    case 'email_domain':
      // `email` is citext, whose split_part is a case-insensitive regex split; the text
      // version is ~3× faster per row (measured on 1M customers).
      return sql<SqlBool>`(${col('email')} IS NOT NULL AND lower(split_part(${col('email')}::text, '@', 2)) = ${p.value.toLowerCase()})`;
    case 'city':
    case 'state':
    case 'postal_code':
    case 'country': {
      const c = col(p.field);
      if (p.op === 'eq')
        return sql<SqlBool>`(${c} IS NOT NULL AND lower(${c}) = ${p.value.toLowerCase()})`;
      return sql<SqlBool>`(${c} IS NOT NULL AND ${inLowered(sql`${c}`, p.values)})`;
    }
    case 'created_at':
    case 'updated_at': {
      const c = col(p.field);
      if (p.op === 'within_days') return sql<SqlBool>`${c} >= ${daysBefore(options.now, p.days)}`;
      const parts: RawBuilder<SqlBool>[] = [];
      if (p.from !== undefined) parts.push(sql<SqlBool>`${c} >= ${new Date(p.from)}`);
      if (p.to !== undefined) parts.push(sql<SqlBool>`${c} < ${new Date(p.to)}`);
      return sql<SqlBool>`(${sql.join(parts, sql` AND `)})`;
    }
    case 'tags': {
      // The list keeps duplicates so the SQL text depends only on the list's length.
      const from = sql`FROM customer_tags ct JOIN tags t ON t.id = ct.tag_id WHERE ct.customer_id = ${id} AND t.organization_id = ${org} AND ${inLowered(sql`t.name`, p.values)}`;
      if (p.op === 'has_any') return sql<SqlBool>`EXISTS (SELECT 1 ${from})`;
      if (p.op === 'has_none') return sql<SqlBool>`NOT EXISTS (SELECT 1 ${from})`;
      return sql<SqlBool>`(SELECT count(DISTINCT lower(t.name)) ${from}) = ${distinctLowered(p.values).length}`;
    }
    case 'consent': {
      // The consent module's own policy semantics (stored status + org policy + address).
      const allows = consentAllowsSql(org, p.channel);
      return p.op === 'subscribed' ? allows : sql<SqlBool>`NOT ${allows}`;
    }
    case 'invoice_status':
      return sql<SqlBool>`EXISTS (SELECT 1 FROM zeroinvoice_invoices_cache i WHERE i.organization_id = ${org} AND i.customer_id = ${id} AND i.status = ${p.value})`;
    case 'overdue_amount':
      return sql<SqlBool>`coalesce((SELECT sum(i.amount_due_cents) FROM zeroinvoice_invoices_cache i WHERE i.organization_id = ${org} AND i.customer_id = ${id} AND i.status = 'overdue'), 0) > ${p.value}`;
    case 'overdue_invoice': {
      const overdue = overdueInvoiceSql(
        'i',
        { days: p.days, amountDue: p.amount_due },
        options.now,
      );
      return sql<SqlBool>`EXISTS (SELECT 1 FROM zeroinvoice_invoices_cache i WHERE i.organization_id = ${org} AND i.customer_id = ${id} AND ${overdue})`;
    }
    case 'paid_total': {
      const since = daysBefore(options.now, p.days);
      const total = sql`coalesce((SELECT sum(p.amount_cents) ${succeededPayments(org, id)} AND coalesce(p.processed_at, p.created_at) >= ${since}), 0)`;
      return compare(total, p.op, p.value);
    }
    case 'never_paid':
      return sql<SqlBool>`NOT EXISTS (SELECT 1 ${succeededPayments(org, id)})`;
    case 'last_paid':
      // max() of no payments is NULL; coalescing the comparison to FALSE keeps never-paid
      // customers out here and in the complement under `not`.
      return sql<SqlBool>`coalesce((SELECT max(coalesce(p.processed_at, p.created_at)) ${succeededPayments(org, id)}) < ${daysBefore(options.now, p.days)}, FALSE)`;
    case 'invoice_count':
    case 'invoice_total': {
      // The window is on `created_at`, which leads the (customer_id, organization_id,
      // created_at) index after the two equalities, so each customer is one range scan.
      const measure =
        p.field === 'invoice_count' ? sql`count(*)` : sql`coalesce(sum(i.total_cents), 0)`;
      const value = sql`(SELECT ${measure} FROM zeroinvoice_invoices_cache i WHERE i.organization_id = ${org} AND i.customer_id = ${id} AND i.status IN ('sent', 'paid', 'overdue') AND i.created_at >= ${daysBefore(options.now, p.days)})`;
      return compare(value, p.op, p.value);
    }
    case 'engagement':
      return compileEngagement(p, org, id, daysBefore(options.now, p.days));
    case 'event': {
      // The value travels JSON-encoded and is cast to jsonb, so strings, numbers and
      // booleans share one SQL text; `::text` picks `jsonb -> text` over `jsonb -> int`.
      const property =
        p.property === undefined
          ? sql``
          : sql` AND e.properties -> ${p.property.key}::text = ${JSON.stringify(p.property.value)}::jsonb`;
      // LIMIT k: a customer with thousands of matching events stops being read at the k-th.
      return sql<SqlBool>`(SELECT count(*) FROM (SELECT 1 FROM events e WHERE e.organization_id = ${org} AND e.customer_id = ${id} AND e.name = ${p.name} AND e.occurred_at >= ${daysBefore(options.now, p.days)}${property} LIMIT ${p.value}) k) >= ${p.value}`;
    }
  }
}

/** The `engagement` predicate (see its schema for what each `op` counts). */
function compileEngagement(
  p: Extract<Predicate, { field: 'engagement' }>,
  org: string,
  id: RawBuilder<unknown>,
  since: Date,
): RawBuilder<SqlBool> {
  // `COALESCE(sent_at, created_at)` is the expression of the messages timeline index, so
  // each customer's window is one index range scan.
  if (p.op === 'not_messaged')
    return sql<SqlBool>`NOT EXISTS (SELECT 1 FROM messages m WHERE m.organization_id = ${org} AND m.customer_id = ${id} AND m.status <> 'failed' AND COALESCE(m.sent_at, m.created_at) >= ${since})`;
  // Runs carry no organization of their own: the campaign's organization confines them.
  const campaign =
    p.campaign_id === undefined
      ? sql``
      : sql` AND EXISTS (SELECT 1 FROM campaign_runs r JOIN campaigns c ON c.id = r.campaign_id WHERE r.id = m.campaign_run_id AND r.campaign_id = ${p.campaign_id} AND c.organization_id = ${org})`;
  if (p.op === 'received')
    // Same as `m.sent_at >= since` (a non-NULL sent_at is what COALESCE yields), written so
    // the timeline index bounds the scan.
    return sql<SqlBool>`EXISTS (SELECT 1 FROM messages m WHERE m.organization_id = ${org} AND m.customer_id = ${id} AND m.status IN ('sent', 'delivered') AND m.sent_at IS NOT NULL AND COALESCE(m.sent_at, m.created_at) >= ${since}${campaign})`;
  // Events are found through the customer's messages, then the (message_id, type,
  // occurred_at) unique index.
  const type = p.op === 'opened' ? sql`'open'` : sql`'click'`;
  return sql<SqlBool>`EXISTS (SELECT 1 FROM messages m JOIN message_events e ON e.message_id = m.id WHERE m.organization_id = ${org} AND m.customer_id = ${id} AND e.organization_id = ${org} AND e.type = ${type} AND e.occurred_at >= ${since}${campaign})`;
}

/** Compiles a node without the organization guard (see {@link compileRule}). */
export function compileNode(rule: Rule, options: CompileOptions): RawBuilder<SqlBool> {
  if ('all' in rule) {
    return sql<SqlBool>`(${sql.join(
      rule.all.map((r) => compileNode(r, options)),
      sql` AND `,
    )})`;
  }
  if ('any' in rule) {
    return sql<SqlBool>`(${sql.join(
      rule.any.map((r) => compileNode(r, options)),
      sql` OR `,
    )})`;
  }
  if ('not' in rule) return sql<SqlBool>`NOT ${compileNode(rule.not, options)}`;
  return compilePredicate(rule, options);
}

/**
 * The rule as a WHERE expression on `selectFrom('customers')` (the table must be reachable
 * as `customers`), confined to `organizationId`. Pass an already validated rule (see
 * `parseRule`).
 *
 * @example
 * const where = compileRule(rule, { organizationId, now: scope.clock.now() });
 * db.selectFrom('customers').select('id').where(where).compile().sql;
 * // select "id" from "customers" where ("customers"."organization_id" = $1 AND "customers"."type" = $2)
 */
export function compileRule(rule: Rule, options: CompileOptions): Expression<SqlBool> {
  return sql<SqlBool>`(${col('organization_id')} = ${options.organizationId} AND ${compileNode(rule, options)})`;
}
