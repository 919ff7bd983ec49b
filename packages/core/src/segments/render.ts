/**
 * A readable, SQL-like rendering of a rule for `segments.rule_sql`: display only, it is
 * never executed (values are quoted for reading, not for safety).
 *
 * @example
 * renderRule({ all: [{ field: 'type', op: 'eq', value: 'lead' }, { field: 'tags', op: 'has_any', values: ['vip'] }] });
 * // "(type = 'lead' AND tags HAS ANY ('vip'))"
 */
import type { Predicate, Rule } from './rule-schema.js';

const quote = (v: string) => `'${v.replace(/'/g, "''")}'`;
const list = (vs: readonly string[]) => `(${vs.map(quote).join(', ')})`;
const cents = (n: number) => `${n} cents`;
const lastDays = (days: number) => `WITHIN LAST ${days} DAYS`;
/** A property value as written in the rule: strings quoted, numbers and booleans bare. */
const literal = (v: string | number | boolean) => (typeof v === 'string' ? quote(v) : String(v));
const engagementVerb = {
  received: 'RECEIVED',
  opened: 'OPENED',
  clicked: 'CLICKED',
} as const;

/** One predicate, rendered. Also the label `previewRule` reports as "matched". */
function renderPredicate(p: Predicate): string {
  switch (p.field) {
    case 'type':
      return `type = ${quote(p.value)}`;
    case 'name':
    case 'notes':
      return `${p.field} CONTAINS ${quote(p.value)}`;
    case 'email_domain':
      return `email_domain = ${quote(p.value)}`;
    case 'city':
    case 'state':
    case 'postal_code':
    case 'country':
      return p.op === 'eq' ? `${p.field} = ${quote(p.value)}` : `${p.field} IN ${list(p.values)}`;
    case 'created_at':
    case 'updated_at': {
      if (p.op === 'within_days') return `${p.field} ${lastDays(p.days)}`;
      const parts: string[] = [];
      if (p.from !== undefined) parts.push(`${p.field} >= ${quote(p.from)}`);
      if (p.to !== undefined) parts.push(`${p.field} < ${quote(p.to)}`);
      return parts.join(' AND ');
    }
    case 'tags':
      return `tags ${p.op.replace('_', ' ').toUpperCase()} ${list(p.values)}`;
    case 'consent':
      return `consent.${p.channel} = ${p.op.toUpperCase()}`;
    case 'invoice_status':
      return `HAS INVOICE WITH status = ${quote(p.value)}`;
    case 'overdue_amount':
      return `overdue_amount > ${cents(p.value)}`;
    case 'overdue_invoice': {
      const amount = p.amount_due === undefined ? '' : ` AND amount_due >= ${cents(p.amount_due)}`;
      return `HAS INVOICE ${p.days}+ DAYS PAST DUE${amount}`;
    }
    case 'paid_total':
      return `paid_total(last ${p.days} days) ${p.op === 'gt' ? '>' : '<'} ${cents(p.value)}`;
    case 'never_paid':
      return 'NEVER PAID';
    case 'last_paid':
      return `LAST PAID MORE THAN ${p.days} DAYS AGO`;
    case 'invoice_count':
      return `invoice_count(last ${p.days} days) ${p.op === 'gt' ? '>' : '<'} ${p.value}`;
    case 'invoice_total':
      return `invoice_total(last ${p.days} days) ${p.op === 'gt' ? '>' : '<'} ${cents(p.value)}`;
    case 'engagement': {
      if (p.op === 'not_messaged') return `NOT MESSAGED ${lastDays(p.days)}`;
      const campaign = p.campaign_id === undefined ? '' : ` OF CAMPAIGN ${quote(p.campaign_id)}`;
      return `${engagementVerb[p.op]} A MESSAGE${campaign} ${lastDays(p.days)}`;
    }
    case 'event': {
      const where =
        p.property === undefined
          ? ''
          : ` WITH properties[${quote(p.property.key)}] = ${literal(p.property.value)}`;
      return `EVENT ${quote(p.name)}${where} AT LEAST ${p.value} TIMES ${lastDays(p.days)}`;
    }
  }
}

/** The whole tree, with groups parenthesized. */
export function renderRule(rule: Rule): string {
  if ('all' in rule) return `(${rule.all.map(renderRule).join(' AND ')})`;
  if ('any' in rule) return `(${rule.any.map(renderRule).join(' OR ')})`;
  if ('not' in rule) return `NOT ${renderRule(rule.not)}`;
  return renderPredicate(rule);
}

/**
 * The label of one node as members are told why they are included: a predicate's own
 * rendering, or a group's (used by previews and `included_reason`).
 */
export function renderLabel(rule: Rule): string {
  return 'field' in rule ? renderPredicate(rule) : renderRule(rule);
}
