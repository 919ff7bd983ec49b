/**
 * Preview of a draft rule: how many customers match, and for a sample of them which
 * top-level predicates they satisfy ("why they are included").
 */
import { type SqlBool, sql } from 'kysely';
import type { Scope } from '../scope.js';
import { parseInput } from '../validation.js';
import { compileNode, compileRule } from './compile.js';
import { renderPredicate, renderRule } from './render.js';
import { type Rule, segmentRuleInputSchema } from './rule-schema.js';

/** Options of {@link previewRule}. */
export interface PreviewOptions {
  /**
   * How many members to sample (oldest first, then by id, so a preview is stable).
   * @default 20
   */
  sampleSize?: number;
}

/** One sampled member and the labels of the top-level predicates it satisfies. */
export interface PreviewMember {
  customer: { id: string; name: string; email: string | null };
  matched: string[];
}

export interface RulePreview {
  count: number;
  sample: PreviewMember[];
}

/** The top-level children of a rule (the root itself when it is not an `all`/`any`). */
function topLevel(rule: Rule): Rule[] {
  if ('all' in rule) return rule.all;
  if ('any' in rule) return rule.any;
  return [rule];
}

function label(rule: Rule): string {
  return 'field' in rule ? renderPredicate(rule) : renderRule(rule);
}

/**
 * Counts the members of a draft rule (validated here: bad trees throw `VALIDATION_FAILED`
 * naming the path, e.g. `rule.all.2.field`) and samples up to `sampleSize` of them, each
 * with the labels of the top-level predicates it satisfies. The sample and the reasons come
 * from one query (each top-level predicate selected as a boolean column). Relative windows
 * count back from `scope.clock.now()`.
 *
 * @example
 * const { count, sample } = await previewRule(scope, { any: [vip, overdue] }, { sampleSize: 5 });
 * // sample[0].matched → ["tags HAS ANY ('vip')"]
 */
export async function previewRule(
  scope: Scope,
  rule: unknown,
  options: PreviewOptions = {},
): Promise<RulePreview> {
  const parsed = parseInput(segmentRuleInputSchema, { rule }, { what: 'segment rule' }).rule;
  const sampleSize = Math.max(0, Math.min(options.sampleSize ?? 20, 1000));
  const compileOptions = { organizationId: scope.organizationId, now: scope.clock.now() };
  const where = compileRule(parsed, compileOptions);
  const children = topLevel(parsed);

  const { n } = await scope.db
    .selectFrom('customers')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where(where)
    .executeTakeFirstOrThrow();

  const rows =
    sampleSize === 0
      ? []
      : await scope.db
          .selectFrom('customers')
          .select(['customers.id', 'customers.name', 'customers.email'])
          .select(
            children.map((child, i) =>
              sql<boolean>`${compileNode(child, compileOptions) as unknown as SqlBool}`.as(`m${i}`),
            ),
          )
          .where(where)
          .orderBy('customers.created_at')
          .orderBy('customers.id')
          .limit(sampleSize)
          .execute();

  const labels = children.map(label);
  return {
    count: Number(n),
    sample: rows.map((row) => {
      const flags = row as unknown as Record<string, unknown>;
      return {
        customer: { id: row.id, name: row.name, email: row.email },
        matched: labels.filter((_, i) => flags[`m${i}`] === true),
      };
    }),
  };
}
