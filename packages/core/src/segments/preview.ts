/**
 * Previews: how many customers a segment (stored or draft) holds, and for a sample of them
 * why they are included — the top-level rule predicates they satisfy and, for vector and
 * hybrid segments, their similarity to the query vector.
 */
import { type SqlBool, sql } from 'kysely';
import type { Scope } from '../scope.js';
import { parseInput } from '../validation.js';
import { type CompileOptions, compileNode } from './compile.js';
import {
  countSegmentMembers,
  nearestSegmentMembers,
  type SegmentDefinition,
  segmentWhere,
} from './members.js';
import { renderLabel } from './render.js';
import { type Rule, segmentRuleInputSchema } from './rule-schema.js';

/** Options of {@link previewRule} and {@link previewDefinition}. */
export interface PreviewOptions {
  /**
   * How many members to sample: the nearest first for vector and hybrid segments, else the
   * oldest first (then by id), so a preview is stable.
   * @default 20
   */
  sampleSize?: number;
}

/** One sampled member and why it is included. */
export interface PreviewMember {
  customer: { id: string; name: string; email: string | null };
  /** Labels of the top-level rule predicates this member satisfies. */
  matched: string[];
  /** Cosine similarity to the query vector; `null` for rule segments. */
  similarity: number | null;
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

/** Customers by id with one boolean column per top-level predicate (`m0`, `m1`, …). */
function sampleQuery(scope: Scope, definition: SegmentDefinition, options: CompileOptions) {
  const children = definition.rule ? topLevel(definition.rule) : [];
  return scope.db
    .selectFrom('customers')
    .select(['customers.id', 'customers.name', 'customers.email', 'customers.created_at'])
    .select(
      children.map((child, i) =>
        sql<boolean>`${compileNode(child, options) as unknown as SqlBool}`.as(`m${i}`),
      ),
    );
}

/**
 * Counts the members of a definition (exactly) and samples up to `sampleSize` of them with
 * their reasons. Relative windows count back from `scope.clock.now()`.
 */
export async function previewDefinition(
  scope: Scope,
  definition: SegmentDefinition,
  options: PreviewOptions = {},
): Promise<RulePreview> {
  const sampleSize = Math.max(0, Math.min(Math.trunc(options.sampleSize ?? 20), 1000));
  const compileOptions = { organizationId: scope.organizationId, now: scope.clock.now() };
  const count = await countSegmentMembers(scope, definition);
  const labels = definition.rule ? topLevel(definition.rule).map(renderLabel) : [];
  const reasons = (row: Record<string, unknown>) => labels.filter((_, i) => row[`m${i}`] === true);
  if (sampleSize === 0 || count === 0) return { count, sample: [] };

  if (definition.vector) {
    const nearest = await nearestSegmentMembers(
      scope,
      { ...definition, vector: definition.vector },
      { limit: sampleSize },
    );
    if (nearest.length === 0) return { count, sample: [] };
    const rows = await sampleQuery(scope, definition, compileOptions)
      .where(
        'customers.id',
        'in',
        nearest.map((m) => m.customerId),
      )
      .execute();
    const byId = new Map(rows.map((row) => [row.id, row]));
    return {
      count,
      sample: nearest.flatMap((m) => {
        const row = byId.get(m.customerId);
        if (!row) return [];
        return [
          {
            customer: { id: row.id, name: row.name, email: row.email },
            matched: reasons(row as unknown as Record<string, unknown>),
            similarity: m.similarity,
          },
        ];
      }),
    };
  }

  const rows = await sampleQuery(scope, definition, compileOptions)
    .where(segmentWhere(scope, definition))
    .orderBy('customers.created_at')
    .orderBy('customers.id')
    .limit(sampleSize)
    .execute();
  return {
    count,
    sample: rows.map((row) => ({
      customer: { id: row.id, name: row.name, email: row.email },
      matched: reasons(row as unknown as Record<string, unknown>),
      similarity: null,
    })),
  };
}

/**
 * Counts the members of a draft rule (validated here: bad trees throw `VALIDATION_FAILED`
 * naming the path, e.g. `rule.all.2.field`) and samples up to `sampleSize` of them, each
 * with the labels of the top-level predicates it satisfies.
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
  return previewDefinition(scope, { rule: parsed }, options);
}
