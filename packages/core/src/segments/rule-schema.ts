/**
 * The segment rule tree: `all` / `any` / `not` groups over typed predicates, validated with
 * zod. A predicate is discriminated by `field` (and, where a field has several operators, by
 * `op`), so an unknown field or operator fails with a path naming the exact place in the
 * tree, e.g. `rule.all.2.field`.
 *
 * @example
 * const rule: Rule = {
 *   all: [
 *     { field: 'type', op: 'eq', value: 'customer' },
 *     { any: [{ field: 'tags', op: 'has_any', values: ['vip'] }, { field: 'overdue_amount', op: 'gt', value: 10_000 }] },
 *     { not: { field: 'consent', op: 'unsubscribed', channel: 'email' } },
 *   ],
 * };
 */
import { z } from 'zod';

/** Deepest nesting of groups a rule may have (the root counts as depth 1). */
export const MAX_RULE_DEPTH = 8;
/** Most predicates (leaves) a rule may have. */
export const MAX_RULE_PREDICATES = 100;

/** Days of a relative window: at least one, at most a century. */
const days = z.number().int().min(1).max(36_500);
/** An amount in cents: a non-negative safe integer. */
const cents = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
// NUL and lone surrogates are refused for every input before this schema runs (parseInput).
const text = z.string().min(1).max(200);
const textList = z.array(text).min(1).max(100);
const isoDate = z.iso.datetime({ offset: true });

const typePredicate = z
  .object({ field: z.literal('type'), op: z.literal('eq'), value: z.enum(['customer', 'lead']) })
  .strict();

/** `name` / `notes` contain the text, case-insensitively (the text is matched literally). */
const containsPredicate = z
  .object({ field: z.enum(['name', 'notes']), op: z.literal('contains'), value: text })
  .strict();

/** The part of the email after `@`, case-insensitively. */
const emailDomainPredicate = z
  .object({ field: z.literal('email_domain'), op: z.literal('eq'), value: text })
  .strict();

const locationField = z.enum(['city', 'state', 'postal_code', 'country']);
/** A location column equals one value, or is in a list (both case-insensitive). */
const locationPredicate = z.discriminatedUnion('op', [
  z.object({ field: locationField, op: z.literal('eq'), value: text }).strict(),
  z.object({ field: locationField, op: z.literal('in'), values: textList }).strict(),
]);

const dateField = z.enum(['created_at', 'updated_at']);
/**
 * A timestamp in `[from, to)` (either bound optional), or within the last `days` days
 * counted back from the compile-time `now`.
 */
const datePredicate = z.discriminatedUnion('op', [
  z
    .object({
      field: dateField,
      op: z.literal('between'),
      from: isoDate.optional(),
      to: isoDate.optional(),
    })
    .strict()
    .refine((p) => p.from !== undefined || p.to !== undefined, {
      message: 'give from, to or both',
      path: ['from'],
    }),
  z.object({ field: dateField, op: z.literal('within_days'), days }).strict(),
]);

/** Tag names (case-insensitive): carries any, all, or none of them. */
const tagsPredicate = z
  .object({
    field: z.literal('tags'),
    op: z.enum(['has_any', 'has_all', 'has_none']),
    values: textList,
  })
  .strict();

/**
 * `subscribed`: the customer may receive on the channel under the organization's consent
 * policy (the consent module's `consentAllowsSql`); `unsubscribed`: the exact complement.
 */
const consentPredicate = z
  .object({
    field: z.literal('consent'),
    op: z.enum(['subscribed', 'unsubscribed']),
    channel: z.enum(['email', 'sms']),
  })
  .strict();

/** Has at least one cached invoice with this status. */
const invoiceStatusPredicate = z
  .object({
    field: z.literal('invoice_status'),
    op: z.literal('has'),
    value: z.enum(['draft', 'sent', 'paid', 'overdue', 'void']),
  })
  .strict();

/** Sum of `amount_due_cents` over the customer's `overdue` invoices is greater than `value`. */
const overdueAmountPredicate = z
  .object({ field: z.literal('overdue_amount'), op: z.literal('gt'), value: cents })
  .strict();

/**
 * Has an unpaid invoice (status `sent` or `overdue`) due `days` or more whole days ago (by
 * the UTC date), with at least `amount_due` cents (default 1) still due: the audience of
 * overdue reminders, whose dispatch re-checks it per batch (`overdue-invoice.ts`).
 *
 * @example
 * { field: 'overdue_invoice', op: 'at_least', days: 30, amount_due: 10_000 }
 */
const overdueInvoicePredicate = z
  .object({
    field: z.literal('overdue_invoice'),
    op: z.literal('at_least'),
    days,
    amount_due: cents.min(1).optional(),
  })
  .strict();

/** Sum of succeeded payments processed in the last `days` days, compared with `value` cents. */
const paidTotalPredicate = z
  .object({ field: z.literal('paid_total'), op: z.enum(['gt', 'lt']), value: cents, days })
  .strict();

/** No succeeded payment ever. */
const neverPaidPredicate = z.object({ field: z.literal('never_paid') }).strict();

/** A number of rows: a non-negative integer (bounded so it always fits a Postgres `int`). */
const count = z.number().int().min(0).max(1_000_000_000);

/**
 * Cached invoices issued in the last `days` days, compared with `value`:
 * `invoice_count` counts them, `invoice_total` sums their `total_cents` (the invoiced
 * amount including tax, not what is still due: `overdue_amount` covers that).
 *
 * "Issued" means status `sent`, `paid` or `overdue`: a `draft` never reached the customer
 * and a `void` invoice was withdrawn, so neither says anything about what they bought
 * (`invoice_status` still targets those). The window is on the cache row's `created_at`,
 * the time the timeline places an invoice at; `due_date` is optional and a date only, and
 * `updated_at` moves on every sync.
 *
 * @example
 * { field: 'invoice_count', op: 'gt', value: 2, days: 90 }
 * { field: 'invoice_total', op: 'lt', value: 10_000, days: 365 }
 */
const invoiceCountPredicate = z
  .object({ field: z.literal('invoice_count'), op: z.enum(['gt', 'lt']), value: count, days })
  .strict();
/** See {@link invoiceCountPredicate}: the same invoices, their `total_cents` summed. */
const invoiceTotalPredicate = z
  .object({ field: z.literal('invoice_total'), op: z.enum(['gt', 'lt']), value: cents, days })
  .strict();

/**
 * Has paid, but the latest succeeded payment (placed at `processed_at`, else `created_at`,
 * as in `paid_total`) is more than `days` days before `now`. A payment exactly `days` days
 * ago is inside the window, so it is not older. Customers who never paid do not match:
 * combine with `never_paid` for "lapsed or never".
 *
 * @example
 * { field: 'last_paid', op: 'older_than', days: 180 }
 */
const lastPaidPredicate = z
  .object({ field: z.literal('last_paid'), op: z.literal('older_than'), days })
  .strict();

/** Optional: only messages of this campaign's runs count. */
const campaignId = z.uuid().optional();

/**
 * Messaging engagement in the last `days` days, from any campaign, or from one
 * (`campaign_id`; messages without a campaign run, e.g. transactional ones, never match a
 * campaign).
 * - `received`: a message in status `sent` or `delivered` whose `sent_at` is in the window
 *   (queued, bounced and failed messages did not reach the customer);
 * - `opened` / `clicked`: an `open` / `click` event, in the window, on one of their messages
 *   (the event's time counts, not the send's: an old email opened today is engagement today);
 * - `not_messaged`: no message in the window, placed at `sent_at`, else `created_at` (as the
 *   timeline does). Every status but `failed` counts: a queued message is contact about to
 *   happen and a bounce was still an attempt, while `failed` never left us. There is no
 *   `campaign_id` here: "not messaged" is about contact fatigue, which is per customer.
 *
 * @example
 * { field: 'engagement', op: 'opened', days: 30 }
 * { field: 'engagement', op: 'clicked', days: 14, campaign_id: '2f1c…' }
 * { field: 'engagement', op: 'not_messaged', days: 60 }
 */
const engagementPredicate = z.discriminatedUnion('op', [
  z
    .object({
      field: z.literal('engagement'),
      op: z.enum(['received', 'opened', 'clicked']),
      days,
      campaign_id: campaignId,
    })
    .strict(),
  z.object({ field: z.literal('engagement'), op: z.literal('not_messaged'), days }).strict(),
]);

/**
 * A property value an event must carry. Strings `jsonb` could not hold (NUL, lone UTF-16
 * surrogates) are refused for every input before zod runs (`parseInput`); numbers are
 * finite (zod refuses `Infinity` and `NaN`).
 */
const propertyValue = z.union([z.string().max(200), z.number(), z.boolean()]);

/**
 * The customer did the event `name` at least `value` times (`occurred_at` in the last
 * `days` days), counting only events whose `properties[key]` equals `value` when `property`
 * is given. The comparison is jsonb equality, so it is type-sensitive (`3` ≠ `'3'`) and
 * case-sensitive for strings; numbers compare numerically (a stored `3.0` matches `3`).
 *
 * @example
 * { field: 'event', name: 'booking_request', op: 'at_least', value: 2, days: 30 }
 * { field: 'event', name: 'plan_changed', op: 'at_least', value: 1, days: 90, property: { key: 'plan', value: 'pro' } }
 */
const eventPredicate = z
  .object({
    field: z.literal('event'),
    name: text,
    op: z.literal('at_least'),
    value: count.min(1),
    days,
    property: z.object({ key: text, value: propertyValue }).strict().optional(),
  })
  .strict();

/** A leaf of the rule tree, discriminated by `field`. */
const predicateSchema = z.discriminatedUnion('field', [
  typePredicate,
  containsPredicate,
  emailDomainPredicate,
  locationPredicate,
  datePredicate,
  tagsPredicate,
  consentPredicate,
  invoiceStatusPredicate,
  overdueAmountPredicate,
  overdueInvoicePredicate,
  paidTotalPredicate,
  neverPaidPredicate,
  invoiceCountPredicate,
  invoiceTotalPredicate,
  lastPaidPredicate,
  engagementPredicate,
  eventPredicate,
]);
/** One parsed leaf of the rule tree. */
export type Predicate = z.output<typeof predicateSchema>;

/** A node of the rule tree: a group or a predicate. */
export type Rule = { all: Rule[] } | { any: Rule[] } | { not: Rule } | Predicate;

const children = () => z.array(ruleNodeSchema).min(1).max(MAX_RULE_PREDICATES);
const allSchema = z.object({ all: z.lazy(children) }).strict();
const anySchema = z.object({ any: z.lazy(children) }).strict();
const notSchema = z.object({ not: z.lazy(() => ruleNodeSchema) }).strict();

/** Copies a nested parse's issues into `ctx`, so paths point inside the node. */
function forwardIssues(error: z.ZodError, ctx: z.core.$RefinementCtx): typeof z.NEVER {
  for (const issue of error.issues) {
    ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path });
  }
  return z.NEVER;
}

/**
 * One node. The node kind is picked from its keys (`all`, `any`, `not`, else a predicate),
 * then that schema alone reports its issues, so paths point inside the node (`…field`,
 * `…value`) instead of a vague "no union member matched".
 */
const ruleNodeSchema: z.ZodType<Rule> = z.unknown().transform((value, ctx): Rule => {
  const result = nodeSchemaFor(value).safeParse(value);
  return result.success ? result.data : forwardIssues(result.error, ctx);
});

function nodeSchemaFor(value: unknown): z.ZodType<Rule> {
  const keys = isObject(value) ? value : {};
  return 'all' in keys
    ? allSchema
    : 'any' in keys
      ? anySchema
      : 'not' in keys
        ? notSchema
        : predicateSchema;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Why the raw (unparsed) tree breaks {@link MAX_RULE_DEPTH} or {@link MAX_RULE_PREDICATES},
 * or null. Iterative and stopping at the first excess, because the tree is untrusted: a
 * 10,000-level `{"not": …}` must be refused before anything recurses into it. Nodes are
 * classified as {@link nodeSchemaFor} does; malformed ones count as leaves (zod then says
 * what is wrong with them).
 */
function ruleLimitProblem(root: unknown): string | null {
  const stack: Array<{ node: unknown; depth: number }> = [{ node: root, depth: 1 }];
  let predicates = 0;
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const { node, depth } = item;
    if (depth > MAX_RULE_DEPTH) return `nested deeper than ${MAX_RULE_DEPTH}`;
    const group = isObject(node)
      ? 'all' in node
        ? node.all
        : 'any' in node
          ? node.any
          : 'not' in node
            ? [node.not]
            : undefined
      : undefined;
    if (Array.isArray(group)) {
      for (const child of group) stack.push({ node: child, depth: depth + 1 });
    } else if (++predicates > MAX_RULE_PREDICATES) {
      return `more than ${MAX_RULE_PREDICATES} predicates`;
    }
  }
  return null;
}

/**
 * A whole rule tree within {@link MAX_RULE_DEPTH} and {@link MAX_RULE_PREDICATES}. The
 * limits are checked on the raw input before the (recursive) node schemas see it.
 */
export const ruleSchema: z.ZodType<Rule> = z.unknown().transform((value, ctx): Rule => {
  const problem = ruleLimitProblem(value);
  if (problem) {
    ctx.addIssue({ code: 'custom', message: problem });
    return z.NEVER;
  }
  const result = ruleNodeSchema.safeParse(value);
  return result.success ? result.data : forwardIssues(result.error, ctx);
});

/** The input shape segment APIs validate: `{ rule }`, so issue paths start with `rule.`. */
export const segmentRuleInputSchema = z.object({ rule: ruleSchema }).strict();
